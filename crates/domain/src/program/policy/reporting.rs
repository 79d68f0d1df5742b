//! How the program dashboard colours its figures and when the performance tracker flags a
//! partner as underperforming.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::checks::{Checks, at_least_one, dec, not_negative, percent};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Dashboard {
    /// A figure this close to its target (in percent of the target) is amber, not red.
    pub amber_within_percent: Decimal,
    /// Partner-sourced closed-won revenue the program aims for each quarter, in the program
    /// currency; 0 when no target is set (the dashboard then says so).
    pub partner_revenue_per_quarter: Decimal,
}

impl Default for Dashboard {
    fn default() -> Self {
        Self {
            amber_within_percent: dec(10),
            partner_revenue_per_quarter: Decimal::ZERO,
        }
    }
}

impl Dashboard {
    pub(super) fn check(&self, checks: &mut Checks) {
        percent(
            checks,
            "dashboard.amber_within_percent",
            self.amber_within_percent,
        );
        not_negative(
            checks,
            "dashboard.partner_revenue_per_quarter",
            self.partner_revenue_per_quarter,
        );
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tracker {
    /// A month's closed-won revenue below this percent of the tier's monthly pace (the
    /// tier's 12-month revenue to keep it, over 12) is a slow month.
    pub underperform_below_percent: Decimal,
    /// This many slow months in a row flag the partner as underperforming.
    pub underperform_months: u32,
}

impl Default for Tracker {
    fn default() -> Self {
        Self {
            underperform_below_percent: dec(50),
            underperform_months: 2,
        }
    }
}

impl Tracker {
    pub(super) fn check(&self, checks: &mut Checks) {
        percent(
            checks,
            "tracker.underperform_below_percent",
            self.underperform_below_percent,
        );
        at_least_one(
            checks,
            "tracker.underperform_months",
            self.underperform_months,
        );
    }
}

/// The internal NPS survey: how often a round opens. Its target is `targets.internal_nps`
/// (one source for it), read on the survey's scale: the mean of 0–10 answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InternalNps {
    /// quarterly or monthly.
    pub cadence: crate::internal_nps::Cadence,
}

impl Default for InternalNps {
    fn default() -> Self {
        Self {
            cadence: crate::internal_nps::Cadence::Quarterly,
        }
    }
}
