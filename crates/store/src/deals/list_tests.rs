//! The registration list's filters on both backends: the partner's attributes, the days of
//! expected close, the forecast category, and the open pipeline's partners in the program.

use domain::partners::{Region, RegionFilter};
use time::macros::date;
use uuid::Uuid;

use super::registrations::{DealFilter, DealPartners, insert, list};
use crate::rollups::tests::{partner, registration};
use crate::testing::{BACKENDS, TestDb};
use crate::{Db, sql};

async fn set_partner(db: &Db, id: Uuid, tier: &str, regions: &str, archived: bool) {
    let mut tx = db.write().await.unwrap();
    tx.execute(sql!(
        "UPDATE partners SET tier = $2, regions = $3, partner_type = 'technology' WHERE id = $1",
        id,
        tier,
        regions
    ))
    .await
    .unwrap();
    if archived {
        tx.execute(sql!(
            "UPDATE partners SET archived_at = updated_at WHERE id = $1",
            id
        ))
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn customers(db: &Db, filter: DealFilter) -> Vec<String> {
    let mut tx = db.read().await.unwrap();
    let rows = list(
        &mut tx,
        &DealFilter {
            limit: 100,
            ..filter
        },
    )
    .await
    .unwrap();
    let mut names: Vec<String> = rows.into_iter().map(|r| r.customer_name).collect();
    names.sort();
    names
}

#[tokio::test]
async fn registrations_filter_by_their_partner_close_day_and_forecast() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let gold = partner(&test.db, "Gold Co").await;
        let silver = partner(&test.db, "Silver Co").await;
        let gone = partner(&test.db, "Gone Co").await;
        set_partner(&test.db, gold, "gold", r#"["emea","apac"]"#, false).await;
        set_partner(&test.db, gone, "gold", r#"["emea"]"#, true).await;
        let mut tx = test.db.write().await.unwrap();
        for (number, partner_id, customer, close, forecast) in [
            (1, gold, "Last day of Q1", date!(2027 - 03 - 31), "commit"),
            (
                2,
                gold,
                "First day of Q2",
                date!(2027 - 04 - 01),
                "pipeline",
            ),
            (3, silver, "Silver in Q1", date!(2027 - 01 - 01), "commit"),
            (4, gone, "Archived in Q1", date!(2027 - 02 - 01), "commit"),
        ] {
            let mut row = registration(partner_id, number);
            row.customer_name = customer.into();
            row.expected_close = close;
            row.forecast_category = forecast.into();
            insert(&mut tx, &row).await.unwrap();
        }
        tx.commit().await.unwrap();

        let q1 = Some((date!(2027 - 01 - 01), date!(2027 - 03 - 31)));
        let gold_partners = DealPartners {
            tier: Some("gold".into()),
            ..Default::default()
        };
        let cases: [(DealFilter, &[&str]); 7] = [
            (
                DealFilter {
                    partners: gold_partners.clone(),
                    ..Default::default()
                },
                &["Archived in Q1", "First day of Q2", "Last day of Q1"],
            ),
            // The archived partner is out of the program.
            (
                DealFilter {
                    partners: DealPartners {
                        in_program: true,
                        ..gold_partners
                    },
                    closing_between: q1,
                    ..Default::default()
                },
                &["Last day of Q1"],
            ),
            (
                DealFilter {
                    closing_between: q1,
                    forecast_category: Some("commit".into()),
                    ..Default::default()
                },
                &["Archived in Q1", "Last day of Q1", "Silver in Q1"],
            ),
            (
                DealFilter {
                    partners: DealPartners {
                        region: Some(RegionFilter::Covering(vec![Region::Apac])),
                        partner_type: Some("technology".into()),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                &["First day of Q2", "Last day of Q1"],
            ),
            (
                // Covering both EMEA and APAC: Gold Co, not Gone Co (EMEA alone).
                DealFilter {
                    partners: DealPartners {
                        region: Some(RegionFilter::Covering(vec![Region::Emea, Region::Apac])),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                &["First day of Q2", "Last day of Q1"],
            ),
            (
                // Covering no region (the default `[]`): Silver Co.
                DealFilter {
                    partners: DealPartners {
                        region: Some(RegionFilter::NoRegion),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                &["Silver in Q1"],
            ),
            (
                DealFilter {
                    partners: DealPartners {
                        partner_type: Some("si".into()),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                &["Silver in Q1"],
            ),
        ];
        for (filter, expected) in cases {
            let described = format!("{backend:?}: {filter:?}");
            assert_eq!(customers(&test.db, filter).await, expected, "{described}");
        }
    }
}
