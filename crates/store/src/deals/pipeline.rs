//! What tier revenue reads of registrations, and forecast snapshots.

use crate::{Arg, Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Whether registration `d` has the activity the co-sell policy asks before a win earns
/// credit: one our people logged or confirmed. An imported deal carries its last activity
/// from our CRM and none logged here.
pub(crate) const CREDITED_ACTIVITY: &str = "(EXISTS (SELECT 1 FROM deal_activities a WHERE a.deal_id = d.id \
     AND (NOT a.by_partner OR a.confirmed_by IS NOT NULL)) \
     OR (d.last_activity_at IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM deal_activities a WHERE a.deal_id = d.id)))";

/// A won registration's revenue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WonRow {
    pub partner_id: Uuid,
    pub closed_on: Date,
    pub closed_amount_minor: i64,
    pub currency: String,
}

/// Won registrations in every currency (of one partner, or all), for the tier engine, which
/// converts them to the program currency. With `logged_activity_only`, only deals with an
/// activity logged on them count (the co-sell policy's "no credit without logged activity").
pub async fn won(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    logged_activity_only: bool,
) -> Result<Vec<WonRow>> {
    tx.all(won_query(partner_id, logged_activity_only)).await
}

/// The statement of [`won`] (its plan is checked in `crate::plans`).
pub(crate) fn won_query(partner_id: Option<Uuid>, logged_activity_only: bool) -> Sql {
    // Only wins an internal user confirmed, and (co-sell policy) only deals with activity an
    // internal user logged or confirmed: a partner's own word feeds no tier.
    let mut query = Sql::new(
        "SELECT partner_id, closed_on, closed_amount_minor, currency FROM deal_registrations d \
         WHERE status = 'won' AND closed_on IS NOT NULL AND closed_amount_minor IS NOT NULL \
         AND EXISTS (SELECT 1 FROM win_confirmations c WHERE c.deal_id = d.id)",
    );
    if logged_activity_only {
        query.push(" AND ").push(CREDITED_ACTIVITY);
    }
    if let Some(partner) = partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    query
}

/// Confirmed wins closed on `from` or later that lack the activity the co-sell policy asks
/// (through `deal_registrations_closed`): what the tracker takes out of the rollups'
/// confirmed wins when the policy asks it.
pub async fn uncredited_wins(tx: &mut Read, from: Date) -> Result<Vec<WonRow>> {
    let mut query = Sql::new(
        "SELECT partner_id, closed_on, closed_amount_minor, currency FROM deal_registrations d \
         WHERE status = 'won' AND closed_on >= ",
    );
    query
        .push_bind(from)
        .push(
            " AND closed_amount_minor IS NOT NULL \
             AND EXISTS (SELECT 1 FROM win_confirmations c WHERE c.deal_id = d.id) AND NOT ",
        )
        .push(CREDITED_ACTIVITY);
    tx.all(query).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DealCounts {
    pub registered: i64,
    pub won: i64,
}

/// How many registrations a partner has submitted (anything but drafts) and won.
pub async fn counts(tx: &mut Read, partner_id: Uuid) -> Result<DealCounts> {
    tx.one(sql!(
        "SELECT COUNT(*) AS registered, COALESCE(SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END), 0) AS won \
         FROM deal_registrations WHERE partner_id = $1 AND status <> 'draft'",
        partner_id
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub quarter: String,
    pub taken_on: Date,
    pub taken_by: String,
    /// The pipeline summary as JSON.
    pub summary: String,
    pub created_at: OffsetDateTime,
}

pub async fn insert_snapshot(tx: &mut Write, row: &SnapshotRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO forecast_snapshots (id, quarter, taken_on, taken_by, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        row.id,
        &row.quarter,
        row.taken_on,
        &row.taken_by,
        &row.summary,
        row.created_at,
    ))
    .await?;
    Ok(())
}

/// At most `limit` snapshots, newest first (by day, then time taken, then id), before
/// `before` (taken_on, created_at, id).
pub async fn snapshots(
    tx: &mut Read,
    before: Option<(Date, OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<SnapshotRow>> {
    let mut query = Sql::new(
        "SELECT id, quarter, taken_on, taken_by, summary, created_at FROM forecast_snapshots",
    );
    if let Some((taken_on, created_at, id)) = before {
        query
            .push(" WHERE (taken_on, created_at, id) < ")
            .push_bind_list::<Arg>([taken_on.into(), created_at.into(), id.into()]);
    }
    query
        .push(" ORDER BY taken_on DESC, created_at DESC, id DESC LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}
