//! Whole tables for CSV exports, one keyset page at a time: each page is one short indexed
//! query after the last row of the previous one, so an export of a million rows takes a
//! pooled connection only while it reads a page, and only the columns it writes.

use crate::{Read, Result, Sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// What a registrations export writes of one registration (money in minor units).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DealExportRow {
    /// The keyset cursor: the export's order.
    pub number: i64,
    pub reference: String,
    pub partner_id: Uuid,
    pub customer_name: String,
    pub website: String,
    pub industry: String,
    pub region: String,
    pub deal_size_minor: i64,
    pub currency: String,
    pub expected_close: Date,
    pub use_case: String,
    pub pain_points: String,
    pub stage: String,
    pub probability: i64,
    pub risks: String,
    pub competitor: String,
    pub partner_rep: String,
    pub status: String,
    pub registered_on: Date,
    pub protected_until: Option<Date>,
    pub closed_on: Option<Date>,
    pub closed_amount_minor: Option<i64>,
}

/// Up to `limit` registrations of a partner (or all) numbered after `after`, by number.
pub async fn deals_page(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<DealExportRow>> {
    let mut query = Sql::new(
        "SELECT number, reference, partner_id, customer_name, website, industry, region, \
         deal_size_minor, currency, expected_close, use_case, pain_points, stage, probability, \
         risks, competitor, partner_rep, status, registered_on, protected_until, closed_on, \
         closed_amount_minor FROM deal_registrations WHERE 1 = 1",
    );
    if let Some(partner) = partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if let Some(after) = after {
        query.push(" AND number > ").push_bind(after);
    }
    query.push(" ORDER BY number LIMIT ").push_bind(limit);
    tx.all(query).await
}

/// What a leads export writes of one lead.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeadExportRow {
    /// The keyset cursor: the export lists the newest first.
    pub id: Uuid,
    pub reference: String,
    pub partner_id: Uuid,
    pub company: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub need: String,
    pub estimated_value_minor: i64,
    pub currency: String,
    pub status: String,
    pub accept_by: OffsetDateTime,
    pub rejection_reason: String,
    pub counts_against_quota: bool,
}

/// Up to `limit` leads of a partner (or all) older than `before`, newest first.
pub async fn leads_page(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<LeadExportRow>> {
    let mut query = Sql::new(
        "SELECT id, reference, partner_id, company, website, contact_name, contact_email, need, \
         estimated_value_minor, currency, status, accept_by, rejection_reason, \
         counts_against_quota FROM leads WHERE 1 = 1",
    );
    if let Some(partner) = partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if let Some(before) = before {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}

/// A direct opportunity or customer account as stored, for exports.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DirectExportRow {
    /// The keyset cursor (unique): the export's order.
    pub reference: String,
    pub name: String,
    pub website: String,
    pub owner: String,
    pub stage: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
}

/// Up to `limit` direct opportunities after reference `after`, by reference.
pub async fn opportunities_page(
    tx: &mut Read,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<DirectExportRow>> {
    let mut query = Sql::new(
        "SELECT reference, customer_name AS name, website, owner, stage, amount_minor, currency, \
         status FROM direct_opportunities",
    );
    if let Some(after) = after {
        query.push(" WHERE reference > ").push_bind(after);
    }
    query.push(" ORDER BY reference LIMIT ").push_bind(limit);
    tx.all(query).await
}

/// Up to `limit` customer accounts after account reference `after`, by account reference.
pub async fn accounts_page(
    tx: &mut Read,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<DirectExportRow>> {
    let mut query = Sql::new(
        "SELECT account AS reference, name, website, owner, '' AS stage, \
         CAST(0 AS BIGINT) AS amount_minor, '' AS currency, 'active' AS status \
         FROM customer_accounts",
    );
    if let Some(after) = after {
        query.push(" WHERE account > ").push_bind(after);
    }
    query.push(" ORDER BY account LIMIT ").push_bind(limit);
    tx.all(query).await
}

/// A list an export reads, for [`rows_up_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportList {
    Deals,
    Leads,
    Opportunities,
    Accounts,
}

/// How many rows the export of `list` (a partner's, or all) would write, counted no further
/// than `cap`: a limit check costs at most `cap` index entries, however long the list.
pub async fn rows_up_to(
    tx: &mut Read,
    list: ExportList,
    partner_id: Option<Uuid>,
    cap: i64,
) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Count {
        n: i64,
    }
    let table = match list {
        ExportList::Deals => "deal_registrations",
        ExportList::Leads => "leads",
        ExportList::Opportunities => "direct_opportunities",
        ExportList::Accounts => "customer_accounts",
    };
    let mut query = Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM ");
    query.push(table);
    if let Some(partner) = partner_id {
        query.push(" WHERE partner_id = ").push_bind(partner);
    }
    query.push(" LIMIT ").push_bind(cap).push(") AS capped");
    let count: Count = tx.one(query).await?;
    Ok(count.n)
}
