//! Ideal Partner Profile assessments and 3C/4C evaluations: append-only history per partner.

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IppRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    /// JSON: the scores and red flags answered.
    pub answers: String,
    /// JSON: the computed result (score, verdict, contributions, reasons).
    pub result: String,
    /// 0–100, one decimal.
    pub score: String,
    pub verdict: String,
    pub notes: String,
    pub program_version: i64,
    pub created_by_label: String,
    pub created_at: OffsetDateTime,
    /// Why a disqualifying red flag was overridden ('' = not overridden).
    pub red_flag_override: String,
    pub red_flag_overridden_by: String,
}

pub async fn insert_ipp(tx: &mut Write, row: &IppRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO ipp_assessments (id, partner_id, answers, result, score, verdict, notes, program_version, \
         created_by_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        row.id,
        row.partner_id,
        &row.answers,
        &row.result,
        &row.score,
        &row.verdict,
        &row.notes,
        row.program_version,
        &row.created_by_label,
        row.created_at,
    ))
    .await?;
    Ok(())
}

const SELECT_IPP: &str = "SELECT id, partner_id, answers, result, score, verdict, notes, program_version, \
     created_by_label, created_at, red_flag_override, red_flag_overridden_by FROM ipp_assessments";

/// A partner's assessments, newest first.
pub async fn ipp_for_partner(tx: &mut Read, partner_id: Uuid) -> Result<Vec<IppRow>> {
    ipp_for_partner_before(tx, partner_id, None, i64::MAX).await
}

/// At most `limit` of a partner's assessments, newest first, made before `before`
/// (created_at, id).
pub async fn ipp_for_partner_before(
    tx: &mut Read,
    partner_id: Uuid,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<IppRow>> {
    let mut query = Sql::new(SELECT_IPP);
    query.push(" WHERE partner_id = ").push_bind(partner_id);
    query.newest_first_page(before, limit);
    tx.all(query).await
}

pub async fn ipp_by_id(tx: &mut Read, id: Uuid) -> Result<Option<IppRow>> {
    let mut query = Sql::new(SELECT_IPP);
    query.push(" WHERE id = ").push_bind(id);
    tx.optional(query).await
}

/// Every assessment (for program-wide tier evaluations), grouped by partner, newest first.
pub async fn all_ipp(tx: &mut Read) -> Result<Vec<IppRow>> {
    let mut query = Sql::new(SELECT_IPP);
    query.push(" ORDER BY partner_id, created_at DESC, id DESC");
    tx.all(query).await
}

/// Overrides an assessment's red flags with a reason, once: [`crate::Error::Changed`] when it
/// already was.
pub async fn override_red_flag(tx: &mut Write, id: Uuid, reason: &str, by: &str) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE ipp_assessments SET red_flag_override = $2, red_flag_overridden_by = $3 \
             WHERE id = $1 AND red_flag_override = ''",
            id,
            reason,
            by
        ))
        .await?;
    crate::changed_one(rows, "IPP assessment")
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Evaluation3c4cRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub capacity: i64,
    pub capability: i64,
    pub commitment: i64,
    pub customers: Option<i64>,
    pub capacity_notes: String,
    pub capability_notes: String,
    pub commitment_notes: String,
    pub customers_notes: String,
    pub summary: String,
    pub action_plan: String,
    /// Weighted 0–5, two decimals.
    pub score: String,
    pub band: String,
    pub shared: bool,
    pub program_version: i64,
    pub created_by_label: String,
    pub created_at: OffsetDateTime,
}

const EVALUATION_COLUMNS: &str = "id, partner_id, capacity, capability, commitment, customers, capacity_notes, \
     capability_notes, commitment_notes, customers_notes, summary, action_plan, score, band, shared, program_version, \
     created_by_label, created_at";

pub async fn insert_evaluation(tx: &mut Write, row: &Evaluation3c4cRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO evaluations_3c4c (id, partner_id, capacity, capability, commitment, customers, capacity_notes, \
         capability_notes, commitment_notes, customers_notes, summary, action_plan, score, band, shared, program_version, \
         created_by_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        row.id,
        row.partner_id,
        row.capacity,
        row.capability,
        row.commitment,
        row.customers,
        &row.capacity_notes,
        &row.capability_notes,
        &row.commitment_notes,
        &row.customers_notes,
        &row.summary,
        &row.action_plan,
        &row.score,
        &row.band,
        row.shared,
        row.program_version,
        &row.created_by_label,
        row.created_at,
    ))
    .await?;
    Ok(())
}

/// A partner's evaluations, newest first; only the shared ones when `shared_only`.
pub async fn evaluations_for_partner(
    tx: &mut Read,
    partner_id: Uuid,
    shared_only: bool,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<Evaluation3c4cRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(EVALUATION_COLUMNS)
        .push(" FROM evaluations_3c4c WHERE partner_id = ")
        .push_bind(partner_id);
    if shared_only {
        query.push(" AND shared = ").push_bind(true);
    }
    query.newest_first_page(before, limit);
    tx.all(query).await
}

pub async fn get_evaluation(tx: &mut Read, id: Uuid) -> Result<Option<Evaluation3c4cRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(EVALUATION_COLUMNS)
        .push(" FROM evaluations_3c4c WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

/// Shares an evaluation with the partner or withdraws it; [`crate::Error::Changed`] when
/// someone else did so first.
pub async fn set_shared(tx: &mut Write, id: Uuid, shared: bool) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE evaluations_3c4c SET shared = $2 WHERE id = $1 AND shared <> $2",
            id,
            shared
        ))
        .await?;
    crate::changed_one(rows, "evaluation")
}
