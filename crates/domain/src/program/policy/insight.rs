//! What the program measures: its targets and the partner health score.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::checks::{Checks, at_least_one, dec, not_negative, percent};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Targets {
    pub partner_sourced_leads_growth_mom_percent: Decimal,
    pub deal_velocity_days: u32,
    pub stale_deal_days: u32,
    pub sourced_revenue_share_percent: Decimal,
    pub partner_retention_percent: Decimal,
    pub partner_nps: i32,
    /// The internal survey's mean (0–10) should end above this (the seed's "> 7").
    pub internal_nps: i32,
    /// A partner is active with a closed deal or registration within this many months.
    pub active_partner_months: u32,
    pub inactivity_flag_days: u32,
    pub revenue_drop_flag_percent: Decimal,
    pub day30_certified_reps: u32,
    pub day30_pipeline: Decimal,
    pub day30_registered_deals: u32,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            partner_sourced_leads_growth_mom_percent: dec(20),
            deal_velocity_days: 45,
            stale_deal_days: 30,
            sourced_revenue_share_percent: dec(30),
            partner_retention_percent: dec(80),
            partner_nps: 50,
            internal_nps: 7,
            active_partner_months: 6,
            inactivity_flag_days: 30,
            revenue_drop_flag_percent: dec(20),
            day30_certified_reps: 3,
            day30_pipeline: dec(50_000),
            day30_registered_deals: 1,
        }
    }
}

impl Targets {
    pub(super) fn check(&self, checks: &mut Checks) {
        for (name, value) in [
            ("deal_velocity_days", self.deal_velocity_days),
            ("stale_deal_days", self.stale_deal_days),
            ("active_partner_months", self.active_partner_months),
            ("inactivity_flag_days", self.inactivity_flag_days),
        ] {
            at_least_one(checks, &format!("targets.{name}"), value);
        }
        for (name, value) in [
            (
                "sourced_revenue_share_percent",
                self.sourced_revenue_share_percent,
            ),
            ("partner_retention_percent", self.partner_retention_percent),
            ("revenue_drop_flag_percent", self.revenue_drop_flag_percent),
        ] {
            percent(checks, &format!("targets.{name}"), value);
        }
        if !(-100..=100).contains(&self.partner_nps) {
            checks.error(
                "targets.partner_nps",
                format!(
                    "targets.partner_nps is {}, outside -100 to 100",
                    self.partner_nps
                ),
                "a net promoter score runs from -100 to 100",
            );
        }
        // The internal survey's score is the mean of 0-10 answers (`domain::internal_nps`),
        // which must end above the target: a target of 10 could never be met.
        if !(0..=9).contains(&self.internal_nps) {
            checks.error(
                "targets.internal_nps",
                format!("targets.internal_nps is {}, outside 0 to 9", self.internal_nps),
                "the internal survey scores the mean of 0-10 answers, which must end above the target",
            );
        }
        not_negative(checks, "targets.day30_pipeline", self.day30_pipeline);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthWeights {
    pub revenue: u32,
    pub engagement: u32,
    pub capability: u32,
    pub growth: u32,
    pub satisfaction: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthScore {
    pub weights: HealthWeights,
    pub healthy_from: u32,
    pub at_risk_from: u32,
    /// Engagement earns full marks with this many registrations, leads and counted
    /// activities in the last 90 days (fewer score in proportion).
    pub engagement_events_for_full_marks: u32,
    /// Growth earns full marks at this much closed-won growth quarter on quarter (and none
    /// at as much decline); no change scores 50.
    pub growth_full_marks_percent: Decimal,
}

impl Default for HealthScore {
    fn default() -> Self {
        Self {
            weights: HealthWeights {
                revenue: 30,
                engagement: 20,
                capability: 20,
                growth: 15,
                satisfaction: 15,
            },
            healthy_from: 80,
            at_risk_from: 50,
            engagement_events_for_full_marks: 6,
            growth_full_marks_percent: dec(20),
        }
    }
}

impl HealthScore {
    pub(super) fn check(&self, checks: &mut Checks) {
        let w = &self.weights;
        checks.weights_sum_to_100(
            "health_score.weights",
            w.revenue + w.engagement + w.capability + w.growth + w.satisfaction,
        );
        if !(self.at_risk_from < self.healthy_from && self.healthy_from <= 100) {
            checks.error(
                "health_score.healthy_from",
                format!(
                    "health bands overlap: at_risk_from {} must be below healthy_from {} (≤ 100)",
                    self.at_risk_from, self.healthy_from
                ),
                "make at_risk_from < healthy_from ≤ 100 (default 50 and 80)",
            );
        }
        at_least_one(
            checks,
            "health_score.engagement_events_for_full_marks",
            self.engagement_events_for_full_marks,
        );
        if self.growth_full_marks_percent <= Decimal::ZERO {
            checks.error(
                "health_score.growth_full_marks_percent",
                format!(
                    "health_score.growth_full_marks_percent is {}, not above 0",
                    self.growth_full_marks_percent
                ),
                "the growth that earns full marks, e.g. 20 (percent quarter on quarter)",
            );
        }
    }
}
