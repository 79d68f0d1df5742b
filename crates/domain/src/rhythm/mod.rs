//! The communication rhythm: the weekly partner standup, the monthly cross-functional sync and
//! the quarterly executive review. A meeting covers the week, month or quarter of its day; its
//! pack is read from the records as of that period's last day (or today while it runs), and
//! the action items left open at earlier meetings of the same kind are carried into it.

mod input;
mod period;

pub use input::{
    ActionForm, ActionInput, DecisionForm, MAX_TEXT, MeetingForm, MeetingInput, validate_action,
    validate_decision, validate_meeting,
};
pub use period::{Kind, Period, as_of, not_begun, period, preparable, title};

use time::Date;

use crate::deals::pipeline::stale_on_or_before;

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

/// Whether an escalation case counts as open at a period's end, by the state its log last
/// entered before that end (None: no state change yet, so as opened): open unless it was
/// resolved or closed by then. A case reopened before the end is open again.
pub fn open_at_end(state_at_end: Option<crate::escalations::State>) -> bool {
    use crate::escalations::State;
    !matches!(state_at_end, Some(State::Resolved | State::Closed))
}

#[cfg(test)]
mod tests;
