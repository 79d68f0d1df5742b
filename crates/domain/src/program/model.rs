//! The checked program: its tiers with their criteria and benefits, the review and
//! progression rules, and the sections other modules define.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{certifications, ipp, onboarding, policy, scoring_3c4c};

crate::choice_enum! {
    /// The most senior executive sponsoring the partnership on the partner's side.
    SponsorLevel {
        None => ("none", "None"),
        Vp => ("vp", "VP"),
        CLevel => ("c_level", "C-level executive"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    None,
    Shared,
    Dedicated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormalReview {
    Quarterly,
    SemiAnnual,
    Annual,
}

/// What a partner must show to enter (or keep) a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria {
    pub sourced_revenue_12m: Decimal,
    pub certified_people: u32,
    pub advanced_certified_people: u32,
    pub customer_references: u32,
    pub qbrs_per_year: u32,
    pub executive_sponsor: SponsorLevel,
    pub co_marketing_per_year: u32,
    pub min_ipp_score: u32,
    /// People holding each certification of the catalog (by key).
    pub certifications: std::collections::BTreeMap<String, u32>,
}

/// What a tier gives the partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benefits {
    pub discount_percent: Decimal,
    pub mdf_per_year: Decimal,
    pub deal_protection_days: u32,
    pub support_response_hours: u32,
    pub partner_manager: Coverage,
    pub portal_sections: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierDef {
    pub key: String,
    pub name: String,
    pub entry: Criteria,
    pub keep: Criteria,
    pub benefits: Benefits,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub evaluation: Cadence,
    pub formal: FormalReview,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progression {
    pub upgrade_after_quarters: u32,
    pub downgrade_after_quarters: u32,
    pub downgrade_notice_days: u32,
    pub remediation_days: u32,
    pub missed_qbrs_before_downgrade: u32,
    pub certification_lapse_triggers_downgrade: bool,
    pub max_open_proposals_per_period: u32,
}

/// A checked program definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub name: String,
    pub currency: String,
    pub review: Review,
    pub progression: Progression,
    /// Lowest first.
    pub tiers: Vec<TierDef>,
    pub certifications: Vec<certifications::Certification>,
    pub onboarding: onboarding::Onboarding,
    pub policies: policy::Policies,
    pub ipp: ipp::Ipp,
    pub scoring_3c4c: scoring_3c4c::Scoring3c4c,
}

impl Program {
    /// The tier keys, lowest first.
    pub fn tier_keys(&self) -> Vec<String> {
        self.tiers.iter().map(|t| t.key.clone()).collect()
    }

    /// The certification catalog's keys.
    pub fn certification_keys(&self) -> Vec<String> {
        self.certifications.iter().map(|c| c.key.clone()).collect()
    }

    pub fn tier_index(&self, key: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t.key == key)
    }

    /// The tier's name; a key the program no longer defines is shown as it is.
    pub fn tier_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.tier_index(key)
            .map_or(key, |i| self.tiers[i].name.as_str())
    }
}
