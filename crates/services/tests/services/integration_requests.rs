//! Integration requests through the services, on both backends.

use super::*;
use domain::integration_requests::{CustomerForm, Form, State};
use rust_decimal::Decimal;
use services::integration_requests::{
    IntegrationRequest, IntegrationRequests, Merge, Move, PartnerRequestView, RankingQuery,
    RequestView,
};

fn customer(name: &str, amount: &str, currency: &str) -> CustomerForm {
    CustomerForm {
        name: name.into(),
        amount: amount.into(),
        currency: currency.into(),
        deal_id: None,
    }
}

fn form(title: &str, customers: Vec<CustomerForm>) -> Form {
    Form {
        title: title.into(),
        description: "Sync accounts and deals both ways".into(),
        system: "Salesforce".into(),
        customers,
    }
}

fn ours(seen: IntegrationRequest) -> RequestView {
    match seen {
        IntegrationRequest::Ours(view) => *view,
        IntegrationRequest::Partners(_) => panic!("our people get our shape"),
    }
}

fn theirs(seen: IntegrationRequest) -> PartnerRequestView {
    match seen {
        IntegrationRequest::Partners(view) => view,
        IntegrationRequest::Ours(_) => panic!("a partner's people get the partner shape"),
    }
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn step(transition: &str, version: Option<i64>, reason: &str, note: &str) -> Move {
    Move {
        transition: transition.into(),
        version,
        reason: reason.into(),
        internal_note: note.into(),
    }
}

async fn ranked(s: &Services, who: &Actor) -> Vec<RequestView> {
    match s
        .list_integration_requests(who, &RankingQuery::default())
        .await
        .unwrap()
    {
        IntegrationRequests::Ours(page) => page.items,
        IntegrationRequests::Partners(_) => panic!("our shape"),
    }
}

async fn notified(s: &Services, who: &Actor) -> Vec<String> {
    s.notifications(who, &Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == "integration_request")
        .map(|n| n.message)
        .collect()
}

#[tokio::test]
async fn requests_rank_by_converted_revenue_and_duplicates_merge() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = w.admin.today();
        s.import_rates(
            &w.admin,
            &format!("currency,rate,effective_on\nEUR,1.1,{today}\nJPY,0.0067,{today}\n"),
            false,
        )
        .await
        .unwrap();
        // A product person, on the Accountable team, is told of every request.
        let product = user(s, &w.admin, "pia@ours.com", "sales", None).await;
        s.add_team_member(
            &w.admin,
            "product",
            &services::teams::MemberInput {
                user_id: product.user_id.unwrap().to_string(),
            },
        )
        .await
        .unwrap();
        let first = theirs(
            s.submit_integration_request(
                &w.a_user,
                w.partner_a,
                &form(
                    "Salesforce sync",
                    vec![
                        customer("Acme", "10000.00", "EUR"),
                        customer("Globex", "1000000", "JPY"),
                    ],
                ),
            )
            .await
            .unwrap(),
        );
        assert_eq!(first.reference, "INT-000001");
        assert_eq!(first.state, State::Submitted);
        assert_eq!(
            notified(s, &product).await,
            ["INT-000001 from Alpha: integration with Salesforce"]
        );
        let second = ours(
            s.submit_integration_request(
                &w.manager,
                w.partner_b,
                &form(
                    "SAP connector",
                    vec![customer("Initech", "15000.00", "USD")],
                ),
            )
            .await
            .unwrap(),
        );
        // First: EUR 10,000 × 1.1 = 11,000.00 + JPY 1,000,000 × 0.0067 = 6,700.00 → 17,700.00;
        // second: USD 15,000.00. The first ranks above.
        let list = ranked(s, &w.executive).await;
        let order: Vec<(&str, Option<usize>, Decimal)> = list
            .iter()
            .map(|r| (r.reference.as_str(), r.rank, r.demand.revenue))
            .collect();
        assert_eq!(
            order,
            [
                ("INT-000001", Some(1), dec("17700.00")),
                ("INT-000002", Some(2), dec("15000.00")),
            ]
        );
        assert_eq!(list[0].demand.currency, "USD");

        // The sales person is not on a deciding team: refused; on Product: allowed.
        assert!(matches!(
            s.merge_integration_requests(
                &w.a_user,
                first.id,
                &Merge {
                    duplicate_id: Some(second.id),
                    ..Default::default()
                }
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        let merged = ours(
            s.merge_integration_requests(
                &product,
                second.id,
                &Merge {
                    duplicate: " int-000001 ".into(),
                    duplicate_version: Some(1),
                    version: Some(second.version),
                    ..Default::default()
                },
            )
            .await
            .unwrap(),
        );
        // 15,000.00 + 17,700.00 = 32,700.00 from two partners and three customers.
        assert_eq!(merged.demand.revenue, dec("32700.00"));
        assert_eq!((merged.demand.partners, merged.demand.customers), (2, 3));
        assert_eq!(merged.merged, ["INT-000001"]);
        // The survivor lists its own customer and, apart, the duplicate's with their partner.
        let own: Vec<&str> = merged.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(own, ["Initech"]);
        let joined: Vec<(&str, &str, &str)> = merged
            .merged_customers
            .iter()
            .map(|m| {
                (
                    m.customer.name.as_str(),
                    m.partner_name.as_str(),
                    m.reference.as_str(),
                )
            })
            .collect();
        assert_eq!(
            joined,
            [
                ("Acme", "Alpha", "INT-000001"),
                ("Globex", "Alpha", "INT-000001")
            ]
        );
        // Alpha's people see their request merged, not who it joined.
        let merged_theirs = theirs(s.integration_request(&w.a_user, first.id).await.unwrap());
        assert!(merged_theirs.merged);
        assert_eq!(merged_theirs.state, State::Submitted);
        let list = ranked(s, &w.admin).await;
        assert_eq!(list.len(), 1, "the duplicate leaves the ranking");
        // The loser of a race: merging again (the duplicate changed meanwhile) is 409.
        assert!(matches!(
            s.merge_integration_requests(
                &product,
                second.id,
                &Merge {
                    duplicate_id: Some(first.id),
                    duplicate_version: Some(1),
                    ..Default::default()
                },
            )
            .await,
            Err(Error::Conflict(_))
        ));

        // Declining needs a reason the partners read; the note stays ours.
        let bad = s
            .move_integration_request(&product, second.id, &step("decline", None, "", ""))
            .await;
        assert!(
            matches!(&bad, Err(Error::Invalid(errors)) if errors[0].field == "reason"),
            "{bad:?}"
        );
        let declined = ours(
            s.move_integration_request(
                &product,
                second.id,
                &step(
                    "decline",
                    Some(merged.version),
                    "Not on this year's roadmap",
                    "Revisit when the CRM team has capacity",
                ),
            )
            .await
            .unwrap(),
        );
        assert_eq!(declined.state, State::Declined);
        assert_eq!(
            declined.internal_note,
            "Revisit when the CRM team has capacity"
        );
        // A stale version loses.
        assert!(matches!(
            s.move_integration_request(
                &product,
                second.id,
                &step("ship", Some(merged.version), "", "")
            )
            .await,
            Err(Error::Conflict(_))
        ));
        // Alpha's user sees its own request, in the survivor's state with its reason, and
        // never the note, Bravo's customer or the revenue.
        let seen = theirs(s.integration_request(&w.a_user, first.id).await.unwrap());
        assert_eq!(seen.state, State::Declined);
        assert_eq!(
            seen.decline_reason.as_deref(),
            Some("Not on this year's roadmap")
        );
        let names: Vec<&str> = seen.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Acme", "Globex"]);
        let json = serde_json::to_string(&seen).unwrap();
        assert!(!json.contains("CRM team") && !json.contains("Initech") && !json.contains("32700"));
        assert!(
            !json.contains("Bravo") && !json.contains("INT-000002"),
            "{json}"
        );
        assert!(matches!(
            s.integration_request(&w.a_user, second.id).await,
            Err(Error::NotFound)
        ));
        assert_eq!(
            notified(s, &w.a_user).await,
            [
                "INT-000001: Declined",
                "INT-000001: reviewed together with a request of the same integration",
            ]
        );
        // The ranked list's CSV: our people only.
        let table = s.integration_requests_table(&w.admin).await.unwrap();
        let csv = String::from_utf8(services::reports::to_csv(&table).unwrap()).unwrap();
        assert_eq!(
            csv.lines().nth(1).unwrap(),
            "1,INT-000002,SAP connector,Salesforce,Declined,Bravo,2,3,32700.00,USD,"
        );
        assert!(matches!(
            s.integration_requests_table(&w.a_admin).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn bad_requests_name_their_fields_and_others_deals_are_refused() {
    each_backend(|w| async move {
        let s = &w.services;
        let mut bad = form("Sync", vec![customer("Acme", "-5", "EUR")]);
        bad.customers.push(CustomerForm {
            deal_id: Some(uuid::Uuid::now_v7()),
            ..customer("Globex", "10", "USD")
        });
        let err = s
            .submit_integration_request(&w.a_user, w.partner_a, &bad)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(errors) if errors[0].field == "customers[0].amount"),
            "{err:?}"
        );
        bad.customers.remove(0);
        let err = s
            .submit_integration_request(&w.a_user, w.partner_a, &bad)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(errors) if errors[0].field == "customers[0].deal_id"),
            "{err:?}"
        );
        assert!(matches!(
            s.submit_integration_request(
                &w.a_user,
                w.partner_b,
                &form("Sync", vec![customer("A", "1", "USD")])
            )
            .await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.submit_integration_request(
                &w.executive,
                w.partner_b,
                &form("Sync", vec![customer("A", "1", "USD")])
            )
            .await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn a_customer_without_a_currency_counts_in_the_program_currency_and_merges_name_references() {
    each_backend(|w| async move {
        let s = &w.services;
        // program.toml's currency in this world is USD.
        let first = theirs(
            s.submit_integration_request(
                &w.a_user,
                w.partner_a,
                &form("Salesforce sync", vec![customer("Acme", "2500.50", "")]),
            )
            .await
            .unwrap(),
        );
        assert_eq!(first.customers[0].currency, "USD");
        assert_eq!(first.customers[0].amount, dec("2500.50"));
        let second = ours(
            s.submit_integration_request(
                &w.manager,
                w.partner_b,
                &form("SAP connector", vec![customer("Initech", "10", "EUR")]),
            )
            .await
            .unwrap(),
        );
        let third = ours(
            s.submit_integration_request(
                &w.manager,
                w.partner_b,
                &form("HubSpot", vec![customer("Hooli", "10", "USD")]),
            )
            .await
            .unwrap(),
        );
        s.move_integration_request(&w.admin, third.id, &step("decline", None, "Not now", ""))
            .await
            .unwrap();
        let merge = |reference: &str| Merge {
            duplicate: reference.into(),
            ..Default::default()
        };
        let refused = |result: services::Result<IntegrationRequest>| match result {
            Err(Error::Invalid(errors)) => (errors[0].field.clone(), errors[0].message.clone()),
            other => panic!("{:?}", other.map(|_| ())),
        };
        let pair = |field: &str, message: &str| (field.to_owned(), message.to_owned());
        assert_eq!(
            refused(s.merge_integration_requests(&w.admin, second.id, &merge("")).await),
            pair("duplicate", "is required")
        );
        assert_eq!(
            refused(s.merge_integration_requests(&w.admin, second.id, &merge("42")).await),
            pair(
                "duplicate",
                "'42' is not a request reference such as INT-000123"
            )
        );
        assert_eq!(
            refused(
                s.merge_integration_requests(&w.admin, second.id, &merge("INT-000099"))
                    .await
            ),
            pair("duplicate", "no integration request is INT-000099")
        );
        assert_eq!(
            refused(
                s.merge_integration_requests(&w.admin, second.id, &merge("INT-000002"))
                    .await
            ),
            pair("duplicate", "a request cannot be merged into itself")
        );
        assert_eq!(
            refused(
                s.merge_integration_requests(&w.admin, second.id, &merge("INT-000003"))
                    .await
            ),
            pair(
                "duplicate",
                "INT-000003 is declined: declined and shipped requests are done, nothing merges with them"
            )
        );
        let merged = ours(
            s.merge_integration_requests(&w.admin, second.id, &merge("int-1"))
                .await
                .unwrap(),
        );
        assert_eq!(merged.merged, ["INT-000001"]);
        assert_eq!(
            refused(
                s.merge_integration_requests(&w.admin, second.id, &merge("INT-000001"))
                    .await
            ),
            pair("duplicate", "INT-000001 was already merged into INT-000002")
        );
        assert_eq!(
            refused(
                s.merge_integration_requests(
                    &w.admin,
                    second.id,
                    &Merge {
                        duplicate_id: Some(uuid::Uuid::now_v7()),
                        ..Default::default()
                    }
                )
                .await
            ),
            pair("duplicate_id", "no integration request is that id")
        );
    })
    .await;
}
