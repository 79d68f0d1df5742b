//! Benchmarks on deterministic generated data: the same command gives the same data set, so
//! figures are comparable between runs and machines.

use crate::partners::PartnerQuery;
use crate::{Actor, Result, Services};
use domain::Choice;
use domain::partners::{GtmModel, LifecycleStage, PartnerFields, PartnerType, Region};
use domain::program::history::{QuarterFacts, facts_as_of};
use domain::program::simulation::{SimPartner, simulate};
use domain::quarter::Quarter;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub mod conflicts;

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
        tier: ["registered", "bronze", "silver", "gold", "platinum"][(i / 5) % 5].into(),
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
    /// With `history`, each partner also gets eight quarters of tier facts.
    pub async fn generate_partners(
        &self,
        count: usize,
        history: bool,
        progress: impl Fn(usize),
    ) -> Result<()> {
        let mut tx = self.db.read().await?;
        let start = store::partners::count(&mut tx).await? as usize;
        tx.commit().await?;
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

/// Facts of generated partner number `i`, spread over every tier.
pub fn generated_facts(i: usize) -> domain::program::evaluation::PartnerFacts {
    use domain::program::SponsorLevel;
    let spread = (i * 7919) % 1000;
    domain::program::evaluation::PartnerFacts {
        sourced_revenue_12m: rust_decimal::Decimal::from(spread as u64 * 1_500),
        certified_people: (spread / 100) as u32,
        advanced_certified_people: (spread / 300) as u32,
        customer_references: (spread / 60) as u32,
        qbrs_per_year: (spread / 80) as u32,
        executive_sponsor: [None, Some(SponsorLevel::Vp), Some(SponsorLevel::CLevel)]
            .get(spread / 400)
            .copied()
            .flatten(),
        co_marketing_per_year: (spread / 200) as u32,
        ipp_score: (spread / 10) as u32,
        certifications: [("sales_foundation".to_owned(), (spread / 100) as u32)].into(),
    }
}

/// Eight quarters of facts for generated partner `i`, ending with `now`, whose trailing
/// twelve months roughly match [`generated_facts`]: growing, flat and shrinking partners.
pub fn generated_history(i: usize, now: Quarter) -> Vec<QuarterFacts> {
    let target = generated_facts(i);
    let trend: i64 = [0, 1, -1][i % 3];
    let spread = |per_year: u32, k: u32| per_year / 4 + u32::from(k % 4 < per_year % 4);
    now.trailing(8)
        .into_iter()
        .zip(0u32..)
        .map(|(quarter, k)| {
            let percent = 100 + trend * (i64::from(k) * 2 - 11) * 4;
            QuarterFacts {
                quarter,
                sourced_revenue: target.sourced_revenue_12m / rust_decimal::Decimal::from(4)
                    * rust_decimal::Decimal::from(percent)
                    / rust_decimal::Decimal::ONE_HUNDRED,
                qbrs: spread(target.qbrs_per_year, k),
                co_marketing: spread(target.co_marketing_per_year, k),
                certified_people: target.certified_people,
                advanced_certified_people: target.advanced_certified_people,
                customer_references: target.customer_references,
                executive_sponsor: target.executive_sponsor,
                ipp_score: target.ipp_score,
                certifications: target.certifications.clone(),
            }
        })
        .collect()
}

/// Pure-engine timings over generated partners with eight quarters each.
pub struct TierBench {
    /// One pass as the evaluation job makes it: trailing facts, the tier qualified for and the
    /// progression policy (with its explanations) per partner.
    pub evaluate: Duration,
    /// One what-if over the same book (Silver asks one more certified person).
    pub simulate: Duration,
    /// Partners per tier qualified for today.
    pub counts: Vec<(String, usize)>,
    /// Partners for whom the policy would raise or advance a proposal.
    pub actions: usize,
    pub moves: usize,
}

/// Evaluates `partners` generated partners (eight quarters each) against the shipped program
/// `rounds` times; the best pass of each measurement is reported.
pub fn bench_tier_evaluation(partners: usize, rounds: usize) -> TierBench {
    use domain::program::progression::{Action, Situation, next_action};
    let program = domain::program::shipped();
    let mut stricter = program.clone();
    stricter.tiers[2].entry.certified_people += 1;
    let now = crate::clock::current_quarter();
    let today = store::now().date();
    let histories: Vec<Vec<QuarterFacts>> =
        (0..partners).map(|i| generated_history(i, now)).collect();
    let tiers: Vec<usize> = (0..partners)
        .map(|i| (i / 5) % program.tiers.len())
        .collect();
    let mut best = TierBench {
        evaluate: Duration::MAX,
        simulate: Duration::MAX,
        counts: Vec::new(),
        actions: 0,
        moves: 0,
    };
    for _ in 0..rounds.max(1) {
        let mut counts = vec![0usize; program.tiers.len()];
        let mut actions = 0;
        let started = Instant::now();
        for (history, current) in histories.iter().zip(&tiers) {
            let facts = facts_as_of(history, now);
            if let Some(tier) = domain::program::evaluation::qualifies_for(&program, &facts) {
                counts[tier] += 1;
            }
            let situation = Situation {
                program: &program,
                current: *current,
                history,
                quarter: now,
                today,
                active: None,
                raised_this_period: 0,
                upgrade_block: None,
                downgrade_hold: None,
            };
            if !matches!(next_action(&situation), Action::Nothing { .. }) {
                actions += 1;
            }
        }
        best.evaluate = best.evaluate.min(started.elapsed());
        best.actions = actions;
        best.counts = program
            .tiers
            .iter()
            .map(|t| t.name.clone())
            .zip(counts)
            .collect();

        let started = Instant::now();
        let book: Vec<SimPartner> = histories
            .iter()
            .map(|h| SimPartner {
                name: String::new(),
                facts: facts_as_of(h, now),
            })
            .collect();
        let result = simulate(&program, &stricter, &book);
        best.simulate = best.simulate.min(started.elapsed());
        best.moves = result.moves.len();
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_histories_reach_every_tier_and_raise_proposals() {
        let bench = bench_tier_evaluation(1_000, 1);
        let counts = &bench.counts;
        assert_eq!(counts.iter().map(|(_, n)| n).sum::<usize>(), 1_000);
        assert!(counts.iter().all(|(_, n)| *n > 0), "{counts:?}");
        assert!(bench.actions > 0 && bench.moves > 0);
        let now = crate::clock::current_quarter();
        assert_eq!(
            generated_history(7, now),
            generated_history(7, now),
            "deterministic"
        );
        assert_eq!(generated_history(7, now).len(), 8);
    }

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
            assert!(
                input
                    .validate(&domain::program::shipped().tier_keys())
                    .is_ok(),
                "{fields:?}"
            );
        }
    }
}
