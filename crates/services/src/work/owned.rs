//! What "My work" shows of what the person owns elsewhere, read where its features keep it:
//! the escalation cases they own until resolved (their clocks as the escalations module reads
//! the log; a resolved case awaits the partner's confirmation, not our work), the open
//! remediation actions of those cases, and their open action items of every meeting. Titles
//! are whole: the page shortens them for its lines (`domain::work::shorten`).

use domain::escalations::{ClockState, Urgency, clock};
use domain::program::Program;
use domain::validation::Choice;
use domain::work::{EntryKind, day_state};
use domain::{alignment::BusinessCalendar, rhythm};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::views::{ESCALATED, Found, MyWorkEntry, OWNER, queue_label};
use crate::Result;

/// What `me` owns of the kinds `kind` asks for (every kind when None), at `now`.
pub(super) async fn owned_work(
    tx: &mut store::Read,
    program: &Program,
    calendar: &BusinessCalendar,
    me: Uuid,
    kind: Option<EntryKind>,
    now: OffsetDateTime,
) -> Result<Vec<Found>> {
    let wants = |k: EntryKind| kind.is_none_or(|want| want == k);
    let mut found = Vec::new();
    if wants(EntryKind::Escalation) {
        found.extend(owned_cases(tx, program, calendar, me, now).await?);
    }
    let due = |started_at, day: Option<Date>| match day {
        Some(day) => clock(&day_state(
            started_at,
            day,
            None,
            calendar,
            program.policies.slas.due_soon_percent,
            now,
        )),
        None => (ClockState::OnTrack, None),
    };
    if wants(EntryKind::Remediation) {
        for action in store::work::open_remediation_of(tx, me).await? {
            let (sla, due_at) = due(action.at, action.due_on);
            let day = action.due_on;
            let title = format!(
                "{}: {}",
                domain::escalations::reference(action.number),
                action.body
            );
            let link = format!("/escalations/{}#case-log", action.case_id);
            let due = (due_at, day, sla);
            let entry = owned(action.id, EntryKind::Remediation, title, due, link);
            found.push(Found {
                entry,
                partner_id: Some(action.partner_id),
            });
        }
    }
    if wants(EntryKind::MeetingAction) {
        for action in store::work::open_actions_of(tx, me).await? {
            let (sla, due_at) = due(action.recorded_at, Some(action.due_on));
            // Named as the meeting is: "Weekly partner standup, week of 30 Nov 2026".
            let meeting = rhythm::Kind::parse(&action.meeting_kind).map_or_else(
                || action.meeting_kind.clone(),
                |k| rhythm::title(k, rhythm::period(k, action.held_on)),
            );
            let title = format!("{meeting}: {}", action.body);
            let link = format!("/meetings/{}#actions", action.meeting_id);
            let entry = owned(
                action.id,
                EntryKind::MeetingAction,
                title,
                (due_at, Some(action.due_on), sla),
                link,
            );
            found.push(Found {
                entry,
                partner_id: None,
            });
        }
    }
    Ok(found)
}

/// A line of what the person owns; `due` is its due instant, due day and SLA state.
fn owned(
    id: Uuid,
    kind: EntryKind,
    title: String,
    due: (Option<OffsetDateTime>, Option<Date>, ClockState),
    link: String,
) -> MyWorkEntry {
    let (due_at, due_on, sla) = due;
    MyWorkEntry {
        id,
        kind,
        kind_label: kind.label().into(),
        title,
        partner_name: String::new(),
        queue: OWNER.into(),
        queue_label: queue_label(OWNER),
        assigned_to_me: true,
        due_at,
        due_on,
        sla,
        urgency: None,
        link,
    }
}

/// The escalation cases `me` owns until resolved, each with the clock that runs now.
async fn owned_cases(
    tx: &mut store::Read,
    program: &Program,
    calendar: &BusinessCalendar,
    me: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Found>> {
    let cases = store::work::open_cases_of(tx, me).await?;
    case_lines(tx, program, calendar, cases, OWNER, now).await
}

/// The cases the escalation ladder brought to `me` (`store::work::escalated_to`: whom each
/// step reached, as the sweep recorded it with the step) that they do not own (those are on
/// their list as theirs), until each is resolved.
pub(super) async fn escalated_cases(
    tx: &mut store::Read,
    program: &Program,
    calendar: &BusinessCalendar,
    me: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Found>> {
    let mut cases = store::work::escalated_to(tx, me).await?;
    cases.retain(|c| c.owner_id != Some(me));
    case_lines(tx, program, calendar, cases, ESCALATED, now).await
}

/// A line for each case in `queue`, with the clock that runs on it now.
async fn case_lines(
    tx: &mut store::Read,
    program: &Program,
    calendar: &BusinessCalendar,
    cases: Vec<store::escalations::CaseRow>,
    queue: &str,
    now: OffsetDateTime,
) -> Result<Vec<Found>> {
    let ids: Vec<Uuid> = cases.iter().map(|r| r.id).collect();
    let entries = store::escalations::state_changes(tx, &ids).await?;
    let mut found = Vec::with_capacity(cases.len());
    for case in cases {
        let (sla, due_at) =
            crate::escalations::running_clock(&case, &entries, program, calendar, now)?;
        let title = format!(
            "{}: {}",
            domain::escalations::reference(case.number),
            case.issue
        );
        let link = format!("/escalations/{}", case.id);
        let mut entry = owned(
            case.id,
            EntryKind::Escalation,
            title,
            (due_at, None, sla),
            link,
        );
        entry.queue = queue.into();
        entry.queue_label = queue_label(queue);
        entry.assigned_to_me = queue == OWNER;
        entry.urgency = Urgency::parse(&case.urgency);
        found.push(Found {
            entry,
            partner_id: Some(case.partner_id),
        });
    }
    Ok(found)
}
