//! The books around deals: the direct pipeline and accounts, leads, exports and imports.

use super::*;

#[tokio::test]
async fn the_direct_pipeline_and_customer_accounts_win_conflicts() {
    use domain::deals::conflicts::Verdict;
    use domain::deals::direct::DirectKind;
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let bad = "reference,customer,website\nOPP-1,,initech\n";
        let report = s.import_direct(&w.manager, DirectKind::Opportunities, bad, false).await.unwrap();
        assert!(!report.applied);
        assert_eq!(report.errors.iter().map(ToString::to_string).collect::<Vec<_>>(), ["line 2, customer: is required", "line 2, website: 'initech' is not a website like acme.com"]);
        let opportunities = "reference,customer,website,owner,stage,amount,status\nOPP-77,Initech LLC,initech.com,Sam Sales,Proposal,90000,open\nOPP-78,Lost Co,,Sam,Demo,1,lost\n";
        let dry = s.import_direct(&w.manager, DirectKind::Opportunities, opportunities, true).await.unwrap();
        assert_eq!((dry.created, dry.applied), (2, false));
        assert_eq!(s.preview_conflicts(&w.a_user, a, "Initech", "").await.unwrap().verdict, Verdict::Clear, "a dry run writes nothing");
        assert!(s.import_direct(&w.manager, DirectKind::Opportunities, opportunities, false).await.unwrap().applied);
        let again = s.import_direct(&w.manager, DirectKind::Opportunities, opportunities, false).await.unwrap();
        assert_eq!((again.created, again.updated), (0, 2), "by reference");
        let accounts = "account,name,website,owner\nACC-12,Globex Inc,globex.com,Sam\n";
        assert!(s.import_direct(&w.admin, DirectKind::Accounts, accounts, false).await.unwrap().applied);
        assert!(matches!(s.import_direct(&w.a_admin, DirectKind::Accounts, accounts, true).await, Err(Error::Forbidden(_))));
        assert!(matches!(s.import_direct(&w.executive, DirectKind::Accounts, accounts, true).await, Err(Error::Forbidden(_))));

        // The exports import again unchanged.
        for kind in [DirectKind::Opportunities, DirectKind::Accounts] {
            let exported = text(s.export_direct(&w.manager, kind).await.unwrap()).await;
            let again = s.import_direct(&w.manager, kind, &exported, false).await.unwrap();
            assert!(again.errors.is_empty() && again.created == 0 && again.updated > 0, "{kind:?}: {again:?}\n{exported}");
            assert_eq!(text(s.export_direct(&w.manager, kind).await.unwrap()).await, exported);
        }
        assert!(matches!(s.export_direct(&w.a_admin, DirectKind::Accounts).await, Err(Error::Forbidden(_))));

        let check = s.preview_conflicts(&w.manager, a, "Initech", "www.initech.com").await.unwrap();
        assert_eq!(check.verdict, Verdict::AlreadyRegistered);
        assert!(check.findings[0].explanation.contains("opportunity OPP-77 (direct pipeline, owner Sam Sales)"), "{:?}", check.findings);
        assert_eq!(s.preview_conflicts(&w.a_user, a, "Lost Co", "").await.unwrap().verdict, Verdict::Clear, "only open opportunities conflict");
        let deal = s.register_deal(&w.a_user, a, &deal_input("Globex Europe", "eu.globex.com", "5000"), true).await.unwrap();
        assert_eq!(deal.conflict_verdict, Verdict::NeedsReview, "an existing customer, as the partner reads it");
        assert_eq!(s.deal(&w.manager, deal.id).await.unwrap().conflict_verdict, Verdict::AlreadyRegistered);
        // Closing the opportunity frees the customer.
        let closed = "reference,customer,website,status\nOPP-77,Initech LLC,initech.com,won\n";
        s.import_direct(&w.manager, DirectKind::Opportunities, closed, false).await.unwrap();
        assert_eq!(s.preview_conflicts(&w.a_user, a, "Initech", "initech.com").await.unwrap().verdict, Verdict::Clear);
    })
    .await;
}

#[tokio::test]
async fn partner_leads_are_accepted_or_rejected_by_sales_within_the_sla() {
    use domain::deals::leads::LeadInput;
    each_backend(|w| async move {
        let s = &w.services;
        let (a, b) = (w.partner_a, w.partner_b);
        let sales = user(s, &w.admin, "sales@vendor.test", "sales", None).await;
        let input = LeadInput {
            company: "Initech".into(),
            website: "initech.example".into(),
            contact_name: "Bill Lumbergh".into(),
            contact_email: "bill@initech.example".into(),
            need: "TPS report automation".into(),
            estimated_value: "40000".into(),
            currency: String::new(),
        };
        match s
            .submit_lead(
                &w.a_user,
                a,
                &LeadInput {
                    company: String::new(),
                    ..input.clone()
                },
            )
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "company"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.submit_lead(&w.a_user, b, &input).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.submit_lead(&sales, a, &input).await,
            Err(Error::Forbidden(_))
        ));
        // No certification needed: a lead is not a registration.
        let lead = s.submit_lead(&w.a_user, a, &input).await.unwrap();
        assert!(lead.reference.starts_with("L-"));
        assert_eq!(
            (
                lead.status.as_str(),
                lead.overdue,
                lead.counts_against_quota
            ),
            ("submitted", false, false)
        );
        assert!(
            s.notifications(&sales, &Default::default())
                .await
                .unwrap()
                .items
                .iter()
                .any(|n| n.kind == "lead")
        );
        assert!(matches!(
            s.accept_lead(&w.a_admin, lead.id).await,
            Err(Error::Forbidden(_))
        ));
        let b_user = user(s, &w.admin, "user@bravo.test", "partner_user", Some(b)).await;
        assert!(matches!(
            s.accept_lead(&b_user, lead.id).await,
            Err(Error::NotFound)
        ));
        assert!(
            s.leads(&b_user, None, None, &PageRequest::everything())
                .await
                .unwrap()
                .items
                .is_empty()
        );

        let accepted = s.accept_lead(&sales, lead.id).await.unwrap();
        assert_eq!(accepted.status, "accepted");
        let deal = s.deal(&w.a_user, accepted.deal_id.unwrap()).await.unwrap();
        assert_eq!(
            (deal.status, deal.customer_name.as_str()),
            (domain::deals::registration::Status::Approved, "Initech")
        );
        assert!(deal.partner_sourced && deal.protected_until.is_some());
        assert!(matches!(
            s.accept_lead(&sales, lead.id).await,
            Err(Error::Conflict(_))
        ));

        let second = s
            .submit_lead(
                &w.a_user,
                a,
                &LeadInput {
                    company: "Globex".into(),
                    website: String::new(),
                    ..input.clone()
                },
            )
            .await
            .unwrap();
        match s.reject_lead(&sales, second.id, " ").await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "reason"),
            other => panic!("{other:?}"),
        }
        let rejected = s
            .reject_lead(&sales, second.id, "Already in talks with our team")
            .await
            .unwrap();
        assert_eq!(
            (rejected.status.as_str(), rejected.rejection_reason.as_str()),
            ("rejected", "Already in talks with our team")
        );
        let mine = s
            .leads(&w.a_user, None, None, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(mine.len(), 2);
        assert_eq!(
            s.leads(
                &w.manager,
                None,
                Some("accepted"),
                &PageRequest::everything()
            )
            .await
            .unwrap()
            .items
            .len(),
            1
        );
        assert!(matches!(
            s.leads(&w.manager, None, Some("maybe"), &PageRequest::everything())
                .await,
            Err(Error::Invalid(_))
        ));
        let told = s
            .notifications(&w.a_admin, &Default::default())
            .await
            .unwrap()
            .items;
        assert!(told.iter().any(|n| {
            n.message
                .ends_with("rejected by sales: Already in talks with our team")
        }));

        let csv = text(s.export_leads(&w.a_user).await.unwrap()).await;
        assert_eq!(csv.lines().count(), 3, "A's two leads: {csv}");
        assert!(
            csv.contains("Already in talks with our team") && csv.contains(",false\n"),
            "{csv}"
        );
        assert_eq!(
            text(s.export_leads(&b_user).await.unwrap())
                .await
                .lines()
                .count(),
            1,
            "B sees none of A's"
        );

        // Past its SLA, a waiting lead is flagged once.
        let late = s
            .submit_lead(
                &w.a_user,
                a,
                &LeadInput {
                    company: "Late Corp".into(),
                    website: String::new(),
                    ..input
                },
            )
            .await
            .unwrap();
        let mut tx = s.db.write().await.unwrap();
        tx.execute(store::sql!(
            "UPDATE leads SET accept_by = $2 WHERE id = $1",
            late.id,
            store::now() - time::Duration::hours(1)
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let system = Actor::system("test sweep");
        assert!(
            s.run_deal_sweep(&system)
                .await
                .unwrap()
                .contains("1 overdue lead(s) flagged")
        );
        assert!(
            s.run_deal_sweep(&system)
                .await
                .unwrap()
                .contains("0 overdue lead(s) flagged")
        );
        assert!(
            s.leads(&sales, None, Some("submitted"), &PageRequest::everything())
                .await
                .unwrap()
                .items[0]
                .overdue
        );
    })
    .await;
}

#[tokio::test]
async fn leads_export_and_import_round_trip_all_or_nothing() {
    use domain::deals::leads::LeadInput;
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        let input = LeadInput {
            company: "Initech".into(),
            website: "initech.com".into(),
            contact_name: "Bill Lumbergh".into(),
            contact_email: "bill@initech.com".into(),
            need: "TPS reports, \"urgently\"".into(),
            estimated_value: "40000".into(),
            currency: String::new(),
        };
        let lead = s.submit_lead(&w.a_user, a, &input).await.unwrap();
        let exported = text(s.export_leads(&w.manager).await.unwrap()).await;
        assert!(exported.contains(&format!("{},alpha.com,Initech", lead.reference)), "{exported}");

        // The export imports again unchanged: updated in place, nothing new.
        let again = s.import_leads(&w.manager, &exported, false).await.unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!((again.rows, again.created, again.updated, again.applied), (1, 0, 1, true));
        assert_eq!(text(s.export_leads(&w.manager).await.unwrap()).await, exported);

        // History from elsewhere: a rejected lead and an edit of the known one.
        let header = domain::deals::leads::CSV_COLUMNS.join(",");
        let history = format!(
            "{header}\n{},alpha.com,Initech Corp,initech.com,Bill Lumbergh,bill@initech.com,TPS reports,45000,USD,submitted,,,false\n\
             ,Alpha,Globex,globex.com,Hank Scorpio,hank@globex.com,Doomsday device,10000,EUR,rejected,2026-01-10,in talks already,\n",
            lead.reference
        );
        let checked = s.import_leads(&w.manager, &history, true).await.unwrap();
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!((checked.created, checked.updated, checked.applied), (1, 1, false));
        assert_eq!(text(s.export_leads(&w.manager).await.unwrap()).await, exported, "a dry run writes nothing");
        let unread_before = s.unread_notifications(&w.manager).await.unwrap();
        let done = s.import_leads(&w.manager, &history, false).await.unwrap();
        assert_eq!((done.created, done.updated, done.applied), (1, 1, true));
        assert_eq!(s.unread_notifications(&w.manager).await.unwrap(), unread_before, "history is not news");
        let all = s.leads(&w.manager, Some(a), None, &PageRequest::everything()).await.unwrap().items;
        let globex = all.iter().find(|l| l.company == "Globex").unwrap();
        assert_eq!(
            (globex.status.as_str(), globex.rejection_reason.as_str(), globex.currency.as_str(), globex.overdue),
            ("rejected", "in talks already", "EUR", false)
        );
        let edited = all.iter().find(|l| l.id == lead.id).unwrap();
        assert_eq!((edited.company.as_str(), edited.estimated_value), ("Initech Corp", rust_decimal::Decimal::from(45_000)));

        // One bad row and nothing is written; every problem is named by line.
        let before = text(s.export_leads(&w.manager).await.unwrap()).await;
        let bad = format!(
            "{header}\n,alpha.com,Umbrella,umbrella.com,Alice,alice@umbrella.com,Vaccines,1,,submitted,,,\n\
             L-1,alpha.com,Hooli,hooli.com,Gavin,gavin@hooli.com,Search,1,,submitted,,,\n\
             {},bravo.com,Initech,initech.com,Bill,bill@initech.com,TPS,1,,submitted,,,\n\
             ,nobody.example,Pied Piper,,Richard,richard@pp.com,Compression,1,,submitted,,,\n",
            lead.reference
        );
        let refused = s.import_leads(&w.manager, &bad, false).await.unwrap();
        let found: Vec<String> = refused.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 3, reference: there is no lead L-1; leave the reference empty to add a new one".to_owned(),
                format!("line 4, partner: {} belongs to another partner; a lead cannot move between partners", lead.reference),
                "line 5, partner: no partner with the id, website domain or name 'nobody.example'".to_owned(),
            ]
        );
        assert!(!refused.applied);
        assert_eq!(text(s.export_leads(&w.manager).await.unwrap()).await, before, "all or nothing");

        // Partners and sales do not import leads.
        for who in [&w.a_admin, &w.a_user] {
            assert!(matches!(s.import_leads(who, &history, true).await, Err(Error::Forbidden(_))));
        }
    })
    .await;
}

#[tokio::test]
async fn registrations_export_and_import_round_trip_all_or_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let deal = s.register_deal(&w.a_user, a, &deal_input("Acme Corp", "acme.com", "80000"), true).await.unwrap();
        s.register_deal(&w.a_user, a, &deal_input("Draft Co", "", "1000"), false).await.unwrap();
        let exported = text(s.export_deals(&w.manager).await.unwrap()).await;
        assert!(exported.starts_with("reference,partner,customer_name,website"), "{exported}");
        assert!(exported.contains(&format!("{},alpha.com,Acme Corp,acme.com", deal.reference)), "{exported}");
        assert_eq!(text(s.export_deals(&w.a_user).await.unwrap()).await, exported, "A's people export their own");
        let b_user = user(s, &w.admin, "user@bravo.test", "partner_user", Some(w.partner_b)).await;
        assert_eq!(text(s.export_deals(&b_user).await.unwrap()).await.lines().count(), 1, "only the header for B");

        // The export imports again unchanged: same references, updated in place.
        let again = s.import_deals(&w.manager, &exported, false, &|_| {}).await.unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!((again.rows, again.created, again.updated, again.applied), (2, 0, 2, true));
        assert_eq!(text(s.export_deals(&w.manager).await.unwrap()).await, exported);

        // Another PRM's history: new references, won deals count as revenue.
        let today = store::now().date();
        let closed = (today - time::Duration::days(20)).to_string();
        let registered = (today - time::Duration::days(60)).to_string();
        let history = format!(
            "partner,customer_name,website,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n\
             alpha.com,Old Win Ltd,oldwin.example,Retail,emea,30000,{closed},Sync,negotiation,90,Ana,won,{registered},{closed},28000\n"
        );
        let bad = format!("{history}nobody.example,X,,Retail,emea,1,{closed},Sync,demo,10,Ana,won,{registered},,\n");
        let refused = s.import_deals(&w.manager, &bad, false, &|_| {}).await.unwrap();
        assert!(!refused.applied);
        let found: Vec<String> = refused.errors.iter().map(ToString::to_string).collect();
        assert_eq!(found, ["line 3, closed_on: a won registration needs the day it closed", "line 3, partner: no partner with the id, website domain or name 'nobody.example'"]);
        assert_eq!(s.deals(&w.manager, &Default::default()).await.unwrap().items.len(), 2, "nothing written");
        let dry = s.import_deals(&w.manager, &history, true, &|_| {}).await.unwrap();
        assert_eq!((dry.created, dry.applied), (1, false));
        let done = s.import_deals(&w.manager, &history, false, &|_| {}).await.unwrap();
        assert_eq!((done.created, done.applied), (1, true));
        assert_eq!(s.partner_facts(&w.manager, a).await.unwrap().sourced_revenue_12m, rust_decimal::Decimal::from(28_000));
        let newest = &s.deals(&w.manager, &Default::default()).await.unwrap().items[0];
        assert_eq!(newest.customer_name, "Old Win Ltd");
        assert!(newest.reference.starts_with("DR-") && newest.reference != deal.reference);
        assert!(matches!(s.import_deals(&w.a_admin, &history, true, &|_| {}).await, Err(Error::Forbidden(_))));
    })
    .await;
}

/// The definitions of the registrations table's indexes, as `tx` sees them.
async fn indexes_in(tx: &mut store::Read) -> Vec<String> {
    #[derive(sqlx::FromRow)]
    struct Index {
        definition: String,
    }
    let query = match tx.backend() {
        Backend::Sqlite => {
            "SELECT sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deal_registrations' AND sql IS NOT NULL ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT indexdef AS definition FROM pg_indexes WHERE tablename = 'deal_registrations' ORDER BY indexname"
        }
    };
    let found: Vec<Index> = tx.all(store::Sql::new(query)).await.unwrap();
    found.into_iter().map(|i| i.definition).collect()
}

/// The definitions of the registrations table's indexes, as committed.
async fn registration_indexes(s: &Services) -> Vec<String> {
    let mut tx = s.db.read().await.unwrap();
    indexes_in(&mut tx).await
}

#[tokio::test]
async fn a_big_registrations_file_loads_in_bulk_and_keeps_the_indexes() {
    each_backend(|w| async move {
        let s = &w.services;
        let indexes = registration_indexes(s).await;
        assert!(indexes.len() >= 3, "{indexes:?}");
        // Set aside inside a transaction (SQLite only), and back when it rolls back.
        let mut tx = s.db.write().await.unwrap();
        let aside = tx.set_indexes_aside("deal_registrations").await.unwrap();
        match s.db.backend() {
            Backend::Sqlite => {
                assert_eq!(aside, indexes);
                assert!(indexes_in(&mut tx).await.is_empty());
            }
            Backend::Postgres => {
                assert!(aside.is_empty(), "PostgreSQL keeps its indexes");
                assert_eq!(indexes_in(&mut tx).await, indexes);
            }
        }
        drop(tx);
        assert_eq!(registration_indexes(s).await, indexes, "a rollback brings them back");
        let today = store::now().date();
        let mut file = String::from("partner,customer_name,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status\n");
        for i in 0..services::deals::import::BULK_LINES {
            file.push_str(&format!("alpha.com,Customer {i},Retail,emea,1000,{today},Sync,discovery,10,Ana,submitted\n"));
        }
        let done = s.import_deals(&w.manager, &file, false, &|_| {}).await.unwrap();
        assert!(done.errors.is_empty(), "{:?}", done.errors);
        assert_eq!((done.created, done.applied), (services::deals::import::BULK_LINES, true));
        assert_eq!(registration_indexes(s).await, indexes, "built again as the migrations define them");

        // A bad last row: nothing of the file is kept, and the indexes are all there.
        file.push_str(&format!("alpha.com,Bad Row,Retail,emea,1000,{today},Sync,discovery,10,Ana,maybe\n"));
        let refused = s.import_deals(&w.manager, &file, false, &|_| {}).await.unwrap();
        assert!(!refused.applied);
        assert_eq!((refused.created, refused.errors.len()), (0, 1), "{:?}", refused.errors);
        assert_eq!(registration_indexes(s).await, indexes);
        let query = services::deals::DealQuery { limit: Some(1), ..Default::default() };
        let newest = &s.deals(&w.manager, &query).await.unwrap().items[0];
        assert_eq!(newest.customer_name, format!("Customer {}", services::deals::import::BULK_LINES - 1));
        let mut tx = s.db.read().await.unwrap();
        #[derive(sqlx::FromRow)]
        struct Count {
            n: i64,
        }
        let count: Count = tx.one(store::Sql::new("SELECT COUNT(*) AS n FROM deal_registrations")).await.unwrap();
        assert_eq!(count.n as usize, services::deals::import::BULK_LINES);
    })
    .await;
}
