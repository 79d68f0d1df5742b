//! Integration requests and the customers who need them. Every change of a request row is
//! conditional on the state and version it was read with ([`crate::Error::Changed`] for the
//! loser of a race).

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRow {
    pub id: Uuid,
    /// Shown as INT-000123.
    pub number: i64,
    pub partner_id: Uuid,
    pub submitted_by: Uuid,
    pub title: String,
    pub description: String,
    pub system: String,
    pub state: String,
    pub decline_reason: Option<String>,
    pub internal_note: String,
    /// The request this duplicate was merged into.
    pub merged_into: Option<Uuid>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const REQUEST_COLUMNS: &str = "SELECT id, number, partner_id, submitted_by, title, description, \
     system, state, decline_reason, internal_note, merged_into, version, created_at, updated_at \
     FROM integration_requests WHERE 1 = 1";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: Uuid,
    pub request_id: Uuid,
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub deal_id: Option<Uuid>,
}

const CUSTOMER_COLUMNS: &str = "SELECT id, request_id, name, amount_minor, currency, \
     deal_id FROM integration_request_customers WHERE 1 = 1";

pub async fn insert(tx: &mut Write, row: &RequestRow, customers: &[CustomerRow]) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO integration_requests (id, number, partner_id, submitted_by, title, \
         description, system, state, decline_reason, internal_note, merged_into, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        row.id,
        row.number,
        row.partner_id,
        row.submitted_by,
        &row.title,
        &row.description,
        &row.system,
        &row.state,
        row.decline_reason.as_deref(),
        &row.internal_note,
        row.merged_into,
        row.version,
        row.created_at,
        row.updated_at,
    ))
    .await?;
    for c in customers {
        tx.execute(sql!(
            "INSERT INTO integration_request_customers (id, request_id, name, amount_minor, \
             currency, deal_id) VALUES ($1, $2, $3, $4, $5, $6)",
            c.id,
            c.request_id,
            &c.name,
            c.amount_minor,
            &c.currency,
            c.deal_id,
        ))
        .await?;
    }
    Ok(())
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<RequestRow>> {
    let mut query = Sql::new(REQUEST_COLUMNS);
    query.push(" AND id = ").push_bind(id);
    tx.optional(query).await
}

/// The request of a reference's number.
pub async fn by_number(tx: &mut Read, number: i64) -> Result<Option<RequestRow>> {
    let mut query = Sql::new(REQUEST_COLUMNS);
    query.push(" AND number = ").push_bind(number);
    tx.optional(query).await
}

/// Requests in number order: one partner's (`partner_id`), or, without it, every request
/// not merged into another (the ranking reads them all: its order is computed, not stored).
pub fn requests_query(partner_id: Option<Uuid>) -> Sql {
    let mut query = Sql::new(REQUEST_COLUMNS);
    match partner_id {
        Some(partner_id) => query.push(" AND partner_id = ").push_bind(partner_id),
        None => query.push(" AND merged_into IS NULL"),
    };
    query.push(" ORDER BY number");
    query
}

pub async fn requests(tx: &mut Read, partner_id: Option<Uuid>) -> Result<Vec<RequestRow>> {
    tx.all(requests_query(partner_id)).await
}

/// The requests merged into any of `ids`.
pub async fn merged_into(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<RequestRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(REQUEST_COLUMNS);
    query
        .push(" AND merged_into IN ")
        .push_bind_list(ids.iter().copied());
    query.push(" ORDER BY number");
    tx.all(query).await
}

/// The customers of the requests `ids`, in the order they were named.
pub async fn customers(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<CustomerRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(CUSTOMER_COLUMNS);
    query
        .push(" AND request_id IN ")
        .push_bind_list(ids.iter().copied());
    query.push(" ORDER BY request_id, id");
    tx.all(query).await
}

/// Moves a request from the state and version in `read` to the state, decline reason and
/// internal note in `row`, bumping its version.
pub async fn change(tx: &mut Write, row: &RequestRow, read: &RequestRow) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE integration_requests SET state = $2, decline_reason = $3, internal_note = $4, \
             updated_at = $5, version = version + 1 \
             WHERE id = $1 AND state = $6 AND version = $7",
            row.id,
            &row.state,
            row.decline_reason.as_deref(),
            &row.internal_note,
            row.updated_at,
            &read.state,
            read.version,
        ))
        .await?;
    crate::changed_one(rows, "integration request")
}

/// Merges the duplicate `read` (as read) into `into`, provided neither was merged meanwhile.
pub async fn merge(
    tx: &mut Write,
    read: &RequestRow,
    into: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE integration_requests SET merged_into = $2, updated_at = $3, \
             version = version + 1 \
             WHERE id = $1 AND version = $4 AND merged_into IS NULL",
            read.id,
            into,
            at,
            read.version,
        ))
        .await?;
    crate::changed_one(rows, "integration request")?;
    // Anything merged into the duplicate before now joins the survivor too.
    tx.execute(sql!(
        "UPDATE integration_requests SET merged_into = $2, updated_at = $3, \
         version = version + 1 WHERE merged_into = $1",
        read.id,
        into,
        at,
    ))
    .await?;
    Ok(())
}

/// Bumps the survivor of a merge, so a merge racing a move of it loses one of the two.
pub async fn touch(tx: &mut Write, read: &RequestRow, at: OffsetDateTime) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE integration_requests SET updated_at = $2, version = version + 1 \
             WHERE id = $1 AND state = $3 AND version = $4 AND merged_into IS NULL",
            read.id,
            at,
            &read.state,
            read.version,
        ))
        .await?;
    crate::changed_one(rows, "integration request")
}
