//! Onboarding checklists and health checks per partner.

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub key: String,
    pub phase: String,
    pub title: String,
    /// A RACI team key or "partner".
    pub owner: String,
    pub due_on: Date,
    pub evidence_kind: String,
    pub completes_when: Option<String>,
    pub done_at: Option<OffsetDateTime>,
    pub done_by: Option<String>,
    pub evidence: String,
}

const ITEM_COLUMNS: &str = "id, partner_id, key, phase, title, owner, due_on, evidence_kind, completes_when, done_at, \
     done_by, evidence";

/// Adds an item unless the partner's checklist has it already (re-entering onboarding keeps
/// what was done); false when it had.
pub async fn insert_item(tx: &mut Write, item: &ItemRow, at: OffsetDateTime) -> Result<bool> {
    let written = tx
        .execute(sql!(
        "INSERT INTO onboarding_items (id, partner_id, key, phase, title, owner, due_on, evidence_kind, \
         completes_when, evidence, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10) \
         ON CONFLICT (partner_id, key) DO NOTHING",
        item.id,
        item.partner_id,
        &item.key,
        &item.phase,
        &item.title,
        &item.owner,
        item.due_on,
        &item.evidence_kind,
        item.completes_when.as_ref(),
        at,
    ))
    .await?;
    Ok(written == 1)
}

pub async fn items(tx: &mut Read, partner_id: Uuid) -> Result<Vec<ItemRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(ITEM_COLUMNS)
        .push(" FROM onboarding_items WHERE partner_id = ")
        .push_bind(partner_id)
        .push(" ORDER BY due_on, key");
    tx.all(query).await
}

pub async fn item(tx: &mut Read, id: Uuid) -> Result<Option<ItemRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(ITEM_COLUMNS)
        .push(" FROM onboarding_items WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

/// Ticks or unticks an item, provided it is still as it was read (`read_done_at`), else
/// [`crate::Error::Changed`].
pub async fn set_done(
    tx: &mut Write,
    id: Uuid,
    done: Option<(OffsetDateTime, &str)>,
    evidence: &str,
    read_done_at: Option<OffsetDateTime>,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE onboarding_items SET done_at = $2, done_by = $3, evidence = $4 \
             WHERE id = $1 AND done_at IS NOT DISTINCT FROM $5",
            id,
            done.map(|(at, _)| at),
            done.map(|(_, by)| by),
            evidence,
            read_done_at,
        ))
        .await?;
    crate::changed_one(rows, "onboarding item")
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HealthCheckRow {
    pub day: i64,
    pub status: String,
    pub note: String,
    pub recorded_by: String,
    pub created_at: OffsetDateTime,
}

pub async fn health_checks(tx: &mut Read, partner_id: Uuid) -> Result<Vec<HealthCheckRow>> {
    let mut query = Sql::new(
        "SELECT day, status, note, recorded_by, created_at FROM onboarding_health_checks WHERE partner_id = ",
    );
    query.push_bind(partner_id).push(" ORDER BY day");
    tx.all(query).await
}

/// Records a health check; returns false when that day's check exists already.
pub async fn insert_health_check(
    tx: &mut Write,
    partner_id: Uuid,
    day: i64,
    status: &str,
    note: &str,
    recorded_by: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let written = tx
        .execute(sql!(
            "INSERT INTO onboarding_health_checks (id, partner_id, day, status, note, recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (partner_id, day) DO NOTHING",
            Uuid::now_v7(),
            partner_id,
            day,
            status,
            note,
            recorded_by,
            at,
        ))
        .await?;
    Ok(written == 1)
}
