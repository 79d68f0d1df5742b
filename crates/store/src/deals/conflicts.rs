//! What the conflict index reads, and the conflict cases partner managers work.

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// What the conflict index holds of a registration, a direct opportunity or an account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConflictRow {
    pub id: Uuid,
    /// registration, opportunity or account
    pub kind: String,
    pub reference: String,
    pub name: String,
    pub website: String,
    /// registrations: its partner
    pub partner_id: Option<Uuid>,
    /// registrations: open or closed; opportunities: open, won or lost; accounts: active
    pub status: String,
    pub registered_on: Option<Date>,
    pub protected_until: Option<Date>,
    pub owner: String,
    pub change_no: i64,
}

/// Every registration, opportunity and account changed after `change_no` (all with 0).
pub async fn conflict_changes(tx: &mut Read, after: i64) -> Result<Vec<ConflictRow>> {
    // One statement: it runs inside every submission's write transaction.
    tx.all(sql!(
        "SELECT id, 'registration' AS kind, reference, customer_name AS name, website, \
         partner_id, status, registered_on, protected_until, '' AS owner, change_no \
         FROM deal_registrations WHERE change_no > $1 \
         UNION ALL SELECT id, 'opportunity', reference, customer_name, website, NULL, status, NULL, NULL, owner, \
         change_no FROM direct_opportunities WHERE change_no > $1 \
         UNION ALL SELECT id, 'account', account, name, website, NULL, 'active', NULL, NULL, owner, change_no \
         FROM customer_accounts WHERE change_no > $1 ORDER BY change_no",
        after
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseRow {
    pub id: Uuid,
    pub deal_id: Uuid,
    /// open, investigating or resolved
    pub status: String,
    pub outcome: String,
    pub note: String,
    pub investigating_at: Option<OffsetDateTime>,
    pub investigated_by: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<OffsetDateTime>,
    /// The escalation level already announced (0 partner manager, 1 VP, 2 executives).
    pub escalation_level: i64,
    pub created_at: OffsetDateTime,
}

const CASE_COLUMNS: &str = "id, deal_id, status, outcome, note, investigating_at, investigated_by, \
     resolved_by, resolved_at, escalation_level, created_at";

/// Records how a conflict case is worked, resolved or escalated — provided it still has the
/// stage and escalation level it was read with, else [`crate::Error::Changed`].
pub async fn update_case(tx: &mut Write, row: &CaseRow, read: &CaseRow) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE conflict_cases SET status = $2, outcome = $3, note = $4, investigating_at = $5, \
             investigated_by = $6, resolved_by = $7, resolved_at = $8, escalation_level = $9 \
             WHERE id = $1 AND status = $10 AND escalation_level = $11",
            row.id,
            &row.status,
            &row.outcome,
            &row.note,
            row.investigating_at,
            row.investigated_by.as_ref(),
            row.resolved_by.as_ref(),
            row.resolved_at,
            row.escalation_level,
            &read.status,
            read.escalation_level,
        ))
        .await?;
    crate::changed_one(rows, "conflict case")
}

/// Opens the registration's conflict case, or records how it is worked and resolved.
pub async fn upsert_case(tx: &mut Write, row: &CaseRow) -> Result<()> {
    let mut query = Sql::new("INSERT INTO conflict_cases (");
    query.push(CASE_COLUMNS).push(
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (deal_id) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, \
         note = excluded.note, investigating_at = excluded.investigating_at, \
         investigated_by = excluded.investigated_by, resolved_by = excluded.resolved_by, \
         resolved_at = excluded.resolved_at, escalation_level = excluded.escalation_level",
    );
    let query = query
        .arg(row.id)
        .arg(row.deal_id)
        .arg(&row.status)
        .arg(&row.outcome)
        .arg(&row.note)
        .arg(row.investigating_at)
        .arg(row.investigated_by.as_ref())
        .arg(row.resolved_by.as_ref())
        .arg(row.resolved_at)
        .arg(row.escalation_level)
        .arg(row.created_at);
    tx.execute(query).await?;
    Ok(())
}

pub async fn case_for_deal(tx: &mut Read, deal_id: Uuid) -> Result<Option<CaseRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(CASE_COLUMNS)
        .push(" FROM conflict_cases WHERE deal_id = ")
        .push_bind(deal_id);
    tx.optional(query).await
}

/// Every case not resolved yet, oldest first.
pub async fn unresolved_cases(tx: &mut Read) -> Result<Vec<CaseRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(CASE_COLUMNS)
        .push(" FROM conflict_cases WHERE status <> 'resolved' ORDER BY created_at");
    tx.all(query).await
}
