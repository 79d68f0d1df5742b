//! What other features read of a case through the case's own reading of its log: the clock
//! its owner works against now.

use domain::alignment::{BusinessCalendar, SlaState};
use domain::escalations::{self, ClockState, Urgency};
use domain::program::Program;
use domain::validation::Choice;
use store::escalations::{CaseRow, EntryRow};
use time::OffsetDateTime;

use super::views::{changes_of, corrupt};
use crate::Result;

/// The clock running on `case` at `now`, its state and due instant: the first response until
/// it is sent, then the resolution. `entries` holds at least the case's state changes
/// (`store::escalations::state_changes`, of several cases).
pub(crate) fn running_clock(
    case: &CaseRow,
    entries: &[EntryRow],
    program: &Program,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> Result<(ClockState, Option<OffsetDateTime>)> {
    let urgency = Urgency::parse(&case.urgency).ok_or_else(|| corrupt("urgency", &case.urgency))?;
    let view = escalations::sla_view(
        case.created_at,
        urgency,
        &changes_of(entries, case.id)?,
        &program.policies.slas,
        calendar,
        now,
    );
    let running = if matches!(view.response, SlaState::Met { .. }) {
        view.resolution
    } else {
        view.response
    };
    Ok(escalations::clock(&running))
}
