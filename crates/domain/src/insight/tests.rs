//! One partner of the shipped program (Silver: keeps at $75,000 of closed-won revenue over
//! twelve months, 3 certified people of whom 1 advanced), its figures worked out by hand.
//! Today is 2026-11-15 (2026-Q4). 1 EUR = 1.10 USD from 2026-01-01; no GBP rate.

use rust_decimal::Decimal;
use time::Date;
use time::macros::date;

use super::*;
use crate::deals::registration::Status;
use crate::enablement::Held;
use crate::money::rates::{Rate, Rates};
use crate::program::scoring_3c4c::Band as Band3c;
use crate::program::{DEFAULT_PROGRAM, parse};
use crate::quarter::Quarter;

fn program() -> crate::program::Program {
    parse(DEFAULT_PROGRAM).0.unwrap()
}

fn rates() -> Rates {
    Rates::new(
        "USD",
        [Rate {
            currency: "EUR".into(),
            effective_on: date!(2026 - 01 - 01),
            rate: Decimal::new(110, 2),
        }],
    )
}

fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

#[allow(clippy::too_many_arguments)]
fn deal(
    status: Status,
    registered_on: Date,
    size: i64,
    currency: &str,
    closed_on: Option<Date>,
    win_counts: bool,
) -> Deal {
    Deal {
        status,
        registered_on,
        size: dec(size),
        currency: currency.into(),
        decided_on: None,
        closed_on,
        closed_amount: closed_on.map(|_| dec(size)),
        protected_until: None,
        win_counts,
    }
}

fn person(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn held(
    who: u128,
    certification: &str,
    earned_on: Date,
    expires_on: Date,
    left_on: Option<Date>,
) -> Held {
    Held {
        person: person(who),
        certification: certification.into(),
        earned_on,
        expires_on: Some(expires_on),
        retired: false,
        left_on,
    }
}

fn activity(on: Date, kind: ActivityKind, joint: bool, counts: bool) -> Activity {
    Activity {
        on,
        kind,
        joint,
        counts,
    }
}

fn records() -> Records {
    use Status::*;
    let mut rejected = deal(Rejected, date!(2026 - 07 - 08), 5_000, "USD", None, false);
    rejected.decided_on = Some(date!(2026 - 07 - 10));
    let mut silver = crate::program::history::QuarterFacts::empty(Quarter::new(2026, 4).unwrap());
    silver.sourced_revenue = dec(80_000);
    silver.qbrs = 2;
    silver.certified_people = 3;
    silver.advanced_certified_people = 1;
    silver.customer_references = 5;
    Records {
        tier: "silver".into(),
        since: date!(2025 - 01 - 10),
        deals: vec![
            // 1: won in Q3, $20,000 (registered in Q2).
            deal(
                Won,
                date!(2026 - 06 - 01),
                20_000,
                "USD",
                Some(date!(2026 - 08 - 10)),
                true,
            ),
            // 2: won in Q3, €20,000 = $22,000 at 1.10 (registered in Q3).
            deal(
                Won,
                date!(2026 - 07 - 05),
                20_000,
                "EUR",
                Some(date!(2026 - 09 - 20)),
                true,
            ),
            // 3: won in Q2, $10,000.
            deal(
                Won,
                date!(2026 - 03 - 01),
                10_000,
                "USD",
                Some(date!(2026 - 05 - 15)),
                true,
            ),
            // 4: the partner says won in Q3, we have not confirmed: no revenue, not ended.
            deal(
                Won,
                date!(2026 - 04 - 10),
                99_000,
                "USD",
                Some(date!(2026 - 09 - 01)),
                false,
            ),
            // 5: lost in Q3.
            deal(
                Lost,
                date!(2026 - 07 - 20),
                10_000,
                "USD",
                Some(date!(2026 - 08 - 30)),
                false,
            ),
            // 6: rejected in Q3.
            rejected,
            // 7: open, registered in Q4.
            deal(Approved, date!(2026 - 10 - 20), 30_000, "USD", None, false),
            // 8: registered in Q3 in GBP, which no rate converts.
            deal(Submitted, date!(2026 - 08 - 01), 1_000, "GBP", None, false),
            // 9: a draft counts for nothing.
            deal(Draft, date!(2026 - 09 - 01), 7_000, "USD", None, false),
            // 10: won in 2025-Q3, $40,000.
            deal(
                Won,
                date!(2025 - 07 - 01),
                40_000,
                "USD",
                Some(date!(2025 - 08 - 20)),
                true,
            ),
        ],
        activities: vec![
            activity(date!(2026 - 07 - 15), ActivityKind::Call, true, true),
            activity(date!(2026 - 08 - 02), ActivityKind::Meeting, true, true),
            // The partner's own joint call, unconfirmed: never counted.
            activity(date!(2026 - 08 - 03), ActivityKind::Call, true, false),
            // Ours, not joint: engagement, not co-selling.
            activity(date!(2026 - 09 - 01), ActivityKind::Call, false, true),
        ],
        leads: vec![
            Lead {
                submitted_on: date!(2026 - 08 - 10),
                accepted_on: Some(date!(2026 - 08 - 12)),
            },
            Lead {
                submitted_on: date!(2026 - 09 - 05),
                accepted_on: None,
            },
        ],
        // A, B, C stay; D left on 2026-09-15.
        people: vec![None, None, None, Some(date!(2026 - 09 - 15))],
        held: vec![
            held(
                1,
                "sales_foundation",
                date!(2026 - 01 - 10),
                date!(2027 - 01 - 10),
                None,
            ),
            held(
                2,
                "technical_advanced",
                date!(2025 - 12 - 01),
                date!(2026 - 12 - 01),
                None,
            ),
            held(
                3,
                "sales_foundation",
                date!(2026 - 04 - 01),
                date!(2027 - 04 - 01),
                None,
            ),
            held(
                4,
                "sales_foundation",
                date!(2026 - 02 - 01),
                date!(2027 - 02 - 01),
                Some(date!(2026 - 09 - 15)),
            ),
        ],
        history: vec![silver],
        assessments: vec![
            crate::sources::Assessed {
                on: date!(2026 - 03 - 01),
                score: 72,
                red_flags: vec![],
                overridden: false,
            },
            crate::sources::Assessed {
                on: date!(2026 - 10 - 01),
                score: 65,
                red_flags: vec!["History of channel conflict".into()],
                overridden: false,
            },
        ],
        commitments: vec![Commitment {
            on: date!(2026 - 06 - 01),
            commitment: 4,
            band: Band3c::Go,
        }],
        onboarding: vec![
            OnboardingItem {
                title: "Sign the partner agreement".into(),
                due_on: date!(2026 - 10 - 01),
                done: true,
            },
            OnboardingItem {
                title: "First joint account plan".into(),
                due_on: date!(2026 - 11 - 01),
                done: false,
            },
            OnboardingItem {
                title: "Launch webinar".into(),
                due_on: date!(2026 - 12 - 01),
                done: false,
            },
        ],
    }
}

const TODAY: Date = date!(2026 - 11 - 15);

#[test]
fn the_scorecard_of_a_quarter_worked_out_by_hand() {
    let card = scorecard(
        &program(),
        &records(),
        &rates(),
        Quarter::new(2026, 3).unwrap(),
        TODAY,
    );
    let q3 = &card.figures;
    assert_eq!(q3.quarter, "2026-Q3");
    // Deals 1 and 2: $20,000 + $22,000. Deal 4 is the partner's word only.
    assert_eq!((q3.won, q3.won_deals), (dec(42_000), 2));
    // 2025-Q4..2026-Q3: $10,000 (Q2) + $42,000 (Q3); the quarter before, 2025-Q3..2026-Q2:
    // $40,000 + $10,000 = $50,000.
    assert_eq!(q3.arr, dec(52_000));
    assert_eq!(q3.net_new_arr, dec(2_000));
    // $42,000 / 2 = $21,000 against Q2's $10,000 / 1: +110%.
    assert_eq!(q3.average_deal_size, Some(dec(21_000)));
    assert_eq!(q3.average_deal_size_growth_percent, Some(dec(110)));
    // Registered in Q3 and not drafts: deal 2 ($22,000), 5 ($10,000), 6 ($5,000) and the
    // GBP deal 8, set apart.
    assert_eq!((q3.pipeline_created, q3.registered), (dec(37_000), 4));
    assert_eq!(
        q3.unconverted,
        [Unconverted {
            currency: "GBP".into(),
            amount: dec(1_000)
        }]
    );
    // Ended in Q3: won 1 and 2, lost 5, rejected 6 (the unconfirmed win 4 has not): 2 of 4.
    assert_eq!((q3.ended, q3.ended_won), (4, 2));
    assert_eq!(q3.conversion_percent, Some(dec(50)));
    // On 2026-09-30 D had left: A, B and C, all three certified.
    assert_eq!((q3.people, q3.certified_people), (3, 3));
    assert_eq!(q3.certified_percent, Some(dec(100)));
    // Only joint calls and meetings our people logged or confirmed.
    assert_eq!((q3.joint_calls, q3.joint_meetings), (1, 1));
    assert_eq!(q3.leads_accepted, 1);

    // The March assessment is the latest by 2026-09-30 (October's comes later).
    assert_eq!(
        card.ipp_fit,
        Some(Fit {
            on: date!(2026 - 03 - 01),
            score: 72
        })
    );
    assert_eq!(card.risks, Some(vec![]));
    assert_eq!(
        card.commitment.as_ref().map(|c| (c.commitment, c.band)),
        Some((4, Band3c::Go))
    );

    let quarters: Vec<&str> = card.trend.iter().map(|f| f.quarter.as_str()).collect();
    assert_eq!(
        quarters,
        [
            "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"
        ]
    );
    let q2 = &card.trend[6];
    // Q2: won deal 3 ($10,000); ARR 2025-Q3..2026-Q2 $50,000, a quarter earlier $40,000.
    assert_eq!(
        (q2.won, q2.arr, q2.net_new_arr),
        (dec(10_000), dec(50_000), dec(10_000))
    );
    // Q1 had no wins: no growth of the average.
    assert_eq!(q2.average_deal_size_growth_percent, None);
    // Deal 1 ($20,000) and deal 4 ($99,000) registered in Q2; deal 3 ended won.
    assert_eq!((q2.pipeline_created, q2.registered), (dec(119_000), 2));
    assert_eq!(q2.conversion_percent, Some(dec(100)));
    // 2024-Q4: nothing happened; four people then, none certified (D's came in 2026).
    let first = &card.trend[0];
    assert_eq!(
        (first.won, first.average_deal_size, first.conversion_percent),
        (dec(0), None, None)
    );
    assert_eq!((first.people, first.certified_percent), (4, Some(dec(0))));

    let q4 = scorecard(
        &program(),
        &records(),
        &rates(),
        Quarter::new(2026, 4).unwrap(),
        TODAY,
    );
    assert_eq!(
        q4.risks,
        Some(vec!["History of channel conflict".to_owned()])
    );
    assert_eq!(q4.ipp_fit.map(|f| f.score), Some(65));
}

#[test]
fn the_health_score_worked_out_by_hand() {
    let h = health(&program(), &records(), &rates(), TODAY);
    let scored: Vec<(ComponentKey, u32, Option<u32>, &str)> = h
        .components
        .iter()
        .map(|c| (c.key, c.weight, c.score, c.explanation.as_str()))
        .collect();
    assert_eq!(
        scored,
        [
            // 2026-Q1..Q4: $10,000 + $42,000 = $52,000 of $75,000 = 69.3 → 69.
            (
                ComponentKey::Revenue,
                30,
                Some(69),
                "$52,000 closed-won in the last four quarters; Silver keeps at $75,000"
            ),
            // From 2026-08-18: deal 7, the September lead, our September call: 3 of 6 → 50.
            (
                ComponentKey::Engagement,
                20,
                Some(50),
                "1 registration, 1 lead and 1 activity we logged or confirmed in the last 90 days; 6 earn full marks"
            ),
            // A, B and C hold valid certifications today; Silver asks 3 → 100.
            (
                ComponentKey::Capability,
                20,
                Some(100),
                "3 of 3 people certified; Silver asks 3"
            ),
            // To 2026-Q3 $52,000, to 2026-Q2 $50,000: +4% → 50 + 4 × 50 / 20 = 60.
            (
                ComponentKey::Growth,
                15,
                Some(60),
                "$52,000 closed-won in the four quarters to 2026-Q3 against $50,000 to 2026-Q2: +4%; +20% earns full marks"
            ),
            (
                ComponentKey::Satisfaction,
                15,
                None,
                "no satisfaction survey yet"
            ),
        ]
    );
    // Satisfaction's 15 spread over the rest: (69×30 + 50×20 + 100×20 + 60×15) / 85
    // = 5970 / 85 = 70.2 → 70, at risk (50–79).
    assert_eq!(h.score, Some(70));
    assert_eq!(h.band, Some(Band::AtRisk));
    let flags: Vec<(FlagKind, &str)> = h
        .flags
        .iter()
        .map(|f| (f.kind, f.message.as_str()))
        .collect();
    assert_eq!(
        flags,
        [
            // Within 90 days (to 2027-02-13) A's and B's certifications lapse: 1 certified,
            // none advanced, below Silver's 3 (1 advanced).
            (
                FlagKind::CertificationLapse,
                "tier at risk: certifications expiring by 2027-02-13 would leave 1 certified people (0 advanced); Silver keeps 3 (1 advanced)"
            ),
            (
                FlagKind::OnboardingOverdue,
                "1 onboarding item overdue: First joint account plan (due 2026-11-01)"
            ),
        ]
    );
}

#[test]
fn inactivity_from_thirty_days_and_a_revenue_drop_after_a_quarter_without_wins() {
    let kinds = |today: Date| -> Vec<FlagKind> {
        health(&program(), &records(), &rates(), today)
            .flags
            .iter()
            .map(|f| f.kind)
            .collect()
    };
    // The last sign of life is deal 7, registered 2026-10-20: 29 days later nothing, 30 a flag.
    assert!(!kinds(date!(2026 - 11 - 18)).contains(&FlagKind::Inactive));
    let h = health(&program(), &records(), &rates(), date!(2026 - 11 - 19));
    assert_eq!(
        h.flags[0].message,
        "no registration, lead or activity for 30 days (last on 2026-10-20)"
    );
    // In 2027-Q1 the last complete quarter (2026-Q4) won nothing against Q3's $42,000.
    let h = health(&program(), &records(), &rates(), date!(2027 - 01 - 20));
    let drop = h
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::RevenueDrop)
        .unwrap();
    assert_eq!(
        drop.message,
        "closed-won revenue fell 100% from $42,000 in 2026-Q3 to $0 in 2026-Q4"
    );
}

#[test]
fn no_data_is_said_and_its_weight_spread() {
    // A new Registered partner: no deals, no people. Registered asks no revenue, Bronze above
    // starts at $0 too: revenue has no data; so have capability (no people), growth and
    // satisfaction. Engagement alone: 0 of 6 → 0, the score 0, intervene.
    let mut fresh = records();
    fresh.tier = "registered".into();
    fresh.deals.clear();
    fresh.activities.clear();
    fresh.leads.clear();
    fresh.people.clear();
    fresh.held.clear();
    fresh.onboarding.clear();
    fresh.since = date!(2026 - 11 - 01);
    let h = health(&program(), &fresh, &rates(), TODAY);
    let scores: Vec<Option<u32>> = h.components.iter().map(|c| c.score).collect();
    assert_eq!(scores, [None, Some(0), None, None, None]);
    assert_eq!(
        h.components[0].explanation,
        "$0 closed-won in the last four quarters; neither Registered nor the tier above asks for revenue"
    );
    assert_eq!(h.components[2].explanation, "no people recorded yet");
    assert_eq!(
        h.components[3].explanation,
        "no closed-won revenue in the last eight quarters"
    );
    assert_eq!((h.score, h.band), (Some(0), Some(Band::Intervene)));
    assert!(h.flags.is_empty(), "joined 14 days ago: {:?}", h.flags);

    let mut quiet = program();
    quiet.policies.health_score.weights.engagement = 0;
    let h = health(&quiet, &fresh, &rates(), TODAY);
    assert_eq!(
        (h.score, h.band),
        (None, None),
        "no component with data and weight"
    );
}

#[test]
fn bands_follow_the_policy() {
    let policy = crate::program::policy::HealthScore::default();
    let bands: Vec<Band> = [100, 80, 79, 50, 49, 0]
        .map(|s| Band::of(s, &policy))
        .to_vec();
    use Band::*;
    assert_eq!(
        bands,
        [Healthy, Healthy, AtRisk, AtRisk, Intervene, Intervene]
    );
    assert_eq!(Band::parse("at_risk"), Some(AtRisk));
}
