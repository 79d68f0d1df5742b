//! Quarterly escalation trends: the cases submitted in a quarter (by the day of submission in
//! the program's zone) counted by category and urgency, how long their first response and
//! resolution took, how many missed a target, which partners raised two or more, and how many
//! ended without a review.
//!
//! A duration is counted by the clock of its target (`[slas]`): working time for a
//! business-hours target, plain time for a calendar one. Time to resolution leaves out the
//! time the case waited on the partner and the time it sat resolved before a reopening, as its
//! SLA clock does; time to first response runs from submission to the first acknowledgement.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::sla::spans_in;
use super::{Category, State, StateChange, Urgency, sla_view};
use crate::alignment::{BusinessCalendar, SlaState};
use crate::program::policy::{Clock, Slas};
use crate::quarter::Quarter;
use crate::validation::Choice;

/// What the trends read of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub partner_id: Uuid,
    pub category: Category,
    pub urgency: Urgency,
    pub submitted_at: OffsetDateTime,
    /// The recorded state changes, in order.
    pub changes: Vec<StateChange>,
    pub reviewed: bool,
}

/// One case's times and misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measures {
    /// Submission to first acknowledgement, by the response target's clock.
    pub response: Option<Duration>,
    /// Submission to resolution, pauses left out, by the resolution target's clock; None
    /// unless the case is resolved or closed now.
    pub resolution: Option<Duration>,
    /// The first response came late, or is late now.
    pub response_breached: bool,
    pub resolution_breached: bool,
    /// Resolved or closed: a review is due.
    pub over: bool,
}

pub fn measure(
    case: &CaseFacts,
    slas: &Slas,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> Measures {
    let late = |s: &SlaState| {
        matches!(
            s,
            SlaState::Breached { .. } | SlaState::Met { late: true, .. }
        )
    };
    let sla = sla_view(
        case.submitted_at,
        case.urgency,
        &case.changes,
        slas,
        calendar,
        now,
    );
    let response_clock = slas.escalation_response_clock.of(case.urgency);
    let response = case
        .changes
        .iter()
        .find(|c| c.to == State::Acknowledged)
        .map(|c| calendar.between(response_clock, case.submitted_at, c.at));
    let current = case.changes.last().map_or(State::Open, |c| c.to);
    let over = super::reviewable(current);
    let resolution = case
        .changes
        .iter()
        .rev()
        .find(|c| c.to == State::Resolved)
        .filter(|_| over)
        .map(|resolved| {
            let clock = slas.escalation_resolution_clock;
            let paused: Duration =
                spans_in(&case.changes, &[State::WaitingOnPartner, State::Resolved])
                    .iter()
                    .filter(|p| p.from < resolved.at)
                    .map(|p| calendar.between(clock, p.from, p.until.unwrap_or(resolved.at)))
                    .sum();
            calendar.between(clock, case.submitted_at, resolved.at) - paused
        });
    Measures {
        response,
        resolution,
        response_breached: late(&sla.response),
        resolution_breached: late(&sla.resolution),
        over,
    }
}

/// The `percent`-th percentile of `values` by linear interpolation between the closest ranks
/// (a spreadsheet's PERCENTILE.INC): sorted, it sits at rank (n − 1) × percent / 100 counted
/// from 0, so the median of 1, 2, 3, 4 is 2.5 and their 90th percentile 3.7. None of nothing.
pub fn percentile(values: &[Decimal], percent: u32) -> Option<Decimal> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let last = sorted.len().checked_sub(1)?;
    let rank = Decimal::from(last) * Decimal::from(percent.min(100)) / Decimal::ONE_HUNDRED;
    let below = rank.floor();
    let index = below.to_usize().unwrap_or(last).min(last);
    let low = sorted[index];
    let high = sorted[(index + 1).min(last)];
    Some(low + (high - low) * (rank - below))
}

/// The median and 90th percentile of some durations, each to one decimal (half to even).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    /// How many cases the figures are made of.
    pub cases: u64,
    pub median: Option<Decimal>,
    pub p90: Option<Decimal>,
}

impl Spread {
    pub fn of(values: &[Decimal]) -> Spread {
        let one_decimal =
            |v: Decimal| v.round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven);
        Spread {
            cases: values.len() as u64,
            median: percentile(values, 50).map(one_decimal),
            p90: percentile(values, 90).map(one_decimal),
        }
    }
}

/// A spread's figure as a report writes it: always one decimal, half to even ("7.0", "0.0",
/// "2.2"), so a column never mixes "7" and "0.0".
pub fn one_decimal(value: Decimal) -> String {
    let mut rounded = value.round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven);
    rounded.rescale(1);
    rounded.to_string()
}

/// A duration in hours.
pub fn hours(length: Duration) -> Decimal {
    Decimal::from(length.whole_seconds()) / Decimal::from(3600)
}

/// A duration in days of the clock: working days of the calendar's working day, or days of
/// 24 hours.
pub fn days(length: Duration, clock: Clock, calendar: &BusinessCalendar) -> Decimal {
    let day = match clock {
        Clock::Business => calendar.working_day(),
        Clock::Calendar => Duration::DAY,
    };
    Decimal::from(length.whole_seconds()) / Decimal::from(day.whole_seconds().max(1))
}

/// A quarter's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterFigures {
    pub quarter: Quarter,
    pub cases: u64,
    /// Every category in its order, none left out.
    pub by_category: Vec<(Category, u64)>,
    pub by_urgency: Vec<(Urgency, u64)>,
    /// Time to first response in hours of each case's response clock.
    pub response_hours: Spread,
    /// Time to resolution in days of the resolution clock.
    pub resolution_days: Spread,
    pub response_breaches: u64,
    pub resolution_breaches: u64,
    /// Cases with either clock breached or met late (what the list's breached filter shows).
    pub breached_cases: u64,
    /// Partners with two cases or more, most cases first (then by id, for a stable order).
    pub repeat_partners: Vec<(Uuid, u64)>,
    /// Resolved or closed cases without a review.
    pub reviews_missing: u64,
}

/// The instants a quarter's cases are submitted within: from the midnight its first day
/// begins in the program's zone up to (not including) the next quarter's.
pub fn bounds(quarter: Quarter, calendar: &BusinessCalendar) -> (OffsetDateTime, OffsetDateTime) {
    (
        calendar.day_start(quarter.first_day()),
        calendar.day_start(quarter.next().first_day()),
    )
}

/// The quarter a case belongs to: the one its submission day in the program's zone falls in.
pub fn quarter_of(submitted_at: OffsetDateTime, calendar: &BusinessCalendar) -> Quarter {
    Quarter::containing(calendar.day_of(submitted_at))
}

/// The figures of the cases of `quarter` among `cases` (others are left out), at `now`.
pub fn quarter_figures(
    quarter: Quarter,
    cases: &[CaseFacts],
    slas: &Slas,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> QuarterFigures {
    let mine: Vec<&CaseFacts> = cases
        .iter()
        .filter(|c| quarter_of(c.submitted_at, calendar) == quarter)
        .collect();
    let count = |keep: &dyn Fn(&CaseFacts) -> bool| mine.iter().filter(|c| keep(c)).count() as u64;
    let measures: Vec<Measures> = mine
        .iter()
        .map(|c| measure(c, slas, calendar, now))
        .collect();
    let response: Vec<Decimal> = measures
        .iter()
        .filter_map(|m| m.response)
        .map(hours)
        .collect();
    let resolution: Vec<Decimal> = measures
        .iter()
        .filter_map(|m| m.resolution)
        .map(|d| days(d, slas.escalation_resolution_clock, calendar))
        .collect();
    let mut per_partner: BTreeMap<Uuid, u64> = BTreeMap::new();
    for case in &mine {
        *per_partner.entry(case.partner_id).or_default() += 1;
    }
    let mut repeat_partners: Vec<(Uuid, u64)> =
        per_partner.into_iter().filter(|(_, n)| *n >= 2).collect();
    repeat_partners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    QuarterFigures {
        quarter,
        cases: mine.len() as u64,
        by_category: Category::ALL
            .iter()
            .map(|k| (*k, count(&|c| c.category == *k)))
            .collect(),
        by_urgency: Urgency::ALL
            .iter()
            .map(|u| (*u, count(&|c| c.urgency == *u)))
            .collect(),
        response_hours: Spread::of(&response),
        resolution_days: Spread::of(&resolution),
        response_breaches: measures.iter().filter(|m| m.response_breached).count() as u64,
        resolution_breaches: measures.iter().filter(|m| m.resolution_breached).count() as u64,
        breached_cases: measures
            .iter()
            .filter(|m| m.response_breached || m.resolution_breached)
            .count() as u64,
        repeat_partners,
        reviews_missing: mine
            .iter()
            .zip(&measures)
            .filter(|(c, m)| m.over && !c.reviewed)
            .count() as u64,
    }
}

#[cfg(test)]
mod tests {
    //! On the shipped calendar (Monday to Friday, 09:00–17:00 UTC; December 2026: Wednesday
    //! the 2nd, Monday the 7th) and SLAs (P1 2 calendar hours, P2 8 and P3 24 working hours
    //! to respond; 5 working days of 8 hours to resolve).

    use time::macros::datetime;

    use super::*;
    use crate::program::policy::BusinessHours;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn calendar() -> BusinessCalendar {
        BusinessCalendar::from_hours(&BusinessHours::default()).unwrap()
    }

    fn moves(list: &[(OffsetDateTime, State)]) -> Vec<StateChange> {
        list.iter()
            .map(|&(at, to)| StateChange { at, to })
            .collect()
    }

    fn partner(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// A: P2 of partner 1, acknowledged in 2 working hours, resolved after 16 (Wed 10:00 to
    /// Fri 10:00: 7 + 8 + 1), closed and reviewed. B: P1 of partner 1, acknowledged after 3
    /// calendar hours (1 late), waited on the partner 8 working hours (Mon 13:00 to Tue
    /// 13:00), resolved Thu 13:00: 28 working hours less 8 = 20, not reviewed. C: P3 of
    /// partner 2, still open a week later: both clocks breached. D: submitted in Q3.
    fn cases() -> Vec<CaseFacts> {
        use State::*;
        vec![
            CaseFacts {
                partner_id: partner(1),
                category: Category::ChannelConflict,
                urgency: Urgency::P2,
                submitted_at: datetime!(2026-12-02 10:00 UTC),
                changes: moves(&[
                    (datetime!(2026-12-02 12:00 UTC), Acknowledged),
                    (datetime!(2026-12-02 12:00 UTC), InProgress),
                    (datetime!(2026-12-04 10:00 UTC), Resolved),
                    (datetime!(2026-12-04 12:00 UTC), Closed),
                ]),
                reviewed: true,
            },
            CaseFacts {
                partner_id: partner(1),
                category: Category::CommissionDispute,
                urgency: Urgency::P1,
                submitted_at: datetime!(2026-12-07 09:00 UTC),
                changes: moves(&[
                    (datetime!(2026-12-07 12:00 UTC), Acknowledged),
                    (datetime!(2026-12-07 12:00 UTC), InProgress),
                    (datetime!(2026-12-07 13:00 UTC), WaitingOnPartner),
                    (datetime!(2026-12-08 13:00 UTC), InProgress),
                    (datetime!(2026-12-10 13:00 UTC), Resolved),
                ]),
                reviewed: false,
            },
            CaseFacts {
                partner_id: partner(2),
                category: Category::Technical,
                urgency: Urgency::P3,
                submitted_at: datetime!(2026-12-10 09:00 UTC),
                changes: Vec::new(),
                reviewed: false,
            },
            CaseFacts {
                partner_id: partner(2),
                category: Category::Technical,
                urgency: Urgency::P4,
                submitted_at: datetime!(2026-09-30 23:30 UTC),
                changes: Vec::new(),
                reviewed: false,
            },
        ]
    }

    #[test]
    fn percentiles_interpolate_between_the_closest_ranks() {
        let values = [dec("4"), dec("1"), dec("3"), dec("2")];
        assert_eq!(percentile(&values, 50), Some(dec("2.5")));
        assert_eq!(percentile(&values, 90), Some(dec("3.7")));
        assert_eq!(percentile(&[dec("7")], 90), Some(dec("7")));
        assert_eq!(percentile(&[], 50), None);
        let ten: Vec<Decimal> = (1..=10).map(Decimal::from).collect();
        assert_eq!(percentile(&ten, 50), Some(dec("5.5")));
        assert_eq!(percentile(&ten, 90), Some(dec("9.1")));
        // Rounded to one decimal half to even: 2.25 → 2.2, 2.45 → 2.4.
        assert_eq!(
            Spread::of(&[dec("2"), dec("2.5")]),
            Spread {
                cases: 2,
                median: Some(dec("2.2")),
                p90: Some(dec("2.4"))
            }
        );
    }

    #[test]
    fn a_reports_figures_always_carry_one_decimal() {
        for (value, written) in [
            ("7", "7.0"),
            ("0", "0.0"),
            ("0.0", "0.0"),
            ("2.25", "2.2"),
            ("2.35", "2.4"),
            ("12.5", "12.5"),
            ("3.333333", "3.3"),
        ] {
            assert_eq!(one_decimal(dec(value)), written, "{value}");
        }
    }

    #[test]
    fn a_case_belongs_to_the_quarter_of_its_submission_day() {
        let cal = calendar();
        let q4 = Quarter::new(2026, 4).unwrap();
        assert_eq!(quarter_of(datetime!(2026-10-01 00:00 UTC), &cal), q4);
        assert_eq!(
            quarter_of(datetime!(2026-09-30 23:59 UTC), &cal),
            Quarter::new(2026, 3).unwrap()
        );
        assert_eq!(
            bounds(q4, &cal),
            (
                datetime!(2026-10-01 00:00 UTC),
                datetime!(2027-01-01 00:00 UTC)
            )
        );
    }

    #[test]
    fn each_case_measured_by_its_clocks() {
        let (cal, slas) = (calendar(), Slas::default());
        let now = datetime!(2026-12-18 09:00 UTC);
        let got: Vec<Measures> = cases()
            .iter()
            .take(3)
            .map(|c| measure(c, &slas, &cal, now))
            .collect();
        assert_eq!(
            got,
            [
                Measures {
                    response: Some(Duration::hours(2)),
                    resolution: Some(Duration::hours(16)),
                    response_breached: false,
                    resolution_breached: false,
                    over: true,
                },
                Measures {
                    response: Some(Duration::hours(3)),
                    resolution: Some(Duration::hours(20)),
                    response_breached: true,
                    resolution_breached: false,
                    over: true,
                },
                Measures {
                    response: None,
                    resolution: None,
                    response_breached: true,
                    resolution_breached: true,
                    over: false,
                },
            ]
        );
    }

    #[test]
    fn a_quarters_figures_worked_out_by_hand() {
        let q4 = Quarter::new(2026, 4).unwrap();
        let figures = quarter_figures(
            q4,
            &cases(),
            &Slas::default(),
            &calendar(),
            datetime!(2026-12-18 09:00 UTC),
        );
        assert_eq!(figures.cases, 3);
        assert_eq!(
            figures.by_category,
            [
                (Category::ChannelConflict, 1),
                (Category::CommissionDispute, 1),
                (Category::Mdf, 0),
                (Category::Technical, 1),
                (Category::Contractual, 0),
                (Category::Other, 0),
            ]
        );
        assert_eq!(
            figures.by_urgency,
            [
                (Urgency::P1, 1),
                (Urgency::P2, 1),
                (Urgency::P3, 1),
                (Urgency::P4, 0)
            ]
        );
        // Responses of 2 and 3 hours; resolutions of 2 and 2.5 working days.
        assert_eq!(
            figures.response_hours,
            Spread {
                cases: 2,
                median: Some(dec("2.5")),
                p90: Some(dec("2.9"))
            }
        );
        assert_eq!(
            figures.resolution_days,
            Spread {
                cases: 2,
                median: Some(dec("2.2")),
                p90: Some(dec("2.4"))
            }
        );
        assert_eq!(
            (
                figures.response_breaches,
                figures.resolution_breaches,
                figures.breached_cases
            ),
            (2, 1, 2)
        );
        assert_eq!(figures.repeat_partners, [(partner(1), 2)]);
        assert_eq!(figures.reviews_missing, 1);
    }

    #[test]
    fn reviews_need_the_case_over_and_every_field_but_the_follow_ups() {
        assert!(crate::escalations::reviewable(State::Resolved));
        assert!(crate::escalations::reviewable(State::Closed));
        assert!(!crate::escalations::reviewable(State::Reopened));
        let errors = crate::escalations::validate_review(&crate::escalations::ReviewForm {
            what_happened: "Commission paid at the wrong rate".into(),
            root_cause: " ".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["root_cause", "lessons", "prevention"]);
    }
}
