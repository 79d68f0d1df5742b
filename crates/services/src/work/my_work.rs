//! "My work": every open item assigned to the person or in one of their teams' queues, and
//! the escalation cases they own, most urgent first (the earliest due instant; clocks
//! paused while waiting on a partner last), filtered and paged.

use std::collections::HashMap;

use domain::alignment::SlaState;
use domain::escalations::{ClockState, State, StateChange, clock, sla_view};
use domain::permissions::Action;
use domain::program::Program;
use domain::validation::Choice;
use domain::work::WorkKind;
use time::OffsetDateTime;
use uuid::Uuid;

use super::views::{MyWorkEntry, calendar, sla_of};
use crate::paging::{Page, PageRequest, check};
use crate::{Actor, Error, Result, Services};

/// "My work" as the filter form or a client sends it; every filter may be empty.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MyWorkQuery {
    /// mine (assigned to me, and cases I own) or teams (my teams' queues); empty for both.
    pub scope: String,
    /// onboarding, deal_registration, lead_handoff or escalation.
    pub kind: String,
    /// on_track, due_soon, breached or paused.
    pub sla: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

const ESCALATION: &str = "escalation";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Both,
    Mine,
    Teams,
}

/// An entry before names are read: its sort key and what the page shows.
struct Found {
    entry: MyWorkEntry,
    partner_id: Uuid,
}

/// Earliest due first; a paused clock (no due instant) after every running one.
fn sort_key(entry: &MyWorkEntry) -> (i64, Uuid) {
    let due = entry
        .due_at
        .map_or(i64::MAX, |d| (d.unix_timestamp_nanos() / 1_000) as i64);
    (due, entry.id)
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
            other => {
                v.add("scope", format!("'{other}' is not one of: mine, teams"));
                Scope::Both
            }
        };
        let kind = match query.kind.trim() {
            "" => None,
            ESCALATION => Some(ESCALATION.to_owned()),
            other => v
                .choice::<WorkKind>("kind", other)
                .map(|k| k.as_str().to_owned()),
        };
        let sla = match query.sla.trim() {
            "" => None,
            other => v.choice::<ClockState>("sla", other),
        };
        let page: PageRequest<(i64, Uuid)> = check(&mut v, &query.cursor, query.limit);
        v.into_result().map_err(Error::Invalid)?;

        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let mut tx = self.db.read().await?;
        let mut found = Vec::new();
        if kind.as_deref() != Some(ESCALATION) {
            let teams: Vec<String> = match scope {
                Scope::Mine => Vec::new(),
                _ => crate::teams::actor_teams(&mut tx, actor)
                    .await?
                    .iter()
                    .map(|t| t.key().to_owned())
                    .collect(),
            };
            let calendar = calendar(&program)?;
            for row in store::work::open_for(&mut tx, me, &teams).await? {
                let mine = row.assignee_id == Some(me);
                let in_scope = match scope {
                    Scope::Both => true,
                    Scope::Mine => mine,
                    Scope::Teams => teams.contains(&row.team),
                };
                if !in_scope || kind.as_ref().is_some_and(|k| *k != row.kind) {
                    continue;
                }
                let (state, due_at) = sla_of(&row, &program, &calendar, now)?;
                let kind = super::views::kind_of(&row)?;
                found.push(Found {
                    partner_id: row.partner_id,
                    entry: MyWorkEntry {
                        id: row.id,
                        kind: kind.as_str().into(),
                        kind_label: kind.label().into(),
                        title: row.title,
                        partner_name: String::new(),
                        queue: row.team,
                        assigned_to_me: mine,
                        due_at,
                        sla: state,
                        link: format!("/work/{}", row.id),
                    },
                });
            }
        }
        if scope != Scope::Teams && kind.as_deref().is_none_or(|k| k == ESCALATION) {
            found.extend(owned_cases(&mut tx, &program, me, now).await?);
        }
        found.retain(|f| sla.is_none_or(|s| f.entry.sla == s));
        found.sort_by_key(|f| sort_key(&f.entry));
        let mut shown: Vec<Found> = found
            .into_iter()
            .filter(|f| page.after.is_none_or(|after| sort_key(&f.entry) > after))
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .collect();
        let partners: Vec<Uuid> = shown.iter().map(|f| f.partner_id).collect();
        let names: HashMap<Uuid, String> = store::partners::get_many(&mut tx, &partners)
            .await?
            .into_iter()
            .map(|p| (p.id, p.display_name))
            .collect();
        for f in &mut shown {
            f.entry.partner_name = names.get(&f.partner_id).cloned().unwrap_or_default();
        }
        let entries = shown.into_iter().map(|f| f.entry).collect();
        Ok(page.page(entries, sort_key))
    }
}

/// The open escalation cases `me` owns, each with the clock that runs now: the first
/// response until it is sent, then the resolution.
async fn owned_cases(
    tx: &mut store::Read,
    program: &Program,
    me: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Found>> {
    const BATCH: i64 = 500;
    let open: Vec<String> = State::ALL
        .iter()
        .filter(|s| **s != State::Closed)
        .map(|s| s.as_str().to_owned())
        .collect();
    let filter = store::escalations::CaseFilter {
        states: open,
        ..Default::default()
    };
    let mut owned = Vec::new();
    let mut before = None;
    loop {
        let rows = store::escalations::cases(tx, &filter, before, BATCH).await?;
        before = rows.last().map(|r| r.id);
        let last = (rows.len() as i64) < BATCH;
        owned.extend(rows.into_iter().filter(|r| r.owner_id == Some(me)));
        if last {
            break;
        }
    }
    let ids: Vec<Uuid> = owned.iter().map(|r| r.id).collect();
    let entries = store::escalations::state_changes(tx, &ids).await?;
    let calendar = calendar(program)?;
    let mut found = Vec::with_capacity(owned.len());
    for case in owned {
        let changes: Vec<StateChange> = entries
            .iter()
            .filter(|e| e.case_id == case.id)
            .filter_map(|e| {
                Some(StateChange {
                    at: e.at,
                    to: State::parse(e.state.as_deref()?)?,
                })
            })
            .collect();
        let urgency = domain::escalations::Urgency::parse(&case.urgency).ok_or_else(|| {
            Error::Store(store::Error::Internal(format!(
                "escalation case {} has urgency '{}'",
                case.id, case.urgency
            )))
        })?;
        let view = sla_view(
            case.created_at,
            urgency,
            &changes,
            &program.policies.slas,
            &calendar,
            now,
        );
        let running = if matches!(view.response, SlaState::Met { .. }) {
            view.resolution
        } else {
            view.response
        };
        let (state, due_at) = clock(&running);
        found.push(Found {
            partner_id: case.partner_id,
            entry: MyWorkEntry {
                id: case.id,
                kind: ESCALATION.into(),
                kind_label: "Escalation case".into(),
                title: format!(
                    "{}: {}",
                    domain::escalations::reference(case.number),
                    case.issue.chars().take(80).collect::<String>()
                ),
                partner_name: String::new(),
                queue: "owner".into(),
                assigned_to_me: true,
                due_at,
                sla: state,
                link: format!("/escalations/{}", case.id),
            },
        });
    }
    Ok(found)
}
