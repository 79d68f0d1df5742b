//! Typed quarters as stored (`store::facts::QuarterRow`) and as the rules read them
//! (`QuarterFacts`).

use domain::program::SponsorLevel;
use domain::program::history::{self, QuarterFacts};
use domain::quarter::Quarter;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::{Error, Result};

pub(crate) fn from_row(row: &store::facts::QuarterRow) -> Result<QuarterFacts> {
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    Ok(QuarterFacts {
        quarter: Quarter::parse(&row.quarter)
            .map_err(|e| Error::Store(store::Error::Corrupt(format!("quarter: {e}"))))?,
        sourced_revenue: Decimal::new(row.sourced_revenue_minor, 2),
        qbrs: count(row.qbrs),
        co_marketing: count(row.co_marketing),
        certified_people: count(row.certified_people),
        advanced_certified_people: count(row.advanced_certified_people),
        customer_references: count(row.customer_references),
        executive_sponsor: match row.executive_sponsor.as_str() {
            "vp" => Some(SponsorLevel::Vp),
            "c_level" => Some(SponsorLevel::CLevel),
            _ => None,
        },
        ipp_score: count(row.ipp_score),
        certifications: serde_json::from_str(&row.certifications)
            .map_err(|e| Error::Store(store::Error::Corrupt(format!("certifications: {e}"))))?,
    })
}

pub(crate) fn to_row(facts: &QuarterFacts) -> store::facts::QuarterRow {
    store::facts::QuarterRow {
        quarter: facts.quarter.to_string(),
        sourced_revenue_minor: (facts.sourced_revenue * Decimal::ONE_HUNDRED)
            .to_i64()
            .unwrap_or(i64::MAX),
        qbrs: facts.qbrs.into(),
        co_marketing: facts.co_marketing.into(),
        certified_people: facts.certified_people.into(),
        advanced_certified_people: facts.advanced_certified_people.into(),
        customer_references: facts.customer_references.into(),
        executive_sponsor: history::sponsor_key(facts.executive_sponsor).into(),
        ipp_score: facts.ipp_score.into(),
        certifications: serde_json::to_string(&facts.certifications)
            .expect("a map of counts serialises"),
    }
}
