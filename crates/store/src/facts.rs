//! The facts the tier engine reads about each partner (entered or imported for now).

use crate::{Result, Tx, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct FactsRow {
    pub sourced_revenue_12m_minor: i64,
    pub certified_people: i64,
    pub advanced_certified_people: i64,
    pub customer_references: i64,
    pub qbrs_per_year: i64,
    pub executive_sponsor: String,
    pub co_marketing_per_year: i64,
    pub ipp_score: i64,
}

pub async fn get(tx: &mut Tx, partner_id: Uuid) -> Result<Option<FactsRow>> {
    tx.optional(sql!(
        "SELECT sourced_revenue_12m_minor, certified_people, advanced_certified_people, customer_references, qbrs_per_year, \
         executive_sponsor, co_marketing_per_year, ipp_score FROM partner_facts WHERE partner_id = $1",
        partner_id
    ))
    .await
}

pub async fn upsert(
    tx: &mut Tx,
    partner_id: Uuid,
    facts: &FactsRow,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO partner_facts (partner_id, sourced_revenue_12m_minor, certified_people, advanced_certified_people, \
         customer_references, qbrs_per_year, executive_sponsor, co_marketing_per_year, ipp_score, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (partner_id) DO UPDATE SET sourced_revenue_12m_minor = $2, certified_people = $3, \
         advanced_certified_people = $4, customer_references = $5, qbrs_per_year = $6, executive_sponsor = $7, \
         co_marketing_per_year = $8, ipp_score = $9, updated_at = $10",
        partner_id,
        facts.sourced_revenue_12m_minor,
        facts.certified_people,
        facts.advanced_certified_people,
        facts.customer_references,
        facts.qbrs_per_year,
        &facts.executive_sponsor,
        facts.co_marketing_per_year,
        facts.ipp_score,
        at,
    ))
    .await?;
    Ok(())
}
