//! Money across currencies, on SQLite and on PostgreSQL: rates finance imports, the pipeline
//! and won revenue converted at dated rates, and what has no rate shown apart, never added.

use rust_decimal::Decimal;
use services::Error;

mod common;
use common::*;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn yen_and_dollars_are_not_added_unconverted_in_the_pipeline() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let close = today + time::Duration::days(30);
        let registered = today - time::Duration::days(5);
        import_deals(s,
            &[
                format!("alpha.com,Dollar Co,Retail,emea,490000,USD,{close},Sync,discovery,50,Ana,submitted,{registered},,\n"),
                format!("bravo.com,Yen KK,Retail,apac,10000000,JPY,{close},Sync,discovery,50,Ken,submitted,{registered},,\n"),
            ],
        )
        .await;

        // No JPY rate: the yen deal is in no sum, and is listed per currency.
        let p = s.pipeline(&w.manager, None).await.unwrap();
        assert_eq!(
            (p.open.deals, p.open.value, p.open.weighted),
            (1, dec("490000"), dec("245000")),
            "not 10,490,000"
        );
        assert_eq!(p.currency, "USD");
        assert_eq!(
            p.unconverted["JPY"].note,
            "¥10,000,000 in 1 open deal — no JPY rate"
        );
        assert!(!p.by_partner.contains_key("Bravo"));

        // Finance imports a dated rate: converted at the latest one on or before today.
        let rates = format!(
            "currency,rate,effective_on\nJPY,0.0070,{}\nJPY,0.0067,{}\nJPY,0.0100,{}\n",
            today - time::Duration::days(400),
            today - time::Duration::days(3),
            today + time::Duration::days(1),
        );
        let finance = user(s, &w.admin, "fin@vendor.test", "finance", None).await;
        let report = s.import_rates(&finance, &rates, false).await.unwrap();
        assert_eq!((report.created, report.applied), (3, true), "{:?}", report.errors);
        let p = s.pipeline(&w.manager, None).await.unwrap();
        // 490,000 + 10,000,000 × 0.0067 = 557,000; weighted at 50 %.
        assert_eq!(
            (p.open.deals, p.open.value, p.open.weighted),
            (2, dec("557000"), dec("278500"))
        );
        assert_eq!(p.by_partner["Bravo"].value, dec("67000"));
        assert!(p.unconverted.is_empty());
        assert_eq!(
            p.rates_used
                .iter()
                .map(|r| format!("{} {} {}", r.currency, r.rate, r.effective_on))
                .collect::<Vec<_>>(),
            [format!("JPY 0.0067 {}", today - time::Duration::days(3))]
        );
    })
    .await;
}

#[tokio::test]
async fn won_deals_in_other_currencies_count_at_their_close_dates_rate_or_are_named() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let closed = today - time::Duration::days(20);
        let registered = closed - time::Duration::days(30);
        import_deals(s,
            &[
                format!("alpha.com,Dollar Co,Retail,emea,40000,USD,{closed},Sync,discovery,100,Ana,won,{registered},{closed},40000\n"),
                format!("alpha.com,Euro GmbH,Retail,emea,10000,EUR,{closed},Sync,discovery,100,Ana,won,{registered},{closed},10000\n"),
                format!("alpha.com,Euro AG,Retail,emea,5000,EUR,{closed},Sync,discovery,100,Ana,won,{registered},{closed},5000.50\n"),
            ],
        )
        .await;
        let facts = s.partner_facts(&w.manager, w.partner_a).await.unwrap();
        assert_eq!(facts.sourced_revenue_12m, dec("40000"), "euros not added as dollars");
        let missing = s.wins_not_counted(&w.a_user, w.partner_a).await.unwrap();
        assert_eq!(
            missing.iter().map(|m| m.note.as_str()).collect::<Vec<_>>(),
            ["2 won deals in EUR not counted: no EUR rate"]
        );

        // The rate in force on the close date counts, not a later one.
        let rates = format!(
            "currency,rate,effective_on\nEUR,1.0825,{}\nEUR,2,{}\n",
            closed - time::Duration::days(1),
            closed + time::Duration::days(1),
        );
        s.import_rates(&w.admin, &rates, false).await.unwrap();
        let facts = s.partner_facts(&w.manager, w.partner_a).await.unwrap();
        // 40,000 + 10,000 × 1.0825 + 5,000.50 × 1.0825 (5,413.04125 → 5,413.04).
        assert_eq!(facts.sourced_revenue_12m, dec("56238.04"));
        assert!(s.wins_not_counted(&w.manager, w.partner_a).await.unwrap().is_empty());
        // The pipeline's won figure converts at the same close-date rate.
        let p = s.pipeline(&w.manager, None).await.unwrap();
        assert_eq!((p.won.deals, p.won.value), (3, dec("56238.04")));
    })
    .await;
}

#[tokio::test]
async fn rates_are_imported_by_admins_and_finance_all_or_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let finance = user(s, &w.admin, "fin@vendor.test", "finance", None).await;
        let good = "currency,rate,effective_on\nEUR,1.0825,2026-01-01\n";
        for who in [&w.manager, &w.executive, &w.a_admin] {
            assert!(
                matches!(s.import_rates(who, good, true).await, Err(Error::Forbidden(_))),
                "{}",
                who.label
            );
        }
        assert!(matches!(s.exchange_rates(&w.a_user, &services::PageRequest::everything()).await, Err(Error::Forbidden(_))));
        assert!(matches!(
            s.wins_not_counted(&w.a_user, w.partner_b).await,
            Err(Error::NotFound)
        ));

        // A dry run writes nothing.
        let dry = s.import_rates(&finance, good, true).await.unwrap();
        assert_eq!((dry.rows, dry.created, dry.applied), (1, 1, false));
        assert!(s.exchange_rates(&w.executive, &services::PageRequest::everything()).await.unwrap().items.is_empty());

        // One bad row: nothing of the file is stored, every problem by line and column.
        let bad = "currency,rate,effective_on\nEUR,1.0825,2026-01-01\nJPY,0,2026-01-01\nXXX,1.5,2026-02-30\n";
        let refused = s.import_rates(&finance, bad, false).await.unwrap();
        assert!(!refused.applied);
        assert_eq!(refused.rows, 3);
        assert_eq!(
            refused
                .errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.line, e.field, e.message))
                .collect::<Vec<_>>(),
            [
                "3:rate: must be above zero",
                "4:currency: 'XXX' is not a currency of ISO 4217 like USD, EUR or JPY",
                "4:effective_on: '2026-02-30' is not a date like 2027-03-31",
            ]
        );
        assert!(s.exchange_rates(&w.executive, &services::PageRequest::everything()).await.unwrap().items.is_empty());

        // Imported, then the same day again: replaced, with who imported it.
        s.import_rates(&finance, good, false).await.unwrap();
        let again = s
            .import_rates(&w.admin, "currency,rate,effective_on\neur,1.09,2026-01-01\n", false)
            .await
            .unwrap();
        assert_eq!((again.created, again.updated), (0, 1));
        let stored = s.exchange_rates(&w.executive, &services::PageRequest::everything()).await.unwrap().items;
        assert_eq!(stored.len(), 1);
        assert_eq!(
            (
                stored[0].currency.as_str(),
                stored[0].to_currency.as_str(),
                stored[0].effective_on.as_str(),
                stored[0].rate.as_str(),
                stored[0].imported_by.as_str()
            ),
            ("EUR", "USD", "2026-01-01", "1.09", "admin@vendor.test")
        );
    })
    .await;
}

#[tokio::test]
async fn auto_approval_limits_compare_deal_sizes_in_the_program_currency() {
    each_backend(|w| async move {
        use domain::deals::registration::Status;
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        s.set_tier_manually(&w.manager, a, "gold", "approved at the QBR")
            .await
            .unwrap();
        let user = &w.a_user;
        let register = |customer: &'static str, size: &'static str, currency: &'static str| {
            let input = domain::deals::registration::DealInput {
                currency: currency.into(),
                ..deal_input(
                    customer,
                    &format!("{}.example", customer.to_lowercase()),
                    size,
                )
            };
            async move { s.register_deal(user, a, &input, true).await.unwrap() }
        };
        // Gold registrations below USD 50,000 are approved at once.
        assert_eq!(
            register("Dollar", "49000", "USD").await.status,
            Status::Approved
        );
        // No EUR rate: the size in dollars is unknown, so a person decides.
        assert_eq!(
            register("Unknown", "100", "EUR").await.status,
            Status::Submitted
        );

        let yesterday = store::now().date() - time::Duration::days(1);
        s.import_rates(
            &w.admin,
            &format!("currency,rate,effective_on\nEUR,1.5,{yesterday}\n"),
            false,
        )
        .await
        .unwrap();
        // EUR 40,000 × 1.5 = USD 60,000: over the limit, though 40,000 is under it.
        assert_eq!(
            register("Large", "40000", "EUR").await.status,
            Status::Submitted
        );
        // EUR 30,000 × 1.5 = USD 45,000: under it.
        assert_eq!(
            register("Small", "30000", "EUR").await.status,
            Status::Approved
        );
    })
    .await;
}

#[tokio::test]
async fn the_tier_job_holds_a_downgrade_while_won_deals_lack_a_rate() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let closed = today - time::Duration::days(20);
        let registered = closed - time::Duration::days(30);
        // Signed as Gold (a tier decision this quarter would use up its one proposal).
        let input = domain::partners::PartnerInput {
            tier: "gold".into(),
            ..partner_input("Echo")
        };
        let echo = s.create_partner(&w.manager, &input).await.unwrap().id;
        import_deals(s,
            &[format!("echo.com,Euro GmbH,Retail,emea,10000,EUR,{closed},Sync,discovery,100,Ana,won,{registered},{closed},10000\n")],
        )
        .await;
        let run = s.evaluate_all_tiers(&w.manager).await.unwrap();
        assert_eq!(run.notices_started, 0);
        assert_eq!(run.downgrades_held.len(), 1, "{:?}", run.downgrades_held);
        assert!(
            run.downgrades_held[0].starts_with("Echo: below Gold's keep criteria in "),
            "{}",
            run.downgrades_held[0]
        );
        assert!(
            run.downgrades_held[0]
                .ends_with(", but 1 won deal in EUR not counted: no EUR rate; import the rates before deciding"),
            "{}",
            run.downgrades_held[0]
        );
        assert!(s.partner_proposals(&w.manager, echo, &services::PageRequest::everything()).await.unwrap().items.is_empty());

        // With the rate, EUR 10,000 counts and is still short of Gold: the notice starts.
        s.import_rates(
            &w.admin,
            &format!("currency,rate,effective_on\nEUR,1.1,{}\n", closed - time::Duration::days(1)),
            false,
        )
        .await
        .unwrap();
        let run = s.evaluate_all_tiers(&w.manager).await.unwrap();
        assert_eq!((run.notices_started, run.downgrades_held.len()), (1, 0));
    })
    .await;
}
