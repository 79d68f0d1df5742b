//! What the dashboard is asked and what it answers.

use domain::dashboard::Metric;
use rust_decimal::Decimal;

use crate::insight::BandCount;

/// What the dashboard shows: every field may be left empty.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The quarter, e.g. 2026-Q4 (default: the quarter under way).
    pub quarter: String,
    /// Only partners of this tier (its key).
    pub tier: String,
    /// Only partners covering this region: north_america, latin_america, emea, apac.
    pub region: String,
    /// Only partners this user (id) manages.
    pub owner: String,
}

/// The dashboard of one quarter, every amount in the program currency.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DashboardView {
    /// e.g. "2026-Q4".
    pub quarter: String,
    /// The last day the figures count (the quarter's last day, or today while it runs).
    pub through: String,
    pub currency: String,
    pub metrics: Vec<Metric>,
    /// Open deals of partners in the program, by the partner's tier, type and region (a
    /// partner covering two regions counts in both).
    pub pipeline_by_tier: Vec<Slice>,
    pub pipeline_by_type: Vec<Slice>,
    pub pipeline_by_region: Vec<Slice>,
    /// Open deals by quarter of expected close and forecast category.
    pub pipeline_by_stage: Vec<StageCell>,
    /// Partners in the program per tier, lowest tier first.
    pub tiers: Vec<TierCount>,
    /// Partners per health band in the latest daily run (program-wide).
    pub health: Vec<BandCount>,
    /// The internal survey's last rounds, oldest first: the Internal NPS card's trend.
    pub internal_nps_trend: Vec<crate::internal_nps::RoundScore>,
    /// Amounts left out of the figures for want of a rate, e.g. "JPY 10,000 in 1 open deal — no
    /// JPY rate".
    pub unconverted: Vec<String>,
    /// What the filters do not narrow, and how some figures are made.
    pub notes: Vec<String>,
}

/// Open deals of one group of partners.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Slice {
    /// The stored key (tier key, partner type, region), "" for partners without one.
    pub key: String,
    pub label: String,
    /// Partners of the group with open deals.
    pub partners: usize,
    pub deals: usize,
    pub value: Decimal,
    /// Value times probability.
    pub weighted: Decimal,
}

/// Open deals of one quarter of expected close and forecast category.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StageCell {
    pub quarter: String,
    pub forecast_category: String,
    pub label: String,
    pub deals: usize,
    pub value: Decimal,
    pub weighted: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TierCount {
    pub key: String,
    pub name: String,
    pub partners: usize,
}
