//! What work pages and the API show: an item with its derived due instant and SLA state, its
//! comments, and the entries of "My work" (items and owned escalation cases side by side).

use domain::alignment::BusinessCalendar;
use domain::escalations::{ClockState, clock};
use domain::program::Program;
use domain::validation::Choice;
use domain::work::{WorkKind, sla_state};
use time::OffsetDateTime;
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

/// One line of "My work": a work item or an escalation case the person owns.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyWorkEntry {
    pub id: Uuid,
    /// onboarding, deal_registration, lead_handoff or escalation
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub partner_name: String,
    /// The team's queue it sits in, or "owner" for an escalation case the person owns.
    pub queue: String,
    pub assigned_to_me: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    pub sla: ClockState,
    pub link: String,
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

/// The item's SLA state and due instant at `now`.
pub(super) fn sla_of(
    row: &store::work::ItemRow,
    program: &Program,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> Result<(ClockState, Option<OffsetDateTime>)> {
    let state = sla_state(
        kind_of(row)?,
        row.created_at,
        row.closed_at,
        &program.policies,
        calendar,
        now,
    );
    Ok(clock(&state))
}

pub(super) fn source_link(row: &store::work::ItemRow, kind: WorkKind) -> String {
    match kind {
        WorkKind::Onboarding => format!("/partners/{}/onboarding", row.partner_id),
        WorkKind::DealRegistration => format!("/deals/{}", row.source_id),
        WorkKind::LeadHandoff => format!("/leads#lead-{}", row.source_id),
    }
}

pub(super) fn item_view(
    row: store::work::ItemRow,
    partner_name: String,
    assignee: Option<String>,
    sla: (ClockState, Option<OffsetDateTime>),
) -> Result<WorkItemView> {
    let kind = kind_of(&row)?;
    Ok(WorkItemView {
        id: row.id,
        kind,
        link: format!("/work/{}", row.id),
        source_link: source_link(&row, kind),
        team_label: domain::teams::parse(&row.team)
            .map_or_else(|| row.team.clone(), |t| domain::teams::label(t).into()),
        team: row.team,
        title: row.title,
        partner_id: row.partner_id,
        partner_name,
        assignee_id: row.assignee_id,
        assignee,
        due_at: sla.1,
        sla: sla.0,
        created_at: row.created_at,
        closed_at: row.closed_at,
        version: row.version,
    })
}
