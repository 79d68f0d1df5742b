//! What work pages and the API show: an item with its derived due instant and SLA state, its
//! comments, and the entries of "My work" (items and owned escalation cases side by side).

use std::collections::HashMap;

use domain::alignment::{BusinessCalendar, SlaState};
use domain::escalations::{ClockState, Urgency, clock};
use domain::program::Program;
use domain::validation::Choice;
use domain::work::{EntryKind, WorkKind, sla_state};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::teams::MemberView;
use crate::{Error, Result};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WorkItemView {
    pub id: Uuid,
    pub kind: WorkKind,
    pub title: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    /// The queue: the team key the RACI matrix routed the work to.
    pub team: String,
    pub team_label: String,
    pub assignee_id: Option<Uuid>,
    pub assignee: Option<String>,
    /// Derived from when the item was opened and the kind's `[slas]` target; absent while
    /// paused.
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    /// The day it is due, for an onboarding item due on its checklist day: `due_at` is when
    /// that day ends, and pages show the day, as "My work" does.
    #[serde(with = "domain::day_json::option")]
    pub due_on: Option<Date>,
    pub sla: ClockState,
    /// The work item's own page.
    pub link: String,
    /// The record the work is about (the onboarding checklist, the registration, the lead).
    pub source_link: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// Send back when assigning: a stale version loses with a 409.
    pub version: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    pub author: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WorkItemDetail {
    pub item: WorkItemView,
    /// The Accountable team, told when the item was opened.
    pub accountable: String,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    pub comments: Vec<CommentView>,
    /// Whether the asking user may comment (Responsible, Accountable, Consulted, admins).
    pub can_comment: bool,
    /// Whether the asking user may take it (a member of its queue, while unassigned).
    pub can_take: bool,
    /// Whether the asking user may assign it (its queue's lead, admins).
    pub can_assign: bool,
    /// The queue's members, whom it may be assigned to (when `can_assign`).
    pub members: Vec<MemberView>,
}

/// One line of "My work": a work item, an escalation case the person owns, a meeting's action
/// item they own, or a remediation action of a case they own.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyWorkEntry {
    /// The work item's, case's, action item's or remediation action's id.
    pub id: Uuid,
    pub kind: EntryKind,
    pub kind_label: String,
    pub title: String,
    /// Empty for a meeting's action item (meetings are program-wide).
    pub partner_name: String,
    /// The team's queue it sits in (its key), "owner" for what the person owns, or
    /// "escalated" for a case the escalation ladder brought to them.
    pub queue: String,
    /// The queue's team name, "You own it" or "Escalated to you".
    pub queue_label: String,
    pub assigned_to_me: bool,
    /// A work item's derived due instant, the end of an action's due day; absent while paused
    /// and for a remediation action without a day.
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    /// The day it is due, for work due on a day (an onboarding item's checklist day, an
    /// action's day): `due_at` is when that day ends.
    #[serde(with = "domain::day_json::option")]
    pub due_on: Option<Date>,
    pub sla: ClockState,
    /// An escalation case's urgency; None for every other line.
    pub urgency: Option<Urgency>,
    /// The work item's page, the case's, or the meeting's action items.
    pub link: String,
}

/// A line of "My work" before names are read: the line and the partner it names, if any.
pub(super) struct Found {
    pub entry: MyWorkEntry,
    pub partner_id: Option<Uuid>,
}

/// The queue of what the person owns rather than a team holds.
pub(super) const OWNER: &str = "owner";

/// The queue of the cases the escalation ladder brought to the person.
pub(super) const ESCALATED: &str = "escalated";

/// A queue's name as people read it: the team's, or "You own it".
pub(super) fn queue_label(queue: &str) -> String {
    if queue == OWNER {
        return "You own it".into();
    }
    if queue == ESCALATED {
        return "Escalated to you".into();
    }
    domain::teams::parse(queue).map_or_else(|| queue.to_owned(), |t| domain::teams::label(t).into())
}

/// How a notification names a work item: its title and its partner ("MSA signed — Northwind"),
/// so five alike items read apart.
pub(super) async fn named(tx: &mut store::Read, row: &store::work::ItemRow) -> Result<String> {
    let partner = store::partners::get(tx, row.partner_id)
        .await?
        .map(|p| p.display_name)
        .unwrap_or_default();
    Ok(format!("{} — {partner}", row.title))
}

pub(super) fn calendar(program: &Program) -> Result<BusinessCalendar> {
    BusinessCalendar::from_hours(&program.policies.business_hours).ok_or_else(|| {
        Error::Store(store::Error::Internal(format!(
            "business hours in zone '{}' give no calendar",
            program.policies.business_hours.time_zone
        )))
    })
}

pub(super) fn kind_of(row: &store::work::ItemRow) -> Result<WorkKind> {
    WorkKind::parse(&row.kind).ok_or_else(|| {
        Error::Store(store::Error::Internal(format!(
            "work item {} has kind '{}'",
            row.id, row.kind
        )))
    })
}

/// The checklist days of the onboarding items among `rows`' sources, by item id: an
/// onboarding item is due on its checklist item's day.
pub(super) async fn checklist_days(
    tx: &mut store::Read,
    rows: &[store::work::ItemRow],
) -> Result<HashMap<Uuid, Date>> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter(|r| WorkKind::parse(&r.kind).is_some_and(WorkKind::is_checklist))
        .map(|r| r.source_id)
        .collect();
    Ok(store::work::onboarding_days(tx, &ids)
        .await?
        .into_iter()
        .collect())
}

/// The item's SLA state at `now`; `days` from [`checklist_days`].
pub(super) fn item_state(
    row: &store::work::ItemRow,
    days: &HashMap<Uuid, Date>,
    program: &Program,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> Result<SlaState> {
    Ok(sla_state(
        kind_of(row)?,
        row.created_at,
        row.closed_at,
        days.get(&row.source_id).copied(),
        &program.policies,
        calendar,
        now,
    ))
}

/// The item's SLA state as pages show it, and its due instant, at `now`.
pub(super) fn sla_of(
    row: &store::work::ItemRow,
    days: &HashMap<Uuid, Date>,
    program: &Program,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> Result<(ClockState, Option<OffsetDateTime>)> {
    Ok(clock(&item_state(row, days, program, calendar, now)?))
}

pub(super) fn source_link(row: &store::work::ItemRow, kind: WorkKind) -> String {
    match kind {
        WorkKind::Onboarding | WorkKind::ContractReview => {
            format!("/partners/{}/onboarding", row.partner_id)
        }
        WorkKind::DealRegistration => format!("/deals/{}", row.source_id),
        WorkKind::LeadHandoff => format!("/leads#lead-{}", row.source_id),
    }
}

pub(super) fn item_view(
    row: store::work::ItemRow,
    partner_name: String,
    assignee: Option<String>,
    sla: (ClockState, Option<OffsetDateTime>),
    due_on: Option<Date>,
) -> Result<WorkItemView> {
    let kind = kind_of(&row)?;
    Ok(WorkItemView {
        id: row.id,
        kind,
        link: format!("/work/{}", row.id),
        source_link: source_link(&row, kind),
        team_label: queue_label(&row.team),
        team: row.team,
        title: row.title,
        partner_id: row.partner_id,
        partner_name,
        assignee_id: row.assignee_id,
        assignee,
        due_at: sla.1,
        due_on,
        sla: sla.0,
        created_at: row.created_at,
        closed_at: row.closed_at,
        version: row.version,
    })
}
