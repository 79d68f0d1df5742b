//! The communication rhythm: the weekly partner standup, the monthly cross-functional sync and
//! the quarterly executive review. A meeting covers the week, month or quarter of its day; its
//! pack is read from the records as of that period's last day (or today while it runs), and
//! the action items left open at earlier meetings of the same kind are carried into it.

mod input;

pub use input::{
    ActionForm, ActionInput, DecisionForm, MAX_TEXT, MeetingForm, MeetingInput, validate_action,
    validate_decision, validate_meeting,
};

use time::{Date, Duration};

use crate::deals::pipeline::stale_on_or_before;
use crate::quarter::Quarter;

crate::choice_enum! {
    /// The meetings of the playbook's communication rhythm. The weekly standup is program-wide:
    /// one agenda over every partner, its lines naming each partner.
    Kind {
        WeeklyStandup => ("weekly_standup", "Weekly partner standup"),
        MonthlySync => ("monthly_sync", "Monthly cross-functional sync"),
        QuarterlyReview => ("quarterly_review", "Quarterly executive review"),
    }
}

/// The days a meeting's pack covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Period {
    pub first: Date,
    pub last: Date,
}

/// The period a meeting of `kind` held on `day` covers: its week (Monday to Sunday), its
/// calendar month or its quarter.
pub fn period(kind: Kind, day: Date) -> Period {
    match kind {
        Kind::WeeklyStandup => {
            let first = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
            Period {
                first,
                last: first + Duration::days(6),
            }
        }
        Kind::MonthlySync => {
            let first = day.replace_day(1).expect("every month has a first day");
            let last = first
                .replace_day(first.month().length(first.year()))
                .expect("a month's length is one of its days");
            Period { first, last }
        }
        Kind::QuarterlyReview => {
            let quarter = Quarter::containing(day);
            Period {
                first: quarter.first_day(),
                last: quarter.last_day(),
            }
        }
    }
}

/// The day a pack is read as of: the period's last day, or `today` while the period runs.
pub fn as_of(period: Period, today: Date) -> Date {
    period.last.min(today)
}

/// A deal in flight is stuck when nothing changed on it for `stuck_days` days: last touched
/// on `as_of - stuck_days` or earlier (the pipeline's stale rule, `stale_deal_days`).
pub fn is_stuck(last_touched: Date, as_of: Date, stuck_days: u32) -> bool {
    last_touched <= stale_on_or_before(as_of, stuck_days)
}

/// An action item as the carry-over rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFacts {
    /// The first day of the period of the meeting that recorded it.
    pub meeting_first: Date,
    pub kind: Kind,
    /// The day it was done, if it was.
    pub done_on: Option<Date>,
}

/// Whether an action item comes up again at a meeting of `kind` covering `period`: it was
/// recorded at an earlier meeting of the same kind and was still open on `as_of`.
pub fn carried_over(item: &ActionFacts, kind: Kind, period: Period, as_of: Date) -> bool {
    item.kind == kind
        && item.meeting_first < period.first
        && item.done_on.is_none_or(|done| done > as_of)
}

/// The median of whole-day durations, halves kept (the middle two averaged); None when empty.
pub fn median_days(days: &[i64]) -> Option<rust_decimal::Decimal> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let middle = rust_decimal::Decimal::from(sorted[n / 2]);
    Some(if n % 2 == 1 {
        middle
    } else {
        (rust_decimal::Decimal::from(sorted[n / 2 - 1]) + middle) / rust_decimal::Decimal::TWO
    })
}

/// How a meeting is named: "Weekly partner standup, week of 2026-11-30",
/// "Monthly cross-functional sync, November 2026", "Quarterly executive review, 2026-Q4".
pub fn title(kind: Kind, period: Period) -> String {
    use crate::validation::Choice;
    let when = match kind {
        Kind::WeeklyStandup => format!("week of {}", period.first),
        Kind::MonthlySync => format!("{} {}", period.first.month(), period.first.year()),
        Kind::QuarterlyReview => Quarter::containing(period.first).to_string(),
    };
    format!("{}, {when}", kind.label())
}

#[cfg(test)]
mod tests;
