use super::*;
use crate::quarter::Quarter;
use history::QuarterFacts;
use progression::{Action, Active, ProposalKind, Situation, next_action};
use time::macros::date;

const TODAY: time::Date = date!(2026 - 11 - 27);

fn now() -> Quarter {
    Quarter::containing(TODAY)
}

/// A quarter whose trailing window holds `revenue_12m` when the three before it are empty,
/// with Silver's other entry criteria (3 certified, 1 advanced, 5 references).
fn quarter(q: Quarter, revenue: i64, qbrs: u32, certified: u32) -> QuarterFacts {
    QuarterFacts {
        sourced_revenue: Decimal::from(revenue),
        qbrs,
        certified_people: certified,
        advanced_certified_people: 1.min(certified),
        customer_references: 5,
        ..QuarterFacts::empty(q)
    }
}

fn situation<'a>(
    program: &'a Program,
    current: usize,
    history: &'a [QuarterFacts],
) -> Situation<'a> {
    Situation {
        program,
        current,
        history,
        quarter: now(),
        today: TODAY,
        active: None,
        raised_this_period: 0,
        upgrade_block: None,
        downgrade_hold: None,
    }
}

/// Silver-level facts in each of the last `n` quarters (and nothing before).
fn silver_for(n: usize) -> Vec<QuarterFacts> {
    now()
        .trailing(n)
        .into_iter()
        .map(|q| quarter(q, 60_000, 1, 3))
        .collect()
}

#[test]
fn upgrade_after_two_consecutive_qualifying_quarters() {
    let program = default_program();
    // One quarter of 60K: 60K trailing, below Silver's 100K; two quarters: 120K in both? No —
    // the earlier quarter alone has 60K. Three quarters give 120K now and 120K last quarter.
    let one = silver_for(2);
    assert!(matches!(
        next_action(&situation(&program, 1, &one)),
        Action::Nothing { .. }
    ));
    let three = silver_for(3);
    match next_action(&situation(&program, 1, &three)) {
        Action::ProposeUpgrade { to, why } => {
            assert_eq!(to, 2);
            assert_eq!(
                why,
                format!(
                    "qualified for Silver in {} and {} (2 consecutive quarter(s), on trailing 12 months)",
                    now().previous(),
                    now()
                )
            );
        }
        other => panic!("{other:?}"),
    }
    let mut slower = program.clone();
    slower.progression.upgrade_after_quarters = 3;
    assert!(
        matches!(
            next_action(&situation(&slower, 1, &three)),
            Action::Nothing { .. }
        ),
        "raising the bar delays it"
    );
    assert!(
        matches!(
            next_action(&situation(&program, 2, &three)),
            Action::Nothing { .. }
        ),
        "already Silver"
    );
}

#[test]
fn at_most_one_proposal_per_partner_per_period() {
    let program = default_program();
    let history = silver_for(3);
    let mut s = situation(&program, 1, &history);
    s.raised_this_period = 1;
    match next_action(&s) {
        Action::Nothing { why } => {
            assert_eq!(why, format!("already had a tier proposal in {}", now()))
        }
        other => panic!("{other:?}"),
    }
    s.raised_this_period = 0;
    s.active = Some(Active::Open {
        kind: ProposalKind::Upgrade,
        to: 2,
    });
    assert_eq!(
        next_action(&s),
        Action::Nothing {
            why: "a proposal awaits a decision".into()
        }
    );
}

#[test]
fn downgrade_starts_with_notice_after_two_quarters_below_keep() {
    let program = default_program();
    // Silver keeps at 75K: 50K trailing in each of the last two quarters is below.
    let below: Vec<QuarterFacts> = vec![
        quarter(now().previous(), 25_000, 1, 3),
        quarter(now(), 25_000, 1, 3),
    ];
    match next_action(&situation(&program, 2, &below)) {
        Action::StartNotice {
            to,
            notice_until,
            remediation_until,
            why,
        } => {
            assert_eq!(
                to, 1,
                "Bronze: the highest tier whose keep criteria are met"
            );
            assert_eq!(notice_until, date!(2026 - 12 - 27));
            assert_eq!(remediation_until, date!(2027 - 02 - 25));
            assert!(
                why.starts_with(&format!(
                    "below Silver's keep criteria in {} and {}",
                    now().previous(),
                    now()
                )),
                "{why}"
            );
            assert!(
                why.ends_with("to keep the tier: $25,000 more closed-won revenue"),
                "{why}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Below in this quarter only: the previous quarter still kept Silver (75K trailing).
    let once = vec![
        quarter(now().previous().previous(), 80_000, 2, 3),
        quarter(now(), 0, 1, 3),
    ];
    let facts_then = history::facts_as_of(&once, now().previous());
    assert!(crate::program::evaluation::keeps_tier(
        &program,
        2,
        &facts_then
    ));
    assert!(matches!(
        next_action(&situation(&program, 2, &once)),
        Action::Nothing { .. }
    ));
    assert!(
        matches!(
            next_action(&situation(&program, 0, &[])),
            Action::Nothing { .. }
        ),
        "nothing below the lowest tier"
    );
}

#[test]
fn a_certification_lapse_starts_the_notice_at_once() {
    let program = default_program();
    let history = vec![
        quarter(now().previous(), 200_000, 2, 3),
        quarter(now(), 0, 0, 2),
    ];
    match next_action(&situation(&program, 2, &history)) {
        Action::StartNotice { why, .. } => assert!(
            why.starts_with("certification lapse below Silver's requirement"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    let mut lenient = program.clone();
    lenient.progression.certification_lapse_triggers_downgrade = false;
    assert!(matches!(
        next_action(&situation(&lenient, 2, &history)),
        Action::Nothing { .. }
    ));
}

#[test]
fn missed_qbrs_start_the_notice() {
    let program = default_program();
    // Gold keeps 4 QBRs a year: one a quarter. None in the last two quarters is two missed,
    // even though the trailing year still shows enough (four held earlier).
    let mut history: Vec<QuarterFacts> = now()
        .trailing(4)
        .into_iter()
        .map(|q| QuarterFacts {
            sourced_revenue: Decimal::from(200_000),
            qbrs: 2,
            certified_people: 5,
            advanced_certified_people: 2,
            customer_references: 10,
            executive_sponsor: Some(SponsorLevel::Vp),
            co_marketing: 1,
            ..QuarterFacts::empty(q)
        })
        .collect();
    assert!(matches!(
        next_action(&situation(&program, 3, &history)),
        Action::Nothing { .. }
    ));
    history[2].qbrs = 0;
    history[3].qbrs = 0;
    match next_action(&situation(&program, 3, &history)) {
        Action::StartNotice { why, .. } => {
            assert!(why.starts_with("2 QBRs missed in a row"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    let mut patient = program.clone();
    patient.progression.missed_qbrs_before_downgrade = 3;
    assert!(matches!(
        next_action(&situation(&patient, 3, &history)),
        Action::Nothing { .. }
    ));
}

#[test]
fn remediation_ends_in_recovery_or_a_downgrade_proposal() {
    let program = default_program();
    let below = vec![quarter(now(), 25_000, 1, 3)];
    let mut s = situation(&program, 2, &below);
    s.active = Some(Active::Notice {
        remediation_until: date!(2027 - 01 - 15),
    });
    assert_eq!(
        next_action(&s),
        Action::Nothing {
            why: "in remediation until 2027-01-15".into()
        }
    );
    s.active = Some(Active::Notice {
        remediation_until: TODAY,
    });
    match next_action(&s) {
        Action::ProposeDowngrade { to, why } => {
            assert_eq!(to, 1);
            assert!(
                why.contains("after remediation ended 2026-11-27: $50,000 more closed-won revenue"),
                "{why}"
            );
        }
        other => panic!("{other:?}"),
    }
    let recovered = vec![quarter(now(), 80_000, 2, 3)];
    let mut s = situation(&program, 2, &recovered);
    s.active = Some(Active::Notice {
        remediation_until: TODAY,
    });
    assert!(matches!(next_action(&s), Action::Recovered { .. }));
    s.active = Some(Active::Open {
        kind: ProposalKind::Downgrade,
        to: 1,
    });
    assert!(
        matches!(next_action(&s), Action::Withdraw { .. }),
        "recovered before the decision"
    );
}

#[test]
fn an_upgrade_no_longer_supported_is_withdrawn() {
    let program = default_program();
    let history = vec![quarter(now(), 10_000, 1, 3)];
    let mut s = situation(&program, 1, &history);
    s.active = Some(Active::Open {
        kind: ProposalKind::Upgrade,
        to: 2,
    });
    match next_action(&s) {
        Action::Withdraw { why } => {
            assert_eq!(why, format!("no longer qualifies for Silver in {}", now()))
        }
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn the_policy_is_deterministic_and_never_upgrades_to_a_tier_not_met(
        revenues in proptest::collection::vec(0i64..400_000, 1..8), certified in 0u32..10, current in 0usize..5
    ) {
        let program = default_program();
        let history: Vec<QuarterFacts> = now().trailing(revenues.len()).into_iter().zip(&revenues)
            .map(|(q, r)| quarter(q, *r, 1, certified)).collect();
        let s = situation(&program, current, &history);
        let action = next_action(&s);
        prop_assert_eq!(&action, &next_action(&s));
        if let Action::ProposeUpgrade { to, .. } = action {
            prop_assert!(to > current);
            let now_facts = history::facts_as_of(&history, now());
            prop_assert!(crate::program::evaluation::evaluate(&program, &now_facts).qualifies_for >= Some(to));
        }
        if let Action::StartNotice { to, remediation_until, .. } = action {
            prop_assert!(to < current && remediation_until > TODAY);
        }
    }
}
