//! The partner list benchmark: generated partners written in batches, then the list read
//! the ways people ask for it.

use std::time::Instant;

use uuid::Uuid;

use crate::bench::generated::{generated_history, generated_partner};
use crate::bench::measure::{Timing, percentile};
use crate::partners::PartnerQuery;
use crate::{Actor, Result, Services};

const BATCH: usize = 5_000;

impl Services {
    /// Adds `count` generated partners (numbered from the current count, so running twice
    /// extends the book), calling `progress` with the number written so far.
    /// With `history`, each partner also gets eight quarters of tier facts.
    pub async fn generate_partners(
        &self,
        count: usize,
        history: bool,
        progress: impl Fn(usize),
    ) -> Result<()> {
        let mut tx = self.db.read().await?;
        let start = store::partners::count(&mut tx).await? as usize;
        drop(tx);
        let at = store::now();
        let now = crate::clock::current_quarter();
        let mut written = 0;
        while written < count {
            let mut tx = self.db.write().await?;
            for i in written..(written + BATCH).min(count) {
                let id = Uuid::now_v7();
                store::partners::insert(&mut tx, id, &generated_partner(start + i), at).await?;
                if history {
                    for quarter in generated_history(start + i, now) {
                        store::facts::upsert(
                            &mut tx,
                            id,
                            &crate::facts::rows::to_row(&quarter),
                            at,
                        )
                        .await?;
                    }
                }
            }
            tx.commit().await?;
            written = (written + BATCH).min(count);
            progress(written);
        }
        self.db.refresh_statistics("partners").await?;
        Ok(())
    }

    /// Times the partner list as the portal and API use it: first pages, filters, search, and
    /// a page deep into the book reached through its cursor.
    pub async fn bench_partner_list(&self, iterations: usize) -> Result<Vec<Timing>> {
        let actor = Actor::system("bench");
        let deep_cursor = {
            let mut query = PartnerQuery {
                limit: Some(200),
                ..Default::default()
            };
            for _ in 0..50 {
                match self.list_partners(&actor, &query).await?.next_cursor {
                    Some(cursor) => query.cursor = cursor,
                    None => break,
                }
            }
            query.cursor
        };
        let shapes: Vec<(&'static str, PartnerQuery)> = vec![
            ("first page by name", PartnerQuery::default()),
            (
                "recently updated",
                PartnerQuery {
                    sort: "-updated".into(),
                    ..Default::default()
                },
            ),
            (
                "tier = gold",
                PartnerQuery {
                    tier: "gold".into(),
                    ..Default::default()
                },
            ),
            (
                "stage + type",
                PartnerQuery {
                    stage: "active".into(),
                    partner_type: "msp".into(),
                    ..Default::default()
                },
            ),
            (
                "region = apac",
                PartnerQuery {
                    region: "apac".into(),
                    ..Default::default()
                },
            ),
            (
                "search 'nordlicht'",
                PartnerQuery {
                    q: "nordlicht".into(),
                    ..Default::default()
                },
            ),
            (
                "search domain, rare",
                PartnerQuery {
                    q: "acme-labs-99".into(),
                    ..Default::default()
                },
            ),
            (
                "page after 10,000 rows",
                PartnerQuery {
                    cursor: deep_cursor,
                    ..Default::default()
                },
            ),
        ];
        let mut timings = Vec::new();
        for (name, query) in shapes {
            let mut samples = Vec::with_capacity(iterations);
            let mut rows = 0;
            for _ in 0..iterations {
                let started = Instant::now();
                rows = self.list_partners(&actor, &query).await?.items.len();
                samples.push(started.elapsed());
            }
            samples.sort();
            timings.push(Timing {
                name,
                p50: percentile(&samples, 0.5),
                p99: percentile(&samples, 0.99),
                rows,
            });
        }
        Ok(timings)
    }
}
