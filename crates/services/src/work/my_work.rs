//! "My work": every open item assigned to the person or in one of their teams' queues, and
//! what they own elsewhere (escalation cases, their remediation actions, meetings' action
//! items), the cases the escalation ladder brought to them, most urgent first (breached, due
//! soon, on track, then paused; within each the earliest due, an escalation's urgency only
//! breaking ties), filtered and paged.

use std::collections::HashMap;

use domain::escalations::ClockState;
use domain::permissions::Action;
use domain::validation::Choice;
use domain::work::{EntryKind, urgency_order};
use uuid::Uuid;

use super::owned::{escalated_cases, owned_work};
use super::views::{Found, MyWorkEntry, calendar, checklist_days, kind_of, queue_label, sla_of};
use crate::paging::{Page, PageRequest, check};
use crate::{Actor, Error, Result, Services};

/// "My work" as the filter form or a client sends it; every filter may be empty.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MyWorkQuery {
    /// mine (assigned to me, and what I own), teams (my teams' queues) or escalated (cases
    /// the escalation ladder brought to me); empty for all three.
    pub scope: String,
    /// onboarding, deal_registration, lead_handoff, contract_review, escalation,
    /// meeting_action or remediation.
    pub kind: String,
    /// on_track, due_soon, breached or paused.
    pub sla: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Both,
    Mine,
    Teams,
    Escalated,
}

/// Most urgent first (`domain::work::urgency_order`: the SLA state, the earliest due, then
/// the urgency), then the id: a total order, so keyset pages neither skip nor repeat a line.
fn sort_key(entry: &MyWorkEntry) -> ((u8, i64, u8), Uuid) {
    (
        urgency_order(entry.sla, entry.due_at, entry.urgency),
        entry.id,
    )
}

impl Services {
    pub async fn my_work(&self, actor: &Actor, query: &MyWorkQuery) -> Result<Page<MyWorkEntry>> {
        actor.require(Action::ReadInternal)?;
        let me = actor
            .user_id
            .ok_or_else(|| Error::Forbidden("\"My work\" is a signed-in person's".into()))?;
        let mut v = domain::Validation::new();
        let scope = match query.scope.trim() {
            "" => Scope::Both,
            "mine" => Scope::Mine,
            "teams" => Scope::Teams,
            "escalated" => Scope::Escalated,
            other => {
                v.add(
                    "scope",
                    format!("'{other}' is not one of: mine, teams, escalated"),
                );
                Scope::Both
            }
        };
        let kind = match query.kind.trim() {
            "" => None,
            other => v.choice::<EntryKind>("kind", other),
        };
        let sla = match query.sla.trim() {
            "" => None,
            other => v.choice::<ClockState>("sla", other),
        };
        let page: PageRequest<((u8, i64, u8), Uuid)> = check(&mut v, &query.cursor, query.limit);
        v.into_result().map_err(Error::Invalid)?;

        let (_, program) = self.program_in_force().await?;
        let calendar = calendar(&program)?;
        let now = store::now();
        let mut tx = self.db.read().await?;
        let mut found = Vec::new();
        let teams: Vec<String> = match scope {
            Scope::Mine | Scope::Escalated => Vec::new(),
            _ => crate::teams::actor_teams(&mut tx, actor)
                .await?
                .iter()
                .map(|t| t.key().to_owned())
                .collect(),
        };
        let mut rows = Vec::new();
        let items = match scope {
            Scope::Escalated => Vec::new(),
            _ => store::work::open_for(&mut tx, me, &teams).await?,
        };
        for row in items {
            let in_scope = match scope {
                Scope::Both => true,
                Scope::Mine => row.assignee_id == Some(me),
                Scope::Teams => teams.contains(&row.team),
                Scope::Escalated => false,
            };
            let row_kind = kind_of(&row)?.entry_kind();
            if in_scope && kind.is_none_or(|k| k == row_kind) {
                rows.push(row);
            }
        }
        let days = checklist_days(&mut tx, &rows).await?;
        for row in rows {
            let (state, due_at) = sla_of(&row, &days, &program, &calendar, now)?;
            let item_kind = kind_of(&row)?;
            found.push(Found {
                partner_id: Some(row.partner_id),
                entry: MyWorkEntry {
                    id: row.id,
                    kind: item_kind.entry_kind(),
                    kind_label: item_kind.label().into(),
                    title: row.title,
                    partner_name: String::new(),
                    queue_label: queue_label(&row.team),
                    queue: row.team,
                    assigned_to_me: row.assignee_id == Some(me),
                    due_at,
                    due_on: days.get(&row.source_id).copied(),
                    sla: state,
                    urgency: None,
                    link: format!("/work/{}", row.id),
                },
            });
        }
        if matches!(scope, Scope::Both | Scope::Mine) {
            found.extend(owned_work(&mut tx, &program, &calendar, me, kind, now).await?);
        }
        let escalations = kind.is_none_or(|k| k == EntryKind::Escalation);
        if matches!(scope, Scope::Both | Scope::Escalated) && escalations {
            found.extend(escalated_cases(&mut tx, &program, &calendar, me, now).await?);
        }
        found.retain(|f| sla.is_none_or(|s| f.entry.sla == s));
        found.sort_by_key(|f| sort_key(&f.entry));
        let mut shown: Vec<Found> = found
            .into_iter()
            .filter(|f| page.after.is_none_or(|after| sort_key(&f.entry) > after))
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .collect();
        let partners: Vec<Uuid> = shown.iter().filter_map(|f| f.partner_id).collect();
        let names: HashMap<Uuid, String> = store::partners::get_many(&mut tx, &partners)
            .await?
            .into_iter()
            .map(|p| (p.id, p.display_name))
            .collect();
        for f in &mut shown {
            if let Some(name) = f.partner_id.and_then(|id| names.get(&id)) {
                f.entry.partner_name.clone_from(name);
            }
        }
        let entries = shown.into_iter().map(|f| f.entry).collect();
        Ok(page.page(entries, sort_key))
    }
}
