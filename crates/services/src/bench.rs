//! Benchmarks on deterministic generated data: the same command gives the same data set, so
//! figures are comparable between runs and machines.

use crate::partners::PartnerQuery;
use crate::{Actor, Result, Services};
use domain::Choice;
use domain::partners::{GtmModel, LifecycleStage, PartnerFields, PartnerType, Region, Tier};
use std::time::{Duration, Instant};
use uuid::Uuid;

const WORDS: &[&str] = &[
    "Acme",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Adatum",
    "Litware",
    "Proseware",
    "Lucerne",
    "Coho",
    "Alpine",
    "Woodgrove",
    "Relecloud",
    "Datum",
    "Olympia",
    "Lamna",
    "Nordlicht",
    "Maple",
    "Harbour",
    "Baltic",
    "Andes",
];
const KINDS: &[&str] = &[
    "Cloud",
    "Systems",
    "Consulting",
    "Digital",
    "Integration",
    "Analytics",
    "Security",
    "Networks",
    "Labs",
    "Data",
];
const SUFFIXES: &[&str] = &["Ltd", "Inc.", "GmbH", "LLC", "S.A.", "AG", "BV", "Pty Ltd"];
const BATCH: usize = 5_000;

/// The fields of generated partner number `i`: every tier, stage, type and region occurs.
pub fn generated_partner(i: usize) -> PartnerFields {
    let word = WORDS[(i * 7) % WORDS.len()];
    let kind = KINDS[(i / WORDS.len()) % KINDS.len()];
    let name = format!("{word} {kind} {i}");
    PartnerFields {
        legal_name: format!("{name} {}", SUFFIXES[i % SUFFIXES.len()]),
        domains: vec![format!(
            "{}-{}-{i}.example",
            word.to_lowercase(),
            kind.to_lowercase()
        )],
        display_name: name,
        partner_type: PartnerType::ALL[i % PartnerType::ALL.len()],
        gtm_model: GtmModel::ALL[(i / 3) % GtmModel::ALL.len()],
        // Independent of the name, so no region clusters at one end of the alphabet.
        regions: vec![Region::ALL[(i / 3 + i / 17) % Region::ALL.len()]],
        industries: vec!["Manufacturing".into()],
        tier: Tier::ALL[(i / 5) % Tier::ALL.len()],
        stage: LifecycleStage::ALL[(i / 11) % LifecycleStage::ALL.len()],
        owner_id: None,
        our_exec_sponsor: String::new(),
        partner_exec_sponsor: String::new(),
        notes: String::new(),
    }
}

/// Latency figures of one query shape.
#[derive(Debug, Clone)]
pub struct Timing {
    pub name: &'static str,
    pub p50: Duration,
    pub p99: Duration,
    pub rows: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

impl Services {
    /// Adds `count` generated partners (numbered from the current count, so running twice
    /// extends the book), calling `progress` with the number written so far.
    pub async fn generate_partners(&self, count: usize, progress: impl Fn(usize)) -> Result<()> {
        let mut tx = self.db.read().await?;
        let start = store::partners::count(&mut tx).await? as usize;
        tx.commit().await?;
        let at = store::now();
        let mut written = 0;
        while written < count {
            let mut tx = self.db.write().await?;
            for i in written..(written + BATCH).min(count) {
                store::partners::insert(&mut tx, Uuid::now_v7(), &generated_partner(start + i), at)
                    .await?;
            }
            tx.commit().await?;
            written = (written + BATCH).min(count);
            progress(written);
        }
        // Fresh planner statistics, as autovacuum (PostgreSQL) or a daily ANALYZE would give.
        let mut tx = self.db.write().await?;
        tx.execute(store::Sql::new("ANALYZE partners")).await?;
        tx.commit().await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_partners_are_valid_and_deterministic() {
        for i in [0, 1, 99, 12_345] {
            let fields = generated_partner(i);
            assert_eq!(fields, generated_partner(i));
            let input = domain::partners::PartnerInput {
                legal_name: fields.legal_name.clone(),
                domains: fields.domains.clone(),
                partner_type: fields.partner_type.to_string(),
                gtm_model: fields.gtm_model.to_string(),
                ..Default::default()
            };
            assert!(input.validate().is_ok(), "{fields:?}");
        }
    }
}
