//! Money policies: MDF budgets and claims, commissions, rebates, referral fees, payouts.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::checks::{Checks, at_least_one, dec, not_negative, percent, rising};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MdfBudgetBasis {
    /// The tier's `mdf_per_year` benefit.
    Tier,
    /// `revenue_percent` of the partner's trailing-12-month sourced revenue.
    RevenuePercent,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mdf {
    pub budget_basis: MdfBudgetBasis,
    pub revenue_percent: Decimal,
    pub discretionary_pool: Decimal,
    /// A request is approvable only when projected pipeline ≥ this multiple of its spend.
    pub min_pipeline_multiple: Decimal,
    pub submit_days_before_activity: u32,
    pub claim_deadline_days: u32,
    pub reimbursement_days: u32,
    pub attribution_days: u32,
    pub purposes: Vec<String>,
}

impl Default for Mdf {
    fn default() -> Self {
        Self {
            budget_basis: MdfBudgetBasis::Tier,
            revenue_percent: dec(15),
            discretionary_pool: Decimal::ZERO,
            min_pipeline_multiple: dec(5),
            submit_days_before_activity: 14,
            claim_deadline_days: 60,
            reimbursement_days: 30,
            attribution_days: 30,
            purposes: ["event", "campaign", "collateral", "digital"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl Mdf {
    pub(super) fn check(&self, checks: &mut Checks) {
        percent(checks, "mdf.revenue_percent", self.revenue_percent);
        not_negative(checks, "mdf.discretionary_pool", self.discretionary_pool);
        not_negative(
            checks,
            "mdf.min_pipeline_multiple",
            self.min_pipeline_multiple,
        );
        at_least_one(checks, "mdf.claim_deadline_days", self.claim_deadline_days);
        at_least_one(checks, "mdf.attribution_days", self.attribution_days);
        if self.purposes.is_empty() {
            checks.error(
                "mdf.purposes",
                "mdf.purposes is empty: no request could name a purpose".into(),
                "list at least one purpose, e.g. [\"event\", \"campaign\"]",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    /// Quarterly closed-won revenue from which the multiplier applies.
    pub from: Decimal,
    pub multiplier: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clawback {
    /// The customer churned within this many months of the deal closing.
    pub within_months: u32,
    pub percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rebate {
    /// Annual partner revenue above which the rebate applies.
    pub above: Decimal,
    pub percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralFees {
    pub new_customer_percent: Decimal,
    pub expansion_percent: Decimal,
    pub min_fee: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payouts {
    /// Days after the customer pays.
    pub net_days: u32,
    pub pay_day_of_month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Commissions {
    /// Percent of closed-won revenue by tier key; tiers not listed earn no commission.
    pub rate_percent_by_tier: BTreeMap<String, Decimal>,
    pub accelerators: Vec<Accelerator>,
    pub new_logo_bonus_percent: Decimal,
    pub expansion_bonus_percent: Decimal,
    pub multi_year_bonus_percent: Decimal,
    pub clawback: Vec<Clawback>,
    pub min_deal: Decimal,
    pub cap_percent_of_deal: Decimal,
    pub dispute_days: u32,
    pub rebates: Vec<Rebate>,
    pub referral_fees: ReferralFees,
    pub payouts: Payouts,
}

impl Default for Commissions {
    fn default() -> Self {
        Self {
            rate_percent_by_tier: [
                ("bronze", 10),
                ("silver", 15),
                ("gold", 20),
                ("platinum", 20),
            ]
            .into_iter()
            .map(|(tier, rate)| (tier.to_owned(), dec(rate)))
            .collect(),
            accelerators: [
                (0, Decimal::ONE),
                (25_000, Decimal::new(125, 2)),
                (50_000, Decimal::new(15, 1)),
                (100_000, dec(2)),
            ]
            .into_iter()
            .map(|(from, multiplier)| Accelerator {
                from: dec(from),
                multiplier,
            })
            .collect(),
            new_logo_bonus_percent: dec(5),
            expansion_bonus_percent: dec(3),
            multi_year_bonus_percent: dec(2),
            clawback: vec![
                Clawback {
                    within_months: 6,
                    percent: dec(100),
                },
                Clawback {
                    within_months: 12,
                    percent: dec(50),
                },
            ],
            min_deal: dec(1_000),
            cap_percent_of_deal: dec(50),
            dispute_days: 30,
            rebates: [(250_000, 5), (500_000, 10), (1_000_000, 15)]
                .into_iter()
                .map(|(above, percent)| Rebate {
                    above: dec(above),
                    percent: dec(percent),
                })
                .collect(),
            referral_fees: ReferralFees {
                new_customer_percent: dec(10),
                expansion_percent: dec(5),
                min_fee: dec(500),
            },
            payouts: Payouts {
                net_days: 30,
                pay_day_of_month: 15,
            },
        }
    }
}

impl Commissions {
    pub(super) fn check(&self, checks: &mut Checks, tiers: &[String]) {
        for (tier, rate) in &self.rate_percent_by_tier {
            let path = format!("commissions.rate_percent_by_tier.{tier}");
            checks.known_tier(&path, tier, tiers);
            percent(checks, &path, *rate);
        }
        for (i, step) in self.accelerators.iter().enumerate() {
            not_negative(
                checks,
                &format!("commissions.accelerators.{i}.from"),
                step.from,
            );
            if step.multiplier < Decimal::ONE {
                checks.error(
                    &format!("commissions.accelerators.{i}.multiplier"),
                    format!("accelerator multiplier {} is below 1", step.multiplier),
                    "an accelerator raises commission: write 1.0 or more",
                );
            }
        }
        let starts: Vec<Decimal> = self.accelerators.iter().map(|a| a.from).collect();
        rising(checks, "commissions.accelerators", "from", &starts);
        for (name, value) in [
            ("new_logo_bonus_percent", self.new_logo_bonus_percent),
            ("expansion_bonus_percent", self.expansion_bonus_percent),
            ("multi_year_bonus_percent", self.multi_year_bonus_percent),
            ("cap_percent_of_deal", self.cap_percent_of_deal),
        ] {
            percent(checks, &format!("commissions.{name}"), value);
        }
        for (i, rule) in self.clawback.iter().enumerate() {
            percent(
                checks,
                &format!("commissions.clawback.{i}.percent"),
                rule.percent,
            );
        }
        let months: Vec<Decimal> = self
            .clawback
            .iter()
            .map(|c| c.within_months.into())
            .collect();
        rising(checks, "commissions.clawback", "within_months", &months);
        not_negative(checks, "commissions.min_deal", self.min_deal);
        for (i, rebate) in self.rebates.iter().enumerate() {
            percent(
                checks,
                &format!("commissions.rebates.{i}.percent"),
                rebate.percent,
            );
        }
        let thresholds: Vec<Decimal> = self.rebates.iter().map(|r| r.above).collect();
        rising(checks, "commissions.rebates", "above", &thresholds);
        let fees = &self.referral_fees;
        percent(
            checks,
            "commissions.referral_fees.new_customer_percent",
            fees.new_customer_percent,
        );
        percent(
            checks,
            "commissions.referral_fees.expansion_percent",
            fees.expansion_percent,
        );
        not_negative(checks, "commissions.referral_fees.min_fee", fees.min_fee);
        if !(1..=28).contains(&self.payouts.pay_day_of_month) {
            checks.error(
                "commissions.payouts.pay_day_of_month",
                format!(
                    "pay_day_of_month {} is not a day every month has",
                    self.payouts.pay_day_of_month
                ),
                "choose a day from 1 to 28",
            );
        }
    }

    /// The accelerator multiplier for a quarter's closed-won revenue.
    pub fn accelerator_for(&self, quarter_revenue: Decimal) -> Decimal {
        self.accelerators
            .iter()
            .rev()
            .find(|step| quarter_revenue >= step.from)
            .map_or(Decimal::ONE, |step| step.multiplier)
    }
}
