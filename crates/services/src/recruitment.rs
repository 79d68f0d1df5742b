//! Qualifying partners and prospects: Ideal Partner Profile assessments (the latest one's
//! score is the partner's IPP score from its day on, and a red flag in it blocks upgrades until
//! overridden with a reason) and 3C/4C evaluations, kept as history, shareable with the
//! partner.

use domain::permissions::Action;
use domain::program::ipp::{IppInput, IppResult, ipp_fit};
use domain::program::scoring_3c4c::{self, Band, EvaluationFields, EvaluationInput};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::{corrupt, internal};
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// One IPP assessment with its computed fit.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct IppAssessment {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub result: IppResult,
    pub notes: String,
    pub program_version: i64,
    pub assessed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Why its red flags no longer block upgrades ('' = they do, if it has any).
    pub red_flag_override: String,
    pub red_flag_overridden_by: String,
}

impl IppAssessment {
    fn of(row: store::recruitment::IppRow) -> Result<Self> {
        Ok(IppAssessment {
            id: row.id,
            partner_id: row.partner_id,
            result: serde_json::from_str(&row.result).map_err(|e| corrupt("IPP result", e))?,
            notes: row.notes,
            program_version: row.program_version,
            assessed_by: row.created_by_label,
            created_at: row.created_at,
            red_flag_override: row.red_flag_override,
            red_flag_overridden_by: row.red_flag_overridden_by,
        })
    }

    /// A red flag stands in the way of upgrades until someone overrides it.
    pub fn may_override(&self) -> bool {
        !self.result.red_flags.is_empty() && self.red_flag_override.is_empty()
    }
}

/// One 3C/4C evaluation.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Evaluation3c4c {
    pub id: Uuid,
    pub partner_id: Uuid,
    #[serde(flatten)]
    pub fields: EvaluationFields,
    /// Weighted 0–5.
    pub score: String,
    pub band: Band,
    pub program_version: i64,
    pub evaluated_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

fn to_evaluation(row: store::recruitment::Evaluation3c4cRow) -> Result<Evaluation3c4c> {
    let score = |n: i64| u8::try_from(n).map_err(|e| corrupt("3C/4C score", e));
    Ok(Evaluation3c4c {
        id: row.id,
        partner_id: row.partner_id,
        fields: EvaluationFields {
            scores: scoring_3c4c::Scores {
                capacity: score(row.capacity)?,
                capability: score(row.capability)?,
                commitment: score(row.commitment)?,
                customers: row.customers.map(score).transpose()?,
            },
            capacity_notes: row.capacity_notes,
            capability_notes: row.capability_notes,
            commitment_notes: row.commitment_notes,
            customers_notes: row.customers_notes,
            summary: row.summary,
            action_plan: row.action_plan,
            shared: row.shared,
        },
        score: row.score,
        band: serde_json::from_value(serde_json::Value::String(row.band))
            .map_err(|e| corrupt("3C/4C band", e))?,
        program_version: row.program_version,
        evaluated_by: row.created_by_label,
        created_at: row.created_at,
    })
}

fn require_editor(actor: &Actor) -> Result<()> {
    actor.require(Action::RunTierProgram)
}

impl Services {
    /// A partner's IPP assessments, newest first. Internal users only: assessments name red
    /// flags the partner is not meant to read.
    pub async fn ipp_assessments(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: &PageRequest<(OffsetDateTime, Uuid)>,
    ) -> Result<Page<IppAssessment>> {
        self.get_partner(actor, partner_id).await?;
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let rows =
            store::recruitment::ipp_for_partner_before(&mut tx, partner_id, page.after, page.limit)
                .await?;
        drop(tx);
        page.page(rows, |row| (row.created_at, row.id))
            .try_map(IppAssessment::of)
    }

    /// Scores a partner (or prospect) against the Ideal Partner Profile of the program in
    /// force. The tier engine reads the latest assessment's score (rounded) as the partner's
    /// IPP score from its day on (`facts::sources`); nothing is copied into the typed facts.
    pub async fn assess_ipp(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &IppInput,
    ) -> Result<IppAssessment> {
        self.get_partner(actor, partner_id).await?;
        require_editor(actor)?;
        let (version, program) = self.program_in_force().await?;
        let (answers, notes) = input.validate(&program.ipp).map_err(Error::Invalid)?;
        let result = ipp_fit(&program.ipp, &answers);
        let now = store::now();
        let mut tx = self.db.write().await?;
        let row = store::recruitment::IppRow {
            id: Uuid::now_v7(),
            partner_id,
            answers: serde_json::to_string(&answers).map_err(|e| internal("IPP answers", e))?,
            result: serde_json::to_string(&result).map_err(|e| internal("IPP result", e))?,
            score: result.score.to_string(),
            verdict: serde_json::to_value(result.verdict)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            notes: notes.clone(),
            program_version: version,
            created_by_label: actor.label.clone(),
            created_at: now,
            red_flag_override: String::new(),
            red_flag_overridden_by: String::new(),
        };
        store::recruitment::insert_ipp(&mut tx, &row).await?;
        let mut summary = format!("IPP fit assessed: {} of 100", result.score);
        if !result.reasons.is_empty() {
            summary.push_str(&format!(" — {}", result.reasons.join("; ")));
        }
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "ipp_assessment",
                entity_id: row.id,
                action: "created",
                summary,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(IppAssessment {
            id: row.id,
            partner_id,
            result,
            notes,
            program_version: version,
            assessed_by: actor.label.clone(),
            created_at: now,
            red_flag_override: String::new(),
            red_flag_overridden_by: String::new(),
        })
    }

    /// Lets a partner move up despite the red flags of an assessment, for a reason (a
    /// competitor's unit we partner with anyway, a conflict settled). Once per assessment; a
    /// later assessment with red flags needs its own override.
    pub async fn override_ipp_red_flag(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        reason: &str,
    ) -> Result<IppAssessment> {
        require_editor(actor)?;
        let mut v = domain::Validation::new();
        let reason = v.text("reason", reason, true, 2_000);
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let row = store::recruitment::ipp_by_id(&mut tx, assessment_id)
            .await?
            .ok_or(Error::NotFound)?;
        let mut assessment = IppAssessment::of(row)?;
        if assessment.result.red_flags.is_empty() {
            return Err(Error::Conflict(
                "this assessment found no red flag to override".into(),
            ));
        }
        store::recruitment::override_red_flag(&mut tx, assessment_id, &reason, &actor.label)
            .await?;
        let flags: Vec<&str> = assessment
            .result
            .red_flags
            .iter()
            .map(|f| f.label.as_str())
            .collect();
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(assessment.partner_id),
                entity_type: "ipp_assessment",
                entity_id: assessment_id,
                action: "red_flag_overridden",
                summary: format!(
                    "IPP red flag of {} overridden ({}): {reason}",
                    assessment.created_at.date(),
                    flags.join(", ")
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        assessment.red_flag_override = reason;
        assessment.red_flag_overridden_by = actor.label.clone();
        Ok(assessment)
    }

    /// A partner's 3C/4C evaluations, newest first; the partner's own users see only those
    /// shared with them.
    pub async fn evaluations_3c4c(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: &PageRequest<(OffsetDateTime, Uuid)>,
    ) -> Result<Page<Evaluation3c4c>> {
        self.get_partner(actor, partner_id).await?;
        let mut tx = self.db.read().await?;
        let rows = store::recruitment::evaluations_for_partner(
            &mut tx,
            partner_id,
            !actor.is_internal(),
            page.after,
            page.limit,
        )
        .await?;
        drop(tx);
        page.page(rows, |row| (row.created_at, row.id))
            .try_map(|row| {
                let mut evaluation = to_evaluation(row)?;
                evaluation.evaluated_by = crate::names::ours(actor, evaluation.evaluated_by);
                Ok(evaluation)
            })
    }

    pub async fn evaluate_3c4c(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &EvaluationInput,
    ) -> Result<Evaluation3c4c> {
        self.get_partner(actor, partner_id).await?;
        require_editor(actor)?;
        let fields = input.validate().map_err(Error::Invalid)?;
        let (version, program) = self.program_in_force().await?;
        let outcome = scoring_3c4c::score(&program.scoring_3c4c, &fields.scores);
        let now = store::now();
        let s = &fields.scores;
        let row = store::recruitment::Evaluation3c4cRow {
            id: Uuid::now_v7(),
            partner_id,
            capacity: s.capacity.into(),
            capability: s.capability.into(),
            commitment: s.commitment.into(),
            customers: s.customers.map(i64::from),
            capacity_notes: fields.capacity_notes.clone(),
            capability_notes: fields.capability_notes.clone(),
            commitment_notes: fields.commitment_notes.clone(),
            customers_notes: fields.customers_notes.clone(),
            summary: fields.summary.clone(),
            action_plan: fields.action_plan.clone(),
            score: outcome.score.to_string(),
            band: serde_json::to_value(outcome.band)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            shared: fields.shared,
            program_version: version,
            created_by_label: actor.label.clone(),
            created_at: now,
        };
        let mut tx = self.db.write().await?;
        store::recruitment::insert_evaluation(&mut tx, &row).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "evaluation_3c4c",
                entity_id: row.id,
                action: "created",
                summary: format!(
                    "{} evaluation: {} of 5, {}{}",
                    if s.customers.is_some() { "4C" } else { "3C" },
                    outcome.score,
                    outcome.band.label(),
                    if fields.shared {
                        " (shared with the partner)"
                    } else {
                        ""
                    }
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        if row.shared {
            // The partner's timeline shows the sharing, never the creation.
            record(&mut tx, actor, now, sharing_change(&row)).await?;
        }
        tx.commit().await?;
        to_evaluation(row)
    }

    /// Shares an evaluation with the partner's users (read-only) or stops sharing it.
    pub async fn share_3c4c(
        &self,
        actor: &Actor,
        id: Uuid,
        shared: bool,
    ) -> Result<Evaluation3c4c> {
        require_editor(actor)?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let mut row = store::recruitment::get_evaluation(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        if row.shared != shared {
            store::recruitment::set_shared(&mut tx, id, shared).await?;
            row.shared = shared;
            record(&mut tx, actor, now, sharing_change(&row)).await?;
        }
        tx.commit().await?;
        to_evaluation(row)
    }
}

/// The event of an evaluation's sharing starting or ending, as its partner may read it.
fn sharing_change(row: &store::recruitment::Evaluation3c4cRow) -> Change<'static> {
    Change {
        partner_id: Some(row.partner_id),
        entity_type: "evaluation_3c4c",
        entity_id: row.id,
        action: if row.shared { "shared" } else { "unshared" },
        summary: format!(
            "3C/4C evaluation of {} {}",
            row.created_at.date(),
            if row.shared {
                "shared with the partner"
            } else {
                "no longer shared"
            }
        ),
        before: None,
        after: None,
    }
}
