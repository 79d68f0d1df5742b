//! When a partner should move between tiers (`[progression]`): an upgrade is
//! proposed after qualifying for a higher tier in enough consecutive quarters; a downgrade
//! starts with a notice and a remediation period when the partner stays below its tier's keep
//! criteria (or a certification lapses), and is proposed only if remediation fails. A manager
//! decides every proposal; at most `max_open_proposals_per_period` arise per partner per quarter.

use time::{Date, Duration};

use super::evaluation::{check_criteria, keeps_tier, qualifies_for};
use super::history::{QuarterFacts, facts_as_of};
use super::model::Program;
use crate::quarter::Quarter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalKind {
    Upgrade,
    Downgrade,
}

/// A proposal still in play for the partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Active {
    /// A downgrade notice: the partner may recover until `remediation_until`.
    Notice { remediation_until: Date },
    /// Waiting for a manager's decision.
    Open { kind: ProposalKind, to: usize },
}

#[derive(Debug, Clone)]
pub struct Situation<'a> {
    pub program: &'a Program,
    /// The partner's tier as an index into the program's tiers.
    pub current: usize,
    pub history: &'a [QuarterFacts],
    pub quarter: Quarter,
    pub today: Date,
    pub active: Option<Active>,
    /// Proposals (of any outcome) already raised for this partner in `quarter`.
    pub raised_this_period: u32,
    /// Why no upgrade may be proposed (an IPP red flag nobody overrode, see
    /// `sources::upgrade_block`); downgrades go on regardless.
    pub upgrade_block: Option<&'a str>,
    /// Why the partner's revenue is incomplete (won deals in a currency without a rate, see
    /// `deals::revenue::in_program_currency`): no downgrade is started or proposed on figures
    /// that leave wins out; upgrades and recoveries go on.
    pub downgrade_hold: Option<&'a str>,
}

/// What the evaluation job does for one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Nothing {
        why: String,
    },
    ProposeUpgrade {
        to: usize,
        why: String,
    },
    /// Tell the partner, with what it must fix (the improvement plan) and by when.
    StartNotice {
        to: usize,
        notice_until: Date,
        remediation_until: Date,
        why: String,
    },
    /// Remediation is over and the partner is still short: a manager now decides.
    ProposeDowngrade {
        to: usize,
        why: String,
    },
    /// The partner met its tier's keep criteria again: the notice ends.
    Recovered {
        why: String,
    },
    /// An open proposal no longer fits the facts.
    Withdraw {
        why: String,
    },
    /// A downgrade would start or be proposed, but the partner's revenue leaves wins out
    /// (see `Situation::downgrade_hold`): nothing happens until it is complete.
    DowngradeHeld {
        why: String,
    },
}

fn quarters_list(quarters: &[Quarter]) -> String {
    let names: Vec<String> = quarters.iter().map(ToString::to_string).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What the partner lacks to keep its tier in `quarter`, in words.
fn keep_shortfall(s: &Situation, quarter: Quarter) -> String {
    let tier = &s.program.tiers[s.current];
    let facts = facts_as_of(s.history, quarter);
    let missing: Vec<String> = check_criteria(&tier.keep, &facts, s.program)
        .into_iter()
        .filter_map(|c| c.shortfall)
        .collect();
    missing.join(", ")
}

/// The highest tier below the current one whose keep criteria the partner meets now.
fn downgrade_target(s: &Situation) -> usize {
    let facts = facts_as_of(s.history, s.quarter);
    (0..s.current)
        .rev()
        .find(|i| keeps_tier(s.program, *i, &facts))
        .unwrap_or(0)
}

fn keeps_current(s: &Situation, quarter: Quarter) -> bool {
    keeps_tier(s.program, s.current, &facts_as_of(s.history, quarter))
}

/// A certification lapse: certified (or advanced) people now below the tier's keep criteria.
fn certification_lapse(s: &Situation) -> bool {
    let keep = &s.program.tiers[s.current].keep;
    let facts = facts_as_of(s.history, s.quarter);
    facts.certified_people < keep.certified_people
        || facts.advanced_certified_people < keep.advanced_certified_people
}

/// Missed QBRs: the tier's keep criteria expect one every `4 / qbrs_per_year` quarters; none
/// held across the last `missed_qbrs_before_downgrade` such intervals is that many missed.
fn missed_qbrs(s: &Situation) -> Option<u32> {
    let missed = s.program.progression.missed_qbrs_before_downgrade;
    let per_year = s.program.tiers[s.current].keep.qbrs_per_year;
    if missed == 0 || per_year == 0 {
        return None;
    }
    let interval = (4 / per_year).max(1);
    let span = s.quarter.trailing((interval * missed) as usize);
    let held: u32 = s
        .history
        .iter()
        .filter(|q| span.contains(&q.quarter))
        .map(|q| q.qbrs)
        .sum();
    (held == 0).then_some(missed)
}

pub fn next_action(s: &Situation) -> Action {
    let policy = &s.program.progression;
    let name = |i: usize| s.program.tiers[i].name.as_str();
    match s.active {
        Some(Active::Notice { remediation_until }) => {
            if keeps_current(s, s.quarter) {
                return Action::Recovered {
                    why: format!(
                        "meets {}'s keep criteria again in {}",
                        name(s.current),
                        s.quarter
                    ),
                };
            }
            if s.today >= remediation_until {
                if let Some(hold) = s.downgrade_hold {
                    return Action::DowngradeHeld {
                        why: format!("remediation ended {remediation_until}, but {hold}"),
                    };
                }
                let to = downgrade_target(s);
                return Action::ProposeDowngrade {
                    to,
                    why: format!(
                        "still below {}'s keep criteria after remediation ended {remediation_until}: {}",
                        name(s.current),
                        keep_shortfall(s, s.quarter)
                    ),
                };
            }
            return Action::Nothing {
                why: format!("in remediation until {remediation_until}"),
            };
        }
        Some(Active::Open { kind, to }) => {
            let facts = facts_as_of(s.history, s.quarter);
            let still_fits = match kind {
                ProposalKind::Upgrade => qualifies_for(s.program, &facts).is_some_and(|q| q >= to),
                ProposalKind::Downgrade => !keeps_tier(s.program, s.current, &facts),
            };
            return if still_fits {
                Action::Nothing {
                    why: "a proposal awaits a decision".into(),
                }
            } else {
                Action::Withdraw {
                    why: match kind {
                        ProposalKind::Upgrade => {
                            format!("no longer qualifies for {} in {}", name(to), s.quarter)
                        }
                        ProposalKind::Downgrade => format!(
                            "meets {}'s keep criteria again in {}",
                            name(s.current),
                            s.quarter
                        ),
                    },
                }
            };
        }
        None => {}
    }
    if s.raised_this_period >= policy.max_open_proposals_per_period {
        return Action::Nothing {
            why: format!("already had a tier proposal in {}", s.quarter),
        };
    }

    let window = s.quarter.trailing(policy.upgrade_after_quarters as usize);
    let consistently = window
        .iter()
        .map(|q| qualifies_for(s.program, &facts_as_of(s.history, *q)))
        .min()
        .flatten();
    if let Some(to) = consistently
        && to > s.current
    {
        if let Some(block) = s.upgrade_block {
            return Action::Nothing {
                why: format!("qualifies for {}, but {block}", name(to)),
            };
        }
        return Action::ProposeUpgrade {
            to,
            why: format!(
                "qualified for {} in {} ({} consecutive quarter(s), on trailing 12 months)",
                name(to),
                quarters_list(&window),
                window.len()
            ),
        };
    }

    if s.current == 0 {
        return Action::Nothing {
            why: "in the lowest tier".into(),
        };
    }
    let window = s.quarter.trailing(policy.downgrade_after_quarters as usize);
    let below_throughout = window.iter().all(|q| !keeps_current(s, *q));
    let lapse = policy.certification_lapse_triggers_downgrade && certification_lapse(s);
    let missed = missed_qbrs(s);
    if below_throughout || lapse || missed.is_some() {
        let trigger = if below_throughout {
            format!(
                "below {}'s keep criteria in {}",
                name(s.current),
                quarters_list(&window)
            )
        } else if lapse {
            format!(
                "certification lapse below {}'s requirement",
                name(s.current)
            )
        } else {
            format!("{} QBRs missed in a row", missed.unwrap_or_default())
        };
        if let Some(hold) = s.downgrade_hold {
            return Action::DowngradeHeld {
                why: format!("{trigger}, but {hold}"),
            };
        }
        let shortfall = keep_shortfall(s, s.quarter);
        let plan = if shortfall.is_empty() {
            "hold the next QBR".to_owned()
        } else {
            shortfall
        };
        return Action::StartNotice {
            to: downgrade_target(s),
            notice_until: s.today + Duration::days(policy.downgrade_notice_days.into()),
            remediation_until: s.today
                + Duration::days(
                    policy
                        .remediation_days
                        .max(policy.downgrade_notice_days)
                        .into(),
                ),
            why: format!("{trigger}; to keep the tier: {plan}"),
        };
    }
    Action::Nothing {
        why: format!("stays in {}", name(s.current)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_red_flag_stops_upgrade_proposals_not_downgrades() {
        let program = super::super::parse::shipped();
        let today = time::macros::date!(2026 - 11 - 27);
        let quarter = Quarter::containing(today);
        // Silver-level facts for the last three quarters: qualified in two consecutive ones.
        let history: Vec<QuarterFacts> = quarter
            .trailing(3)
            .into_iter()
            .map(|q| QuarterFacts {
                sourced_revenue: rust_decimal::Decimal::from(60_000),
                qbrs: 1,
                certified_people: 3,
                advanced_certified_people: 1,
                customer_references: 5,
                ..QuarterFacts::empty(q)
            })
            .collect();
        let situation = |current, upgrade_block| Situation {
            program: &program,
            current,
            history: &history,
            quarter,
            today,
            active: None,
            raised_this_period: 0,
            upgrade_block,
            downgrade_hold: None,
        };
        assert!(matches!(
            next_action(&situation(1, None)),
            Action::ProposeUpgrade { to: 2, .. }
        ));
        assert_eq!(
            next_action(&situation(1, Some("the IPP assessment of 2026-10-02 found a disqualifying red flag"))),
            Action::Nothing {
                why: "qualifies for Silver, but the IPP assessment of 2026-10-02 found a disqualifying red flag".into()
            }
        );
        assert!(
            matches!(
                next_action(&situation(4, Some("flagged"))),
                Action::StartNotice { .. }
            ),
            "downgrades go on"
        );
    }

    #[test]
    fn wins_left_out_for_want_of_a_rate_hold_downgrades_not_upgrades() {
        let program = super::super::parse::shipped();
        let today = time::macros::date!(2026 - 11 - 27);
        let quarter = Quarter::containing(today);
        let history: Vec<QuarterFacts> = quarter
            .trailing(3)
            .into_iter()
            .map(QuarterFacts::empty)
            .collect();
        let hold = "1 won deal in EUR not counted: no EUR rate";
        let situation = |active| Situation {
            program: &program,
            current: 4,
            history: &history,
            quarter,
            today,
            active,
            raised_this_period: 0,
            upgrade_block: None,
            downgrade_hold: Some(hold),
        };
        assert_eq!(
            next_action(&situation(None)),
            Action::DowngradeHeld {
                why: format!("below Platinum's keep criteria in 2026-Q3 and 2026-Q4, but {hold}")
            }
        );
        let ended = time::macros::date!(2026 - 11 - 01);
        assert_eq!(
            next_action(&situation(Some(Active::Notice {
                remediation_until: ended
            }))),
            Action::DowngradeHeld {
                why: format!("remediation ended {ended}, but {hold}")
            }
        );
    }
}
