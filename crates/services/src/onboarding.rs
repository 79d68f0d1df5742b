//! Onboarding checklists: created from the program's template when a partner enters
//! onboarding (`partners::start_onboarding`, part of the stage change); items ticked by their owners (our teams, or the partner's own people for
//! "partner" items); items the system observes show as done by themselves; 30/60/90-day
//! health checks recorded by partner managers.

use domain::permissions::Action;
use domain::program::onboarding::{self, Observed};
use uuid::Uuid;

use crate::{Actor, Change, Error, Result, Services, record, require};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChecklistItemView {
    pub id: Uuid,
    pub key: String,
    pub phase: String,
    /// The enablement roadmap stage: Day 0, Week 1, Month 1, Month 2 or Q1–Q2.
    pub stage: String,
    pub title: String,
    /// A team (sales, marketing, product, finance, legal, customer_success, partner_manager,
    /// executive) or "partner".
    pub owner: String,
    pub due_on: String,
    /// none, file or link
    pub evidence_kind: String,
    pub evidence: String,
    pub done: bool,
    /// Done because the system observed it (e.g. a sales certification on record).
    pub observed: bool,
    pub done_by: Option<String>,
    pub overdue: bool,
    /// Whether the asking user may tick or untick it.
    pub can_tick: bool,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HealthCheckView {
    pub day: i64,
    /// on_track, at_risk or off_track
    pub status: String,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Checklist {
    pub items: Vec<ChecklistItemView>,
    pub open: usize,
    pub overdue: usize,
    /// Open items the partner's own people are to do.
    pub waiting_on_partner: usize,
    pub health_checks: Vec<HealthCheckView>,
    /// Health-check days (after the start) due and not recorded yet.
    pub health_checks_due: Vec<u32>,
}

pub const HEALTH_STATUSES: [&str; 3] = ["on_track", "at_risk", "off_track"];

impl Services {
    /// A partner's onboarding checklist (empty until it enters onboarding).
    pub async fn onboarding_checklist(&self, actor: &Actor, partner_id: Uuid) -> Result<Checklist> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::onboarding::items(&mut tx, partner_id).await?;
        let checks = store::onboarding::health_checks(&mut tx, partner_id).await?;
        let observed_items =
            observed_complete(&mut tx, &program, partner_id, &rows, actor.today()).await?;
        let names = crate::names::Names::load(&mut tx, actor, partner_id).await?;
        let teams = crate::teams::actor_teams(&mut tx, actor).await?;
        drop(tx);
        let today = actor.today();
        let start = rows.iter().map(|i| i.due_on).min();
        let items: Vec<ChecklistItemView> = rows
            .into_iter()
            .map(|row| {
                let observed = observed_items.contains(&row.id);
                let done = row.done_at.is_some() || observed;
                let due = row.due_on;
                ChecklistItemView {
                    stage: start
                        .map(|s| onboarding::roadmap_stage((due - s).whole_days()))
                        .unwrap_or("Day 0")
                        .to_owned(),
                    can_tick: domain::permissions::may_tick_onboarding_item(
                        actor.role, &row.owner, &teams,
                    ) && !observed,
                    overdue: !done && today > due,
                    id: row.id,
                    key: row.key,
                    phase: row.phase,
                    title: row.title,
                    owner: row.owner,
                    due_on: due.to_string(),
                    evidence_kind: row.evidence_kind,
                    // An observed item links to what the system saw.
                    evidence: match row.completes_when.as_deref().and_then(Observed::parse) {
                        Some(kind) if observed => match kind {
                            Observed::FirstDealRegistered | Observed::FirstDealWon => {
                                format!("/deals?partner={partner_id}")
                            }
                            Observed::SalesCertificationEarned => {
                                format!("/partners/{partner_id}/enablement")
                            }
                            Observed::FirstQbrScheduled => {
                                format!("/partners/{partner_id}/tier")
                            }
                        },
                        _ => row.evidence,
                    },
                    done,
                    observed,
                    done_by: if observed {
                        Some("observed".into())
                    } else {
                        row.done_by.map(|who| names.show(who))
                    },
                }
            })
            .collect();
        let recorded: Vec<u32> = checks
            .iter()
            .filter_map(|c| u32::try_from(c.day).ok())
            .collect();
        Ok(Checklist {
            open: items.iter().filter(|i| !i.done).count(),
            waiting_on_partner: items
                .iter()
                .filter(|i| !i.done && i.owner == "partner")
                .count(),
            overdue: items.iter().filter(|i| i.overdue).count(),
            health_checks_due: start
                .filter(|_| actor.is_internal())
                .map(|s| onboarding::health_checks_due(&program.onboarding, s, today, &recorded))
                .unwrap_or_default(),
            // Health checks are our judgement of the partner: never part of its own view.
            health_checks: checks
                .into_iter()
                .filter(|_| actor.is_internal())
                .map(|c| HealthCheckView {
                    day: c.day,
                    status: c.status,
                    note: c.note,
                    recorded_by: c.recorded_by,
                })
                .collect(),
            items,
        })
    }

    /// Ticks (or unticks) an item. Partner users tick their own "partner" items, members of
    /// a team that team's items; admins and partner managers tick any.
    pub async fn tick_onboarding_item(
        &self,
        actor: &Actor,
        item_id: Uuid,
        done: bool,
        evidence: &str,
    ) -> Result<()> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let item = store::onboarding::item(&mut tx, item_id)
            .await?
            .ok_or(Error::NotFound)?;
        if !actor.sees_partner(item.partner_id) {
            return Err(Error::NotFound);
        }
        let teams = crate::teams::actor_teams(&mut tx, actor).await?;
        require(
            domain::permissions::may_tick_onboarding_item(actor.role, &item.owner, &teams),
            &format!(
                "this item is ticked by its owner ({}), by partner managers or by administrators",
                domain::teams::parse(&item.owner).map_or(
                    "the partner's own people".to_owned(),
                    |team| format!("members of the {} team", domain::teams::label(team))
                )
            ),
        )?;
        // What the system observes (certifications held, a first joint win) is never claimed.
        require(
            item.completes_when.is_none(),
            "this item is ticked by the system when it sees the records behind it",
        )?;
        if done == item.done_at.is_some() {
            return Err(Error::Conflict(format!(
                "'{}' is already {}",
                item.title,
                if done { "done" } else { "open" }
            )));
        }
        let mut v = domain::Validation::new();
        let evidence = if item.evidence_kind == "link" {
            v.link("evidence", evidence, false, 2_000)
        } else {
            v.text("evidence", evidence, false, 2_000)
        };
        if done && item.evidence_kind != "none" && evidence.is_empty() {
            v.add(
                "evidence",
                format!("this item needs a {} as evidence", item.evidence_kind),
            );
        }
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let by = actor.label.clone();
        store::onboarding::set_done(
            &mut tx,
            item_id,
            done.then_some((now, by.as_str())),
            &evidence,
            item.done_at,
        )
        .await?;
        // The tick finishes the team's work; unticking gives it back, its clock started anew.
        if done {
            crate::work::close_onboarding_work(&mut tx, item_id, now, &by).await?;
        } else {
            crate::work::open_onboarding_work(&mut tx, &program, &item, now).await?;
        }
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(item.partner_id),
                entity_type: "onboarding_item",
                entity_id: item_id,
                action: if done { "done" } else { "reopened" },
                summary: format!(
                    "Onboarding: {} {}",
                    item.title,
                    if done { "done" } else { "reopened" }
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await.map_err(Error::from)
    }

    /// Records a 30/60/90-day health check. Admins and partner managers only.
    pub async fn record_health_check(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        day: u32,
        status: &str,
        note: &str,
    ) -> Result<()> {
        self.get_partner(actor, partner_id).await?;
        actor.require(Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let mut v = domain::Validation::new();
        if !program.onboarding.health_check_days.contains(&day) {
            v.add(
                "day",
                format!(
                    "day {day} is not a health check of the program ({:?})",
                    program.onboarding.health_check_days
                ),
            );
        }
        if !HEALTH_STATUSES.contains(&status) {
            v.add(
                "status",
                format!("'{status}' is not one of: on_track, at_risk, off_track"),
            );
        }
        let note = v.text("note", note, status != "on_track", 2_000);
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        if !store::onboarding::insert_health_check(
            &mut tx,
            partner_id,
            day.into(),
            status,
            &note,
            &actor.label,
            now,
        )
        .await?
        {
            return Err(Error::Conflict(format!(
                "the day-{day} health check is recorded already"
            )));
        }
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "onboarding",
                entity_id: partner_id,
                action: "health_check",
                summary: format!(
                    "Day-{day} health check: {}{}",
                    status.replace('_', " "),
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {note}")
                    }
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The ids of a partner's onboarding items (`rows`, its whole checklist) not ticked but done
/// because the system observes them on `day` (a sales certification on record, a QBR, a deal
/// registered or won): the one notion of "done (observed)", read by the checklist and by the
/// weekly standup pack's overdue items.
pub(crate) async fn observed_complete(
    tx: &mut store::Read,
    program: &domain::program::Program,
    partner_id: Uuid,
    rows: &[store::onboarding::ItemRow],
    day: time::Date,
) -> Result<std::collections::HashSet<Uuid>> {
    if rows
        .iter()
        .all(|r| r.done_at.is_some() || r.completes_when.is_none())
    {
        return Ok(std::collections::HashSet::new());
    }
    let records = crate::facts::sources::PartnerRecords::certified_only(tx, partner_id).await?;
    let facts = store::facts::history(tx, partner_id).await?;
    let deals = store::deals::counts(tx, partner_id).await?;
    let start = rows.iter().map(|i| i.due_on).min();
    let observations = {
        let gate = domain::program::policy::Gate {
            action: domain::program::policy::GatedAction::DealRegistration,
            min_people: 1,
            track: Some(domain::program::certifications::Track::Sales),
            min_level: None,
        };
        let since = start
            .map(|s| domain::quarter::Quarter::containing(s).to_string())
            .unwrap_or_default();
        onboarding::ObservedFacts {
            // The registration gate's own reading of who is certified.
            sales_certified: domain::enablement::gate_status(
                &gate,
                records.certified(day),
                &program.certifications,
                day,
            )
            .is_ok(),
            qbrs: facts
                .iter()
                .filter(|q| q.quarter >= since)
                .map(|q| u64::try_from(q.qbrs).unwrap_or(0))
                .sum(),
            deals_registered: u64::try_from(deals.registered).unwrap_or(0),
            deals_won: u64::try_from(deals.won).unwrap_or(0),
        }
    };
    Ok(rows
        .iter()
        .filter(|row| {
            row.done_at.is_none()
                && row
                    .completes_when
                    .as_deref()
                    .and_then(Observed::parse)
                    .is_some_and(|kind| onboarding::observed_complete(kind, &observations))
        })
        .map(|row| row.id)
        .collect())
}
