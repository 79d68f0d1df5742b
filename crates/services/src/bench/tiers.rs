//! The tier engine benchmark: the evaluation job's pass and one what-if over generated
//! partners with eight quarters each, without a database.

use std::time::{Duration, Instant};

use domain::program::history::{QuarterFacts, facts_as_of};
use domain::program::simulation::{SimPartner, simulate};

use crate::bench::generated::generated_history;

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
}
