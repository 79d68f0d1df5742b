//! The performance tracker on SQLite and PostgreSQL: monthly closed-won revenue against the
//! tier's pace, the underperformer flag, sorting, pages and the download, with figures worked
//! out by hand.

use rust_decimal::Decimal;
use services::Error;
use services::reports::Cell;
use services::tracker::TrackerQuery;

mod common;
use common::*;

fn won(domain: &str, customer: &str, amount: &str, closed: time::Date) -> String {
    let registered = closed - time::Duration::days(10);
    format!(
        "{domain},{customer},Retail,emea,{amount},USD,{closed},Sync,discovery,100,Ana,won,{registered},{closed},{amount}\n"
    )
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn query(months: u32) -> TrackerQuery {
    TrackerQuery {
        months: Some(months),
        ..Default::default()
    }
}

#[tokio::test]
async fn two_slow_months_against_the_tiers_pace_flag_a_partner() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let this_month = today.replace_day(1).unwrap();
        let last_month = this_month - time::Duration::days(1); // its last day
        let month_before = last_month.replace_day(1).unwrap() - time::Duration::days(1);
        let three_back = month_before.replace_day(1).unwrap() - time::Duration::days(1);
        for partner in [w.partner_a, w.partner_b] {
            s.set_tier_manually(&w.admin, partner, "silver", "test")
                .await
                .unwrap();
        }
        import_deals(
            s,
            &[
                won("alpha.com", "A1", "2000", month_before),
                won("alpha.com", "A2", "1000.50", month_before),
                won("alpha.com", "A3", "3124.99", last_month),
                won("alpha.com", "A4", "50000", today), // the month under way: not shown
                won("alpha.com", "A5", "90000", three_back), // before the two months
                won("bravo.com", "B1", "10000", month_before),
            ],
        )
        .await;

        // Silver is kept with $75,000 in 12 months: a pace of $6,250 a month; a month under
        // 50 % of it ($3,125) is slow. Alpha: $3,000.50 then $3,124.99, two slow months in a
        // row. Bravo: $10,000 then nothing, one slow month.
        let view = s.tracker(&w.manager, &query(2)).await.unwrap();
        assert_eq!(view.currency, "USD");
        assert_eq!(view.months.len(), 2);
        let rows: Vec<_> = view
            .rows
            .items
            .iter()
            .map(|r| {
                (
                    r.partner.as_str(),
                    r.pace,
                    r.won.clone(),
                    r.deals_won.clone(),
                    r.total,
                    r.slow.clone(),
                    r.underperforming,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "Alpha",
                    dec("6250.00"),
                    vec![dec("3000.50"), dec("3124.99")],
                    vec![2, 1],
                    dec("6125.49"),
                    vec![true, true],
                    true
                ),
                (
                    "Bravo",
                    dec("6250.00"),
                    vec![dec("10000"), dec("0")],
                    vec![1, 0],
                    dec("10000"),
                    vec![false, true],
                    false
                ),
            ]
        );

        // Three months: Alpha's $90,000 month counts, and the run of slow months still ends it.
        let view = s.tracker(&w.manager, &query(3)).await.unwrap();
        assert_eq!(view.rows.items[0].total, dec("96125.49"));
        assert!(view.rows.items[0].underperforming);

        // Sorted by total, largest first; then a page at a time.
        let by_total = TrackerQuery {
            sort: "total".into(),
            order: "desc".into(),
            limit: Some(1),
            ..query(2)
        };
        let first = s.tracker(&w.executive, &by_total).await.unwrap();
        assert_eq!(
            first
                .rows
                .items
                .iter()
                .map(|r| r.partner.as_str())
                .collect::<Vec<_>>(),
            ["Bravo"]
        );
        let second = s
            .tracker(
                &w.executive,
                &TrackerQuery {
                    cursor: first.rows.next_cursor.clone().unwrap(),
                    ..by_total.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            second
                .rows
                .items
                .iter()
                .map(|r| r.partner.as_str())
                .collect::<Vec<_>>(),
            ["Alpha"]
        );
        // Underperformers first.
        let flagged = TrackerQuery {
            sort: "flag".into(),
            ..query(2)
        };
        let view = s.tracker(&w.manager, &flagged).await.unwrap();
        assert_eq!(view.rows.items[0].partner, "Alpha");

        // The download holds the same figures, amounts with their currency.
        let table = s.tracker_table(&w.manager, &query(2)).await.unwrap();
        assert_eq!(table.columns.len(), 8);
        assert_eq!(table.rows[0][0], Cell::Text("Alpha".into()));
        assert_eq!(table.rows[0][4], Cell::Money(dec("3000.50"), "USD".into()));
        assert_eq!(table.rows[0][6], Cell::Money(dec("6125.49"), "USD".into()));
        assert_eq!(table.rows[0][7], Cell::Flag(true));
    })
    .await;
}

#[tokio::test]
async fn the_tracker_is_for_our_people_and_refuses_bad_queries_by_name() {
    each_backend(|w| async move {
        let s = &w.services;
        for partner_side in [&w.a_admin, &w.a_user] {
            assert!(matches!(
                s.tracker(partner_side, &query(2)).await,
                Err(Error::Forbidden(_))
            ));
            assert!(matches!(
                s.tracker_table(partner_side, &query(2)).await,
                Err(Error::Forbidden(_))
            ));
        }
        let bad = [
            (query(13), "months"),
            (query(0), "months"),
            (
                TrackerQuery {
                    sort: "size".into(),
                    ..query(2)
                },
                "sort",
            ),
            (
                TrackerQuery {
                    order: "up".into(),
                    ..query(2)
                },
                "order",
            ),
            (
                TrackerQuery {
                    owner: "nobody".into(),
                    ..query(2)
                },
                "owner",
            ),
            (
                TrackerQuery {
                    limit: Some(500),
                    ..query(2)
                },
                "limit",
            ),
            (
                TrackerQuery {
                    cursor: "garbage".into(),
                    ..query(2)
                },
                "cursor",
            ),
        ];
        for (q, field) in bad {
            match s.tracker(&w.manager, &q).await {
                Err(Error::Invalid(errors)) => {
                    assert_eq!(
                        errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                        [field]
                    );
                }
                other => panic!("{field}: {other:?}"),
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_win_without_credited_activity_leaves_the_tracker() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let last_month = today.replace_day(1).unwrap() - time::Duration::days(1);
        import_deals(
            s,
            &[
                won("alpha.com", "Kept", "2000", last_month),
                won("alpha.com", "Uncredited", "1000.50", last_month),
            ],
        )
        .await;
        let alpha = |view: services::tracker::TrackerView| {
            let row = view
                .rows
                .items
                .into_iter()
                .find(|r| r.partner == "Alpha")
                .unwrap();
            (row.won, row.deals_won)
        };
        // Imported wins carry our CRM's last activity: both credited.
        assert_eq!(
            alpha(s.tracker(&w.manager, &query(1)).await.unwrap()),
            (vec![dec("3000.50")], vec![2])
        );
        let deal = s
            .deals(
                &w.manager,
                &services::deals::DealQuery {
                    q: "Uncredited".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .remove(0);
        // The partner's own note, unconfirmed: the co-sell policy (logged activity required,
        // the default) gives the win no credit any more.
        s.log_activity(
            &w.a_user,
            deal.id,
            &services::deals::ActivityInput {
                kind: "note".into(),
                joint: false,
                note: "Signed".into(),
                occurred_on: String::new(),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            alpha(s.tracker(&w.manager, &query(1)).await.unwrap()),
            (vec![dec("2000")], vec![1])
        );
    })
    .await;
}
