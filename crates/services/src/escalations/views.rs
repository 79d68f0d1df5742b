//! What each side is shown of a case. The partner shapes are built from the partner-visible
//! log only and carry of the owner and the SLAs only the owner's name and the due instants:
//! no clock state, breach, ladder step or other internal field, so no page or API can leak
//! them.

use std::collections::HashMap;

use domain::alignment::BusinessCalendar;
use domain::deals::cases::Outcome;
use domain::escalations::{
    self, Category, ClockState, EntryKind, Side, State, StateChange, Transition, Urgency,
};
use domain::program::Program;
use domain::validation::Choice;
use serde::Serialize;
use store::escalations::{CaseRow, EntryRow};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Actor, Error, Page, Result};

/// One SLA clock of a case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClockView {
    pub state: ClockState,
    /// Absent while paused: the due instant moves on when the pause ends.
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
}

/// A case as our people see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    /// ESC-000123
    pub reference: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub submitted_by: String,
    pub owner_id: Option<Uuid>,
    pub owner_name: String,
    pub issue: String,
    pub category: Category,
    pub urgency: Urgency,
    #[serde(with = "domain::day_json")]
    pub occurred_on: Date,
    pub state: State,
    /// A channel-conflict case a registration's conflict check opened: that registration.
    pub deal_id: Option<Uuid>,
    /// A resolved channel-conflict case: how the conflict ended.
    pub conflict_outcome: Option<Outcome>,
    /// Send back with a move or a reassignment: a case changed meanwhile is refused (409).
    pub version: i64,
    pub first_response: ClockView,
    pub resolution: ClockView,
    /// A clock is breached or was met late.
    pub breached: bool,
    /// The escalation ladder's latest step taken; absent while the case never climbed it.
    pub escalation: Option<LadderStep>,
    /// A resolved case read alone (not in lists): when it closes by itself unless the
    /// partner confirms or answers first (`[slas] escalation_auto_close_days` of silence).
    #[serde(with = "time::serde::rfc3339::option")]
    pub closes_by_itself_at: Option<OffsetDateTime>,
    /// The moves our people may make now.
    pub moves: Vec<Transition>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A step of the escalation ladder the sweep took, as its log entry records it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LadderStep {
    /// 1 at the breach, 2 and 3 later.
    pub step: u8,
    /// Whom it reached: "Escalated to Alliances lead (Ana Diaz) and CPO (Carl Po)".
    pub reached: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// How the sweep marks a ladder step's entry.
pub(super) fn step_mark(step: u8) -> String {
    format!("step:{step}")
}

/// The highest ladder step recorded in `marks`, 0 for none.
pub(super) fn step_taken(marks: impl IntoIterator<Item = impl AsRef<str>>) -> u8 {
    marks
        .into_iter()
        .filter_map(|m| m.as_ref().strip_prefix("step:")?.parse().ok())
        .max()
        .unwrap_or(0)
}

/// The latest ladder step among a case's entries.
fn ladder_step(entries: &[EntryRow]) -> Option<LadderStep> {
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::Escalated.as_str())
        .filter_map(|e| {
            let step = step_taken(e.sweep_mark.as_deref());
            (step > 0).then(|| LadderStep {
                step,
                reached: e.body.clone(),
                at: e.at,
            })
        })
        .max_by_key(|s| s.step)
}

/// A case as the partner's people see it: who owns it and when we owe an answer, without
/// clock states, breaches, the escalation ladder or internal fields.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerCaseView {
    pub id: Uuid,
    pub reference: String,
    /// Our person who owns the case; empty while nobody does.
    pub owner_name: String,
    /// When our first response is (or was) due; absent while the clock is paused.
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_response_due_at: Option<OffsetDateTime>,
    /// When the resolution is (or was) due; absent while waiting on the partner.
    #[serde(with = "time::serde::rfc3339::option")]
    pub resolution_due_at: Option<OffsetDateTime>,
    pub issue: String,
    pub category: Category,
    pub urgency: Urgency,
    #[serde(with = "domain::day_json")]
    pub occurred_on: Date,
    pub state: State,
    /// A channel-conflict case about one of the partner's registrations: that registration.
    pub deal_id: Option<Uuid>,
    /// A resolved channel-conflict case: how the conflict ended (never who the other party
    /// was).
    pub conflict_outcome: Option<Outcome>,
    pub version: i64,
    /// A resolved case read alone (not in lists): when it closes by itself unless the
    /// partner confirms or answers first.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closes_by_itself_at: Option<OffsetDateTime>,
    /// The moves the partner may make now (confirm or reopen a resolved case).
    pub moves: Vec<Transition>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// One line of the log as our people see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: Uuid,
    pub kind: EntryKind,
    pub body: String,
    /// A state change: the state entered.
    pub state: Option<State>,
    #[serde(with = "domain::day_json::option")]
    pub due_on: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    pub author: String,
    pub visible_to_partner: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// One line of the log as the partner sees it (internal notes are never read for them).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerEntryView {
    pub id: Uuid,
    pub kind: EntryKind,
    pub body: String,
    pub state: Option<State>,
    #[serde(with = "domain::day_json::option")]
    pub due_on: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    pub author: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    /// Whether the reader works the case (moves it, writes to the partner on it), or only
    /// reads it and writes internal notes.
    pub works: bool,
    pub case: CaseView,
    pub entries: Vec<EntryView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerCaseDetail {
    pub case: PartnerCaseView,
    pub entries: Vec<PartnerEntryView>,
}

/// A case as the asking side sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Escalation {
    Ours(CaseDetail),
    Partners(PartnerCaseDetail),
}

/// A page of cases as the asking side sees them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Escalations {
    Ours(Page<CaseView>),
    Partners(Page<PartnerCaseView>),
}

pub(super) fn corrupt(what: &str, value: &str) -> Error {
    Error::Store(store::Error::Corrupt(format!(
        "escalation {what} '{value}'"
    )))
}

pub(super) fn state_of(row: &CaseRow) -> Result<State> {
    State::parse(&row.state).ok_or_else(|| corrupt("state", &row.state))
}

pub(super) fn side_of(actor: &Actor) -> Side {
    if actor.is_internal() {
        Side::Internal
    } else {
        Side::Partner
    }
}

pub(super) fn calendar(program: &Program) -> Result<BusinessCalendar> {
    BusinessCalendar::from_hours(&program.policies.business_hours)
        .ok_or_else(|| corrupt("business hours", &program.policies.business_hours.time_zone))
}

/// The state changes of a case's log, for its clocks.
fn changes(entries: &[EntryRow]) -> Result<Vec<StateChange>> {
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::StateChange.as_str())
        .map(|e| {
            let state = e.state.as_deref().unwrap_or_default();
            Ok(StateChange {
                at: e.at,
                to: State::parse(state).ok_or_else(|| corrupt("state", state))?,
            })
        })
        .collect()
}

/// The entries of one case among several cases' (`store::escalations::state_changes`).
pub(super) fn entries_of(all: &[EntryRow], case_id: Uuid) -> Vec<EntryRow> {
    all.iter()
        .filter(|c| c.case_id == case_id)
        .cloned()
        .collect()
}

/// The state changes of one case among several cases'.
pub(super) fn changes_of(all: &[EntryRow], case_id: Uuid) -> Result<Vec<StateChange>> {
    changes(&entries_of(all, case_id))
}

/// Names of the people and partners a set of views mentions, read once.
#[derive(Default)]
pub(super) struct Names {
    pub users: HashMap<Uuid, String>,
    pub partners: HashMap<Uuid, String>,
}

impl Names {
    pub async fn load(tx: &mut store::Read, users: &[Uuid], partners: &[Uuid]) -> Result<Names> {
        let mut names = Names::default();
        for id in users {
            if !names.users.contains_key(id) {
                let user = store::users::get(tx, *id).await?;
                names
                    .users
                    .insert(*id, user.map(|u| u.name).unwrap_or_default());
            }
        }
        for partner in store::partners::get_many(tx, partners).await? {
            names.partners.insert(partner.id, partner.display_name);
        }
        Ok(names)
    }

    fn user(&self, id: Option<Uuid>) -> String {
        id.and_then(|id| self.users.get(&id).cloned())
            .unwrap_or_else(|| "PartnerOS".into())
    }
}

/// Who raised a case a registration's conflict check opened: the check, whoever registered
/// (a partner's person, an import) and whoever the row names (a migrated case names the
/// registering person or the partner's manager), so every such case reads the same.
pub const CONFLICT_CHECK: &str = "PartnerOS conflict check";

fn raised_by(row: &CaseRow, names: &Names) -> String {
    if row.deal_id.is_some() {
        CONFLICT_CHECK.into()
    } else {
        names.user(Some(row.submitted_by))
    }
}

/// A case with its clocks and ladder step derived from `entries` (its log, or at least its
/// state changes and escalation steps).
pub(super) fn case_view(
    row: &CaseRow,
    entries: &[EntryRow],
    program: &Program,
    calendar: &BusinessCalendar,
    names: &Names,
    now: OffsetDateTime,
) -> Result<CaseView> {
    let state = state_of(row)?;
    let urgency = Urgency::parse(&row.urgency).ok_or_else(|| corrupt("urgency", &row.urgency))?;
    let sla = escalations::sla_view(
        row.created_at,
        urgency,
        &changes(entries)?,
        &program.policies.slas,
        calendar,
        now,
    );
    let clock = |s| {
        let (state, due_at) = escalations::clock(s);
        ClockView { state, due_at }
    };
    Ok(CaseView {
        id: row.id,
        reference: escalations::reference(row.number),
        partner_id: row.partner_id,
        partner_name: names
            .partners
            .get(&row.partner_id)
            .cloned()
            .unwrap_or_default(),
        submitted_by: raised_by(row, names),
        owner_id: row.owner_id,
        owner_name: row
            .owner_id
            .map(|o| names.user(Some(o)))
            .unwrap_or_default(),
        issue: row.issue.clone(),
        category: Category::parse(&row.category)
            .ok_or_else(|| corrupt("category", &row.category))?,
        urgency,
        occurred_on: row.occurred_on,
        state,
        deal_id: row.deal_id,
        conflict_outcome: outcome_of(row)?,
        version: row.version,
        first_response: clock(&sla.response),
        resolution: clock(&sla.resolution),
        breached: sla.breached,
        escalation: ladder_step(entries),
        closes_by_itself_at: None,
        moves: state.moves(Side::Internal),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The recorded outcome of a channel-conflict case.
fn outcome_of(row: &CaseRow) -> Result<Option<Outcome>> {
    row.conflict_outcome
        .as_deref()
        .map(|o| Outcome::parse(o).ok_or_else(|| corrupt("conflict_outcome", o)))
        .transpose()
}

/// The partner shape of a case, projected from ours so both read the same owner and due
/// instants.
pub(super) fn partner_case_view(case: CaseView) -> PartnerCaseView {
    PartnerCaseView {
        id: case.id,
        reference: case.reference,
        owner_name: case.owner_name,
        first_response_due_at: case.first_response.due_at,
        resolution_due_at: case.resolution.due_at,
        issue: case.issue,
        category: case.category,
        urgency: case.urgency,
        occurred_on: case.occurred_on,
        state: case.state,
        deal_id: case.deal_id,
        conflict_outcome: case.conflict_outcome,
        version: case.version,
        closes_by_itself_at: case.closes_by_itself_at,
        moves: case.state.moves(Side::Partner),
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

pub(super) fn entry_view(row: &EntryRow, names: &Names) -> Result<EntryView> {
    Ok(EntryView {
        id: row.id,
        kind: EntryKind::parse(&row.kind).ok_or_else(|| corrupt("entry kind", &row.kind))?,
        body: row.body.clone(),
        state: row.state.as_deref().and_then(State::parse),
        due_on: row.due_on,
        done_at: row.done_at,
        author: names.user(row.author_id),
        visible_to_partner: row.visible_to_partner,
        at: row.at,
    })
}

pub(super) fn partner_entry_view(row: &EntryRow, names: &Names) -> Result<PartnerEntryView> {
    let entry = entry_view(row, names)?;
    Ok(PartnerEntryView {
        id: entry.id,
        kind: entry.kind,
        body: entry.body,
        state: entry.state,
        due_on: entry.due_on,
        done_at: entry.done_at,
        author: entry.author,
        at: entry.at,
    })
}
