//! Leads partners hand to our sales team.

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeadRow {
    pub id: Uuid,
    pub number: i64,
    pub reference: String,
    pub partner_id: Uuid,
    pub submitted_by: String,
    pub company: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub need: String,
    pub estimated_value_minor: i64,
    pub currency: String,
    /// submitted, accepted or rejected
    pub status: String,
    pub accept_by: OffsetDateTime,
    pub overdue_flagged: bool,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    pub rejection_reason: String,
    pub deal_id: Option<Uuid>,
    pub counts_against_quota: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const LEAD_COLUMNS: &str = "id, number, reference, partner_id, submitted_by, company, website, contact_name, contact_email, need, \
     estimated_value_minor, currency, status, accept_by, overdue_flagged, decided_at, decided_by, rejection_reason, \
     deal_id, counts_against_quota, created_at, updated_at";

pub async fn insert_lead(tx: &mut Write, row: &LeadRow) -> Result<()> {
    let mut query = Sql::new("INSERT INTO leads (");
    query.push(LEAD_COLUMNS).push(
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
    );
    let query = query
        .arg(row.id)
        .arg(row.number)
        .arg(&row.reference)
        .arg(row.partner_id)
        .arg(&row.submitted_by)
        .arg(&row.company)
        .arg(&row.website)
        .arg(&row.contact_name)
        .arg(&row.contact_email)
        .arg(&row.need)
        .arg(row.estimated_value_minor)
        .arg(&row.currency)
        .arg(&row.status)
        .arg(row.accept_by)
        .arg(row.overdue_flagged)
        .arg(row.decided_at)
        .arg(row.decided_by.as_ref())
        .arg(&row.rejection_reason)
        .arg(row.deal_id)
        .arg(row.counts_against_quota)
        .arg(row.created_at)
        .arg(row.updated_at);
    tx.execute(query).await?;
    Ok(())
}

/// Writes a lead: its details (imports edit them), decision and flags — provided nobody
/// wrote it since it was read (`read_updated_at`), else [`crate::Error::Changed`].
pub async fn update_lead(
    tx: &mut Write,
    row: &LeadRow,
    read_updated_at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE leads SET status = $2, overdue_flagged = $3, decided_at = $4, decided_by = $5, \
         rejection_reason = $6, deal_id = $7, updated_at = $8, company = $9, website = $10, \
         contact_name = $11, contact_email = $12, need = $13, estimated_value_minor = $14, \
         currency = $15, accept_by = $16 WHERE id = $1 AND updated_at = $17",
            row.id,
            &row.status,
            row.overdue_flagged,
            row.decided_at,
            row.decided_by.as_ref(),
            &row.rejection_reason,
            row.deal_id,
            row.updated_at,
            &row.company,
            &row.website,
            &row.contact_name,
            &row.contact_email,
            &row.need,
            row.estimated_value_minor,
            &row.currency,
            row.accept_by,
            read_updated_at,
        ))
        .await?;
    crate::changed_one(rows, "lead")
}

pub async fn lead(tx: &mut Read, id: Uuid) -> Result<Option<LeadRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(LEAD_COLUMNS)
        .push(" FROM leads WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

/// Leads of one partner (or all), newest first, optionally only one status.
pub async fn leads(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    status: Option<&str>,
    before_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<LeadRow>> {
    let mut query = Sql::new("SELECT ");
    query.push(LEAD_COLUMNS).push(" FROM leads WHERE 1 = 1");
    if let Some(partner) = partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if let Some(status) = status {
        query.push(" AND status = ").push_bind(status);
    }
    if let Some(before) = before_id {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}
