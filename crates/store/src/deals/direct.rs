//! Our own pipeline and customer accounts, as CRM imports bring them.

use crate::{Result, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

/// A direct opportunity or customer account as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectRow {
    pub reference: String,
    pub name: String,
    pub name_key: String,
    pub website: String,
    pub domain: Option<String>,
    pub owner: String,
    /// Opportunities only.
    pub stage: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Opportunities: open, won or lost.
    pub status: String,
}

/// Adds or updates a direct opportunity by its reference; returns whether it was new.
pub async fn upsert_opportunity(
    tx: &mut Write,
    row: &DirectRow,
    change_no: i64,
    at: OffsetDateTime,
) -> Result<bool> {
    let existing = tx
        .optional::<IdOnly>(sql!(
            "SELECT id FROM direct_opportunities WHERE reference = $1",
            &row.reference
        ))
        .await?;
    match existing {
        Some(IdOnly { id }) => {
            tx.execute(sql!(
                "UPDATE direct_opportunities SET customer_name = $2, name_key = $3, website = $4, domain = $5, \
                 owner = $6, stage = $7, amount_minor = $8, currency = $9, status = $10, change_no = $11, \
                 updated_at = $12 WHERE id = $1",
                id,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                &row.stage,
                row.amount_minor,
                &row.currency,
                &row.status,
                change_no,
                at,
            ))
            .await?;
            Ok(false)
        }
        None => {
            tx.execute(sql!(
                "INSERT INTO direct_opportunities (id, reference, customer_name, name_key, website, domain, owner, stage, \
                 amount_minor, currency, status, change_no, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
                Uuid::now_v7(),
                &row.reference,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                &row.stage,
                row.amount_minor,
                &row.currency,
                &row.status,
                change_no,
                at,
            ))
            .await?;
            Ok(true)
        }
    }
}

#[derive(sqlx::FromRow)]
struct IdOnly {
    id: Uuid,
}

/// Adds or updates a customer account by its account reference; returns whether it was new.
pub async fn upsert_account(
    tx: &mut Write,
    row: &DirectRow,
    change_no: i64,
    at: OffsetDateTime,
) -> Result<bool> {
    let existing = tx
        .optional::<IdOnly>(sql!(
            "SELECT id FROM customer_accounts WHERE account = $1",
            &row.reference
        ))
        .await?;
    match existing {
        Some(IdOnly { id }) => {
            tx.execute(sql!(
                "UPDATE customer_accounts SET name = $2, name_key = $3, website = $4, domain = $5, owner = $6, \
                 change_no = $7, updated_at = $8 WHERE id = $1",
                id,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                change_no,
                at,
            ))
            .await?;
            Ok(false)
        }
        None => {
            tx.execute(sql!(
                "INSERT INTO customer_accounts (id, account, name, name_key, website, domain, owner, change_no, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                Uuid::now_v7(),
                &row.reference,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                change_no,
                at,
            ))
            .await?;
            Ok(true)
        }
    }
}
