//! Counts the home pages show: registrations and leads by state, decisions overdue, open
//! conflict cases, tier proposals in play, leads handed over in a period, and the newest
//! wins. Each is one count (or a short id list) over an index, so a home never loads the
//! records it counts.

use crate::{Read, Result, Sql, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct StatusCount {
    status: String,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct Count {
    n: i64,
}

fn pairs(rows: Vec<StatusCount>) -> Vec<(String, i64)> {
    rows.into_iter().map(|r| (r.status, r.n)).collect()
}

/// How many of one partner's registrations sit in each state, by status key.
pub async fn deal_status_counts(tx: &mut Read, partner_id: Uuid) -> Result<Vec<(String, i64)>> {
    Ok(pairs(tx.all(deal_status_counts_query(partner_id)).await?))
}

/// The statement of [`deal_status_counts`] (its plan is checked in `crate::plans`).
pub(crate) fn deal_status_counts_query(partner_id: Uuid) -> Sql {
    sql!(
        "SELECT status, COUNT(*) AS n FROM deal_registrations WHERE partner_id = $1 GROUP BY status",
        partner_id
    )
}

/// How many of one partner's leads sit in each state, by status key.
pub async fn lead_status_counts(tx: &mut Read, partner_id: Uuid) -> Result<Vec<(String, i64)>> {
    Ok(pairs(tx.all(lead_status_counts_query(partner_id)).await?))
}

/// The statement of [`lead_status_counts`] (its plan is checked in `crate::plans`).
pub(crate) fn lead_status_counts_query(partner_id: Uuid) -> Sql {
    sql!(
        "SELECT status, COUNT(*) AS n FROM leads WHERE partner_id = $1 GROUP BY status",
        partner_id
    )
}

/// How many of the program's leads are in `status` (through the leads' status index).
pub async fn leads_in_status(tx: &mut Read, status: &str) -> Result<i64> {
    Ok(tx
        .one::<Count>(sql!(
            "SELECT COUNT(*) AS n FROM leads WHERE status = $1",
            status
        ))
        .await?
        .n)
}

/// How many of the program's registrations are in the open state `status`, partners in and
/// out of the program alike: read from the open pipeline's program rollup, not counted.
pub async fn open_registrations_in_status(tx: &mut Read, status: &str) -> Result<i64> {
    Ok(tx
        .one::<Count>(sql!(
            "SELECT CAST(COALESCE(SUM(deals), 0) AS BIGINT) AS n FROM pipeline_open_program WHERE status = $1",
            status
        ))
        .await?
        .n)
}

/// Submitted registrations whose decision was due before `today`.
pub async fn decisions_overdue(tx: &mut Read, today: Date) -> Result<i64> {
    Ok(tx
        .one::<Count>(sql!(
            "SELECT COUNT(*) AS n FROM deal_registrations WHERE status = 'submitted' AND decision_due < $1",
            today
        ))
        .await?
        .n)
}

/// Registrations' conflict cases (channel-conflict escalation cases) not resolved yet.
pub async fn open_conflict_cases(tx: &mut Read) -> Result<i64> {
    Ok(tx
        .one::<Count>(Sql::new(
            "SELECT COUNT(*) AS n FROM escalation_cases WHERE deal_id IS NOT NULL \
             AND state NOT IN ('resolved', 'closed')",
        ))
        .await?
        .n)
}

/// Leads handed over from `from` (inclusive) to `until` (exclusive).
pub async fn leads_created_between(
    tx: &mut Read,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<i64> {
    Ok(tx
        .one::<Count>(sql!(
            "SELECT COUNT(*) AS n FROM leads WHERE created_at >= $1 AND created_at < $2",
            from,
            until
        ))
        .await?
        .n)
}

/// Tier proposals in play by status: `open` (waiting for a decision) and `notice`
/// (downgrades in remediation).
pub async fn proposals_in_play(tx: &mut Read) -> Result<Vec<(String, i64)>> {
    Ok(pairs(
        tx.all(Sql::new(
            "SELECT status, COUNT(*) AS n FROM tier_proposals WHERE status IN ('open', 'notice') GROUP BY status",
        ))
        .await?,
    ))
}

#[derive(sqlx::FromRow)]
struct Id {
    id: Uuid,
}

/// The newest won registrations (by registration, newest first), of the partners `owner_id`
/// owns or of every partner.
pub async fn newest_win_ids(
    tx: &mut Read,
    owner_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Uuid>> {
    let mut query = Sql::new("SELECT id FROM deal_registrations WHERE status = 'won'");
    if let Some(owner) = owner_id {
        query
            .push(" AND partner_id IN (SELECT id FROM partners WHERE owner_id = ")
            .push_bind(owner)
            .push(")");
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    let rows: Vec<Id> = tx.all(query).await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}
