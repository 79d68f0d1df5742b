//! Conflict cases as partner managers work them: a registration that is not clear opens one
//! at submission (identified); a manager starts investigating and resolves it with a
//! recorded outcome, within the program's SLAs. Cases are internal: partners only ever see
//! their registration's verdict and decision.

use domain::deals::cases::{self, Deadlines, Lateness, Level, Outcome, Stage};
use domain::permissions::Action;
use domain::validation::Choice;
use uuid::Uuid;

use crate::{Actor, Change, Error, Result, Services, record};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub deal_id: Uuid,
    /// The registration's reference (DR-…).
    pub reference: String,
    pub customer_name: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    /// needs_review or already_registered
    pub verdict: String,
    pub stage: Stage,
    pub outcome: Option<Outcome>,
    pub note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub investigating_at: Option<time::OffsetDateTime>,
    pub investigated_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<time::OffsetDateTime>,
    pub resolved_by: Option<String>,
    pub deadlines: Deadlines,
    pub lateness: Lateness,
    /// Who an unresolved case has reached now.
    pub level: Level,
}

/// What a partner manager does with a case.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaseAction {
    /// investigate or resolve
    pub action: String,
    /// When resolving: registration_wins, other_party_wins, co_sell or not_a_conflict.
    pub outcome: String,
    /// Required when resolving: what was found and agreed.
    pub note: String,
}

pub(super) fn stage_of(row: &store::deals::CaseRow) -> Result<Stage> {
    Stage::parse(&row.status).ok_or_else(|| {
        Error::Store(store::Error::Corrupt(format!(
            "conflict case status '{}'",
            row.status
        )))
    })
}

impl Services {
    fn case_view(
        &self,
        slas: &domain::program::policy::Slas,
        case: &store::deals::CaseRow,
        deal: &store::deals::DealRow,
        partner_name: String,
    ) -> Result<CaseView> {
        let stage = stage_of(case)?;
        let deadlines = cases::deadlines(case.created_at, slas);
        let now = store::now();
        Ok(CaseView {
            id: case.id,
            deal_id: deal.id,
            reference: deal.reference.clone(),
            customer_name: deal.customer_name.clone(),
            partner_id: deal.partner_id,
            partner_name,
            verdict: deal.conflict_verdict.clone(),
            stage,
            outcome: Outcome::parse(&case.outcome),
            note: case.note.clone(),
            opened_at: case.created_at,
            investigating_at: case.investigating_at,
            investigated_by: case.investigated_by.clone(),
            resolved_at: case.resolved_at,
            resolved_by: case.resolved_by.clone(),
            deadlines,
            lateness: cases::lateness(stage, &deadlines, now),
            level: cases::escalation_level(stage, &deadlines, now),
        })
    }

    /// The conflict case of a registration (`None` when its check was clear). Internal
    /// users only.
    pub async fn conflict_case(&self, actor: &Actor, deal_id: Uuid) -> Result<Option<CaseView>> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let deal = self.visible_deal(&mut tx, actor, deal_id).await?;
        actor.require(Action::ReadInternal)?;
        let case = store::deals::case_for_deal(&mut tx, deal_id).await?;
        let name = self.partner_name(&mut tx, deal.partner_id).await?;
        drop(tx);
        case.map(|c| self.case_view(&program.policies.slas, &c, &deal, name))
            .transpose()
    }

    /// Starts investigating a case, or resolves it with an outcome and a note. Admins and
    /// partner managers. The registration's own decision stays a separate step.
    pub async fn work_conflict_case(
        &self,
        actor: &Actor,
        deal_id: Uuid,
        input: &CaseAction,
    ) -> Result<CaseView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let deal = self.visible_deal(&mut tx, actor, deal_id).await?;
        actor.require(Action::ManageDeals)?;
        let mut case = store::deals::case_for_deal(&mut tx, deal_id)
            .await?
            .ok_or_else(|| {
                Error::Conflict(format!(
                    "{} has no conflict case: its check was clear",
                    deal.reference
                ))
            })?;
        let read = case.clone();
        let mut v = domain::Validation::new();
        let note = v.text("note", &input.note, false, 2_000);
        let (to, outcome) = match input.action.trim() {
            "investigate" => (Some(Stage::Investigating), None),
            "resolve" => {
                let outcome = v.choice::<Outcome>("outcome", &input.outcome);
                if note.is_empty() {
                    v.add("note", "say what was found and agreed");
                }
                (Some(Stage::Resolved), outcome)
            }
            other => {
                v.add(
                    "action",
                    format!("'{other}' is not one of: investigate, resolve"),
                );
                (None, None)
            }
        };
        v.into_result().map_err(Error::Invalid)?;
        let to = to.expect("validated");
        cases::check_move(stage_of(&case)?, to).map_err(Error::Conflict)?;
        let now = store::now();
        let summary = match outcome {
            None => {
                case.investigating_at = Some(now);
                case.investigated_by = Some(actor.label.clone());
                if !note.is_empty() {
                    case.note = note;
                }
                format!("Conflict case of {}: investigating", deal.reference)
            }
            Some(outcome) => {
                case.outcome = outcome.as_str().into();
                case.note = note;
                case.resolved_at = Some(now);
                case.resolved_by = Some(actor.label.clone());
                format!(
                    "Conflict case of {} resolved: {}",
                    deal.reference,
                    outcome.label()
                )
            }
        };
        case.status = to.as_str().into();
        store::deals::update_case(&mut tx, &case, &read).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(deal.partner_id),
                entity_type: "conflict_case",
                entity_id: case.id,
                action: to.as_str(),
                summary,
                before: None,
                after: None,
            },
        )
        .await?;
        let name = self.partner_name(&mut tx, deal.partner_id).await?;
        tx.commit().await?;
        self.case_view(&program.policies.slas, &case, &deal, name)
    }
}
