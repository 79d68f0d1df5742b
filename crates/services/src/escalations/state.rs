//! What other features read of a case through the case's own reading of its log: the clock
//! its owner works against now, and when a resolved case closes by itself.

use domain::alignment::{BusinessCalendar, SlaState};
use domain::escalations::{self, ClockState, EntryKind, State, StateChange, Urgency};
use domain::program::Program;
use domain::validation::Choice;
use store::escalations::{CaseRow, EntryRow, SweepEntryRow};
use time::OffsetDateTime;

use super::views::{changes_of, corrupt, state_of};
use crate::{Error, Result};

/// What a case's log says, as the sweep reads it.
pub(super) struct Log {
    pub changes: Vec<StateChange>,
    pub marks: Vec<String>,
    pub partner_last_wrote: Option<OffsetDateTime>,
}

pub(super) fn read_log(entries: &[&SweepEntryRow]) -> Result<Log> {
    let mut log = Log {
        changes: Vec::new(),
        marks: Vec::new(),
        partner_last_wrote: None,
    };
    for entry in entries {
        log.marks.extend(entry.sweep_mark.clone());
        if entry.kind == EntryKind::StateChange.as_str() {
            let state = entry.state.as_deref().unwrap_or_default();
            log.changes.push(StateChange {
                at: entry.at,
                to: State::parse(state).ok_or_else(|| {
                    Error::Store(store::Error::Corrupt(format!("escalation state '{state}'")))
                })?,
            });
        }
        if entry.kind == EntryKind::Update.as_str() && entry.author_partner_id.is_some() {
            log.partner_last_wrote = Some(entry.at);
        }
    }
    Ok(log)
}

/// When a resolved case will close by itself unless the partner confirms or answers (None
/// for a case in any other state): the sweep's own reading of the case's log.
pub(super) async fn closes_at(
    tx: &mut store::Read,
    row: &CaseRow,
    program: &Program,
) -> Result<Option<OffsetDateTime>> {
    if state_of(row)? != State::Resolved {
        return Ok(None);
    }
    let entries = store::escalations::sweep_entries(tx, &[row.id]).await?;
    let log = read_log(&entries.iter().collect::<Vec<_>>())?;
    let resolved_at = log.changes.last().map_or(row.updated_at, |c| c.at);
    Ok(Some(escalations::auto_close_at(
        resolved_at,
        log.partner_last_wrote,
        program.policies.slas.escalation_auto_close_days,
    )))
}

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
