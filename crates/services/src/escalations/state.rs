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

/// Closes the channel-conflict case the conflict check of registration `deal_id` opened, once
/// a decision on the registration made the conflict moot (`why`: "rejected"), with a line of
/// the log saying so; its owner hears of it. The conflict ended without any of the outcomes a
/// person records (`domain::deals::cases::Outcome` says who keeps the customer: nobody does
/// here), so the case closes without one and its log says that too. A case already resolved
/// or closed is left as it is. The write is conditional on the state and version read: a move
/// of the case committed meanwhile is read again (and respected) once; a second lost race
/// refuses the decision (409), so the case is never written twice.
pub(crate) async fn close_moot_conflict(
    tx: &mut store::Write,
    actor: &crate::Actor,
    deal_id: uuid::Uuid,
    deal_reference: &str,
    why: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let body = format!(
        "Registration {deal_reference} was {why}: the conflict is moot, so the case is closed \
         without a conflict outcome"
    );
    let mut attempts = 0;
    let row = loop {
        let Some(read) = store::escalations::case_for_deal(tx, deal_id).await? else {
            return Ok(());
        };
        if matches!(state_of(&read)?, State::Resolved | State::Closed) {
            return Ok(());
        }
        let mut closed = read.clone();
        closed.state = State::Closed.as_str().into();
        closed.updated_at = now;
        attempts += 1;
        match store::escalations::change_state(tx, &closed, &read).await {
            Err(store::Error::Changed(_)) if attempts < 2 => continue,
            other => other?,
        }
        break closed;
    };
    let entry = EntryRow {
        id: uuid::Uuid::now_v7(),
        case_id: row.id,
        kind: EntryKind::StateChange.as_str().into(),
        body: body.clone(),
        state: Some(State::Closed.as_str().into()),
        due_on: None,
        done_at: None,
        author_id: actor.user_id,
        visible_to_partner: true,
        sweep_mark: None,
        at: now,
    };
    store::escalations::insert_entry(tx, &entry).await?;
    let reference = escalations::reference(row.number);
    let message = format!("{reference} closed: {body}");
    let owner: Vec<uuid::Uuid> = row
        .owner_id
        .filter(|o| Some(*o) != actor.user_id)
        .into_iter()
        .collect();
    crate::notifications::notify_and_record(
        tx,
        actor,
        &owner,
        &store::notifications::NewNotification {
            partner_id: Some(row.partner_id),
            kind: "escalation",
            message: &message,
            link: &format!("/escalations/{}", row.id),
        },
        crate::Change {
            partner_id: Some(row.partner_id),
            entity_type: "escalation_case",
            entity_id: row.id,
            action: "close_moot",
            summary: message.clone(),
            before: None,
            after: None,
        },
        now,
    )
    .await
}
