//! Tier proposals: upgrades and downgrades raised by the evaluation job, and managers' decisions.

use crate::{Arg, Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    /// upgrade, downgrade or manual.
    pub kind: String,
    /// notice, open, approved, rejected, overridden, recovered or withdrawn.
    pub status: String,
    pub from_tier: String,
    pub to_tier: String,
    pub final_tier: Option<String>,
    /// The quarter it was raised in, 'YYYY-Qn'.
    pub period: String,
    pub reason: String,
    pub program_version: i64,
    pub notice_until: Option<OffsetDateTime>,
    pub remediation_until: Option<OffsetDateTime>,
    pub decided_by: Option<Uuid>,
    pub decided_by_label: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub decision_note: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProposalWithPartner {
    #[sqlx(flatten)]
    pub proposal: ProposalRow,
    pub partner_name: String,
}

const SELECT: &str = "SELECT t.id, t.partner_id, t.kind, t.status, t.from_tier, t.to_tier, t.final_tier, t.period, \
     t.reason, t.program_version, t.notice_until, t.remediation_until, t.decided_by, t.decided_by_label, \
     t.decided_at, t.decision_note, t.created_at, t.updated_at, p.display_name AS partner_name \
     FROM tier_proposals t JOIN partners p ON p.id = t.partner_id";

pub async fn insert(tx: &mut Write, row: &ProposalRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO tier_proposals (id, partner_id, kind, status, from_tier, to_tier, final_tier, period, reason, \
         program_version, notice_until, remediation_until, decided_by, decided_by_label, decided_at, decision_note, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        row.id,
        row.partner_id,
        &row.kind,
        &row.status,
        &row.from_tier,
        &row.to_tier,
        row.final_tier.as_ref(),
        &row.period,
        &row.reason,
        row.program_version,
        row.notice_until,
        row.remediation_until,
        row.decided_by,
        row.decided_by_label.as_ref(),
        row.decided_at,
        &row.decision_note,
        row.created_at,
        row.updated_at,
    ))
    .await?;
    Ok(())
}

/// Writes a proposal's changeable parts (status, target, reason, decision), provided it still
/// has the status it was read with (`read_status`), else [`crate::Error::Changed`].
pub async fn update(tx: &mut Write, row: &ProposalRow, read_status: &str) -> Result<()> {
    let rows = tx.execute(sql!(
        "UPDATE tier_proposals SET status = $2, to_tier = $3, final_tier = $4, reason = $5, decided_by = $6, \
         decided_by_label = $7, decided_at = $8, decision_note = $9, updated_at = $10 \
         WHERE id = $1 AND status = $11",
        row.id,
        &row.status,
        &row.to_tier,
        row.final_tier.as_ref(),
        &row.reason,
        row.decided_by,
        row.decided_by_label.as_ref(),
        row.decided_at,
        &row.decision_note,
        row.updated_at,
        read_status,
    ))
    .await?;
    crate::changed_one(rows, "tier proposal")
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<ProposalWithPartner>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE t.id = ").push_bind(id);
    tx.optional(query).await
}

/// One partner's proposals, newest first.
pub async fn for_partner(tx: &mut Read, partner_id: Uuid) -> Result<Vec<ProposalWithPartner>> {
    for_partner_before(tx, partner_id, None, i64::MAX).await
}

/// At most `limit` of one partner's proposals, newest first, older than `before`
/// (created_at, id).
pub async fn for_partner_before(
    tx: &mut Read,
    partner_id: Uuid,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<ProposalWithPartner>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE t.partner_id = ").push_bind(partner_id);
    if let Some((created_at, id)) = before {
        query
            .push(" AND (t.created_at, t.id) < ")
            .push_bind_list::<Arg>([created_at.into(), id.into()]);
    }
    query
        .push(" ORDER BY t.created_at DESC, t.id DESC LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// Proposals in the given statuses, oldest first (the queue), at most `limit` after `after`
/// (created_at, id).
pub async fn with_status(
    tx: &mut Read,
    statuses: &[&str],
    after: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<ProposalWithPartner>> {
    let mut query = Sql::new(SELECT);
    query
        .push(" WHERE t.status IN ")
        .push_bind_list(statuses.iter().copied());
    if let Some((created_at, id)) = after {
        query
            .push(" AND (t.created_at, t.id) > ")
            .push_bind_list::<Arg>([created_at.into(), id.into()]);
    }
    query
        .push(" ORDER BY t.created_at, t.id LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// Decided proposals, newest decision first, at most `limit` decided before `before`
/// (updated_at, id).
pub async fn recently_decided(
    tx: &mut Read,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<ProposalWithPartner>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE t.status NOT IN ('notice', 'open')");
    if let Some((updated_at, id)) = before {
        query
            .push(" AND (t.updated_at, t.id) < ")
            .push_bind_list::<Arg>([updated_at.into(), id.into()]);
    }
    query
        .push(" ORDER BY t.updated_at DESC, t.id DESC LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// Every proposal in play or raised in `period`: what the evaluation job needs to know.
pub async fn in_play_or_raised_in(tx: &mut Read, period: &str) -> Result<Vec<ProposalRow>> {
    let mut query = Sql::new(
        "SELECT id, partner_id, kind, status, from_tier, to_tier, final_tier, period, reason, program_version, \
         notice_until, remediation_until, decided_by, decided_by_label, decided_at, decision_note, created_at, \
         updated_at FROM tier_proposals WHERE status IN ('notice', 'open') OR period = ",
    );
    query.push_bind(period);
    tx.all(query).await
}
