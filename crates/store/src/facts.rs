//! The facts the tier engine reads about each partner, one row per quarter (entered or
//! imported until deals, certifications and QBRs supply them).

use crate::{Read, Result, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct QuarterRow {
    /// 'YYYY-Qn'.
    pub quarter: String,
    pub sourced_revenue_minor: i64,
    pub qbrs: i64,
    pub co_marketing: i64,
    pub certified_people: i64,
    pub advanced_certified_people: i64,
    pub customer_references: i64,
    pub executive_sponsor: String,
    pub ipp_score: i64,
    /// JSON object: certification key → people.
    pub certifications: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartnerQuarterRow {
    pub partner_id: Uuid,
    #[sqlx(flatten)]
    pub row: QuarterRow,
}

const COLUMNS: &str = "quarter, sourced_revenue_minor, qbrs, co_marketing, certified_people, \
     advanced_certified_people, customer_references, executive_sponsor, ipp_score, certifications";

/// A partner's quarters, oldest first.
pub async fn history(tx: &mut Read, partner_id: Uuid) -> Result<Vec<QuarterRow>> {
    let mut query = sql!("SELECT ");
    query.push(COLUMNS);
    query.push(" FROM partner_quarter_facts WHERE partner_id = ");
    query.push_bind(partner_id);
    query.push(" ORDER BY quarter");
    tx.all(query).await
}

/// Every partner's quarters from `from_quarter` on, grouped by partner and oldest first:
/// what a program-wide evaluation reads in one pass.
pub async fn all_since(tx: &mut Read, from_quarter: &str) -> Result<Vec<PartnerQuarterRow>> {
    let mut query = sql!("SELECT partner_id, ");
    query.push(COLUMNS);
    query.push(" FROM partner_quarter_facts WHERE quarter >= ");
    query.push_bind(from_quarter.to_owned());
    query.push(" ORDER BY partner_id, quarter");
    tx.all(query).await
}

pub async fn upsert(
    tx: &mut Write,
    partner_id: Uuid,
    row: &QuarterRow,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO partner_quarter_facts (partner_id, quarter, sourced_revenue_minor, qbrs, co_marketing, \
         certified_people, advanced_certified_people, customer_references, executive_sponsor, ipp_score, updated_at, \
         certifications) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (partner_id, quarter) DO UPDATE SET sourced_revenue_minor = $3, qbrs = $4, co_marketing = $5, \
         certified_people = $6, advanced_certified_people = $7, customer_references = $8, executive_sponsor = $9, \
         ipp_score = $10, updated_at = $11, certifications = $12",
        partner_id,
        &row.quarter,
        row.sourced_revenue_minor,
        row.qbrs,
        row.co_marketing,
        row.certified_people,
        row.advanced_certified_people,
        row.customer_references,
        &row.executive_sponsor,
        row.ipp_score,
        at,
        &row.certifications,
    ))
    .await?;
    Ok(())
}
