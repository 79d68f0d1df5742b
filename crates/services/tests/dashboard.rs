//! The program dashboard on SQLite and PostgreSQL: a small program whose figures are worked
//! out by hand (wins of the quarter, velocity, the open pipeline by tier, type, region and
//! stage, enabled partners, partners per tier), the filters, the refusals and a table.

use domain::dashboard::Rag;
use rust_decimal::Decimal;
use services::Error;
use services::dashboard::{DashboardQuery, DashboardTable, DashboardView};
use services::reports::Cell;

mod common;
use common::*;

fn won(
    domain: &str,
    customer: &str,
    amount: &str,
    registered: time::Date,
    closed: time::Date,
) -> String {
    format!(
        "{domain},{customer},Retail,emea,{amount},USD,{closed},Sync,discovery,100,Ana,won,{registered},{closed},{amount}\n"
    )
}

fn open(domain: &str, customer: &str, amount: &str, probability: u8, close: time::Date) -> String {
    let registered = store::now().date();
    format!(
        "{domain},{customer},Retail,emea,{amount},USD,{close},Sync,discovery,{probability},Ana,submitted,{registered},,\n"
    )
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn metric(view: &DashboardView, key: &str) -> (Option<Decimal>, Option<Decimal>, Option<Rag>) {
    let m = view.metrics.iter().find(|m| m.key == key).unwrap();
    (m.actual, m.target, m.rag)
}

/// (label, partners, deals, value, weighted) of each slice.
fn slices(slices: &[services::dashboard::Slice]) -> Vec<(String, usize, usize, Decimal, Decimal)> {
    slices
        .iter()
        .map(|s| (s.label.clone(), s.partners, s.deals, s.value, s.weighted))
        .collect()
}

#[tokio::test]
async fn a_small_program_worked_out_by_hand() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let quarter = domain::quarter::Quarter::containing(today);
        let first = quarter.first_day();
        s.set_tier_manually(&w.admin, w.partner_a, "silver", "test")
            .await
            .unwrap();
        s.set_tier_manually(&w.admin, w.partner_b, "bronze", "test")
            .await
            .unwrap();
        certify(s, &w.manager, w.partner_a, "ana@alpha.com").await;
        let days = time::Duration::days;
        import_deals(
            s,
            &[
                // Won in the quarter: 10 and 30 days from registration to close.
                won("alpha.com", "A1", "2000", first - days(10), first),
                won("bravo.com", "B1", "1000.50", today - days(30), today),
                // Won the day before the quarter: not in it.
                won("alpha.com", "A0", "5000", first - days(40), first - days(1)),
                // Open: $10,000 at 50 % closing this quarter, $4,000 at 25 % the next.
                open("alpha.com", "A2", "10000", 50, quarter.last_day()),
                open("bravo.com", "B2", "4000", 25, quarter.next().first_day()),
            ],
        )
        .await;

        let view = s
            .dashboard(&w.manager, &DashboardQuery::default())
            .await
            .unwrap();
        assert_eq!(view.quarter, quarter.to_string());
        assert_eq!(view.currency, "USD");
        // $2,000 + $1,000.50 won in the quarter; no revenue target set in the default program.
        assert_eq!(
            metric(&view, "partner_revenue"),
            (Some(dec("3000.50")), None, None)
        );
        // (10 + 30) / 2 = 20 days against 45: green.
        assert_eq!(
            metric(&view, "deal_velocity"),
            (Some(dec("20.0")), Some(dec("45")), Some(Rag::Green))
        );
        // No direct revenue recorded: no share.
        assert_eq!(
            metric(&view, "sourced_revenue_share"),
            (None, Some(dec("30")), None)
        );
        // Alpha has a certified person, Bravo none: 1 of 2.
        assert_eq!(
            metric(&view, "enabled_partners"),
            (Some(dec("50.0")), None, None)
        );
        // Both partners joined today: nobody was in the program a year ago.
        assert_eq!(metric(&view, "partner_retention").0, None);
        assert_eq!(metric(&view, "escalation_resolution").0, None);
        assert_eq!(metric(&view, "internal_nps").0, None);

        // Weighted: $10,000 × 50 % = $5,000; $4,000 × 25 % = $1,000.
        assert_eq!(
            slices(&view.pipeline_by_tier),
            [
                ("Bronze".into(), 1, 1, dec("4000"), dec("1000")),
                ("Silver".into(), 1, 1, dec("10000"), dec("5000")),
            ]
        );
        assert_eq!(
            slices(&view.pipeline_by_type),
            [("Systems integrator".into(), 2, 2, dec("14000"), dec("6000"))]
        );
        assert_eq!(
            slices(&view.pipeline_by_region),
            [("EMEA".into(), 2, 2, dec("14000"), dec("6000"))]
        );
        let stage: Vec<_> = view
            .pipeline_by_stage
            .iter()
            .map(|c| {
                (
                    c.quarter.clone(),
                    c.label.as_str(),
                    c.deals,
                    c.value,
                    c.weighted,
                )
            })
            .collect();
        assert_eq!(
            stage,
            [
                (
                    quarter.to_string(),
                    "Pipeline",
                    1,
                    dec("10000"),
                    dec("5000")
                ),
                (
                    quarter.next().to_string(),
                    "Pipeline",
                    1,
                    dec("4000"),
                    dec("1000")
                ),
            ]
        );
        let tiers: Vec<_> = view
            .tiers
            .iter()
            .map(|t| (t.key.as_str(), t.partners))
            .collect();
        assert_eq!(
            tiers,
            [
                ("registered", 0),
                ("bronze", 1),
                ("silver", 1),
                ("gold", 0),
                ("platinum", 0)
            ]
        );

        // Silver only: Alpha's $2,000 in 10 days, and its one certified partner of one.
        let silver = s
            .dashboard(
                &w.executive,
                &DashboardQuery {
                    tier: "silver".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(metric(&silver, "partner_revenue").0, Some(dec("2000")));
        assert_eq!(metric(&silver, "deal_velocity").0, Some(dec("10.0")));
        assert_eq!(metric(&silver, "enabled_partners").0, Some(dec("100.0")));
        assert_eq!(silver.pipeline_by_stage.len(), 1);
        // Nobody covers APAC.
        let apac = s
            .dashboard(
                &w.admin,
                &DashboardQuery {
                    region: "apac".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(metric(&apac, "partner_revenue").0, Some(dec("0")));
        assert_eq!(metric(&apac, "deal_velocity").0, None);
        assert!(apac.pipeline_by_tier.is_empty());

        // The metrics table: the revenue with its currency, the status in words.
        let table = s
            .dashboard_table(
                &w.manager,
                &DashboardQuery::default(),
                DashboardTable::Metrics,
            )
            .await
            .unwrap();
        assert_eq!(
            table.columns,
            ["Metric", "Actual", "Target", "Status", "Note"]
        );
        assert_eq!(
            table.rows[1][1..4],
            [
                Cell::Text("20".into()),
                Cell::Text("45".into()),
                Cell::Text("On target".into())
            ]
        );
        assert_eq!(table.rows[2][1], Cell::Money(dec("3000.50"), "USD".into()));
        assert_eq!(table.rows[2][3], Cell::Text("No target".into()));
        assert_eq!(table.rows[6][3], Cell::Text("No data yet".into()));
        let by_tier = s
            .dashboard_table(
                &w.manager,
                &DashboardQuery::default(),
                DashboardTable::PipelineByTier,
            )
            .await
            .unwrap();
        assert_eq!(
            by_tier.rows[1],
            [
                Cell::Text("Silver".into()),
                Cell::Count(1),
                Cell::Count(1),
                Cell::Money(dec("10000"), "USD".into()),
                Cell::Money(dec("5000"), "USD".into()),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn the_dashboard_is_for_our_people_and_names_every_bad_field() {
    each_backend(|w| async move {
        let s = &w.services;
        for partner_side in [&w.a_admin, &w.a_user] {
            assert!(matches!(
                s.dashboard(partner_side, &DashboardQuery::default()).await,
                Err(Error::Forbidden(_))
            ));
            assert!(matches!(
                s.dashboard_table(
                    partner_side,
                    &DashboardQuery::default(),
                    DashboardTable::Tiers
                )
                .await,
                Err(Error::Forbidden(_))
            ));
        }
        let bad = [
            ("quarter", "2026Q5"),
            ("quarter", "2999-Q1"),
            ("tier", "diamond"),
            ("region", "mars"),
            ("owner", "not-an-id"),
            ("owner", "0191c2a4-0000-7000-8000-000000000000"),
        ];
        for (field, value) in bad {
            let mut query = DashboardQuery::default();
            match field {
                "quarter" => query.quarter = value.into(),
                "tier" => query.tier = value.into(),
                "region" => query.region = value.into(),
                _ => query.owner = value.into(),
            }
            match s.dashboard(&w.manager, &query).await {
                Err(Error::Invalid(errors)) => {
                    assert_eq!(errors.len(), 1, "{value}: {errors:?}");
                    assert_eq!(errors[0].field, field, "{value}");
                }
                other => panic!("{value}: {other:?}"),
            }
        }
        assert!(matches!(
            DashboardTable::parse("everything"),
            Err(Error::Invalid(e)) if e[0].field == "table"
        ));
    })
    .await;
}
