//! Deal registration and co-sell policies: stages, auto-approval, protection, credit splits.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::checks::{Checks, at_least_one, dec, not_negative, percent};

/// Deal stages in sales order; closed stages are outcomes, not steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealStage {
    Discovery,
    Demo,
    Proposal,
    Negotiation,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoApproveRule {
    /// A tier key; partners in this tier or above it are auto-approved under the limit.
    pub tier: String,
    /// Deals strictly below this size (program currency) are approved without review.
    pub below_deal_size: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DealRegistration {
    pub decision_sla_business_days: u32,
    pub max_extensions: u32,
    pub extension_days: u32,
    /// Days before protection ends when the partner is warned, largest first.
    pub expiry_warning_days: Vec<u32>,
    pub same_day_ties_go_to_review: bool,
    pub direct_relationship_wins: bool,
    /// Name similarity (0-1) from which two customers are treated as possibly the same.
    pub fuzzy_match_threshold: Decimal,
    pub auto_approve: Vec<AutoApproveRule>,
    /// The urgency of the channel-conflict escalation case a registration whose conflict
    /// check is not clear opens at submission.
    #[serde(deserialize_with = "conflict_urgency")]
    pub conflict_urgency: super::alignment::Urgency,
    /// `holidays` of a program written before `[business_hours]` held the one list of days
    /// off: still read, and moved there when the program is parsed (with a warning), so a
    /// stored version keeps loading and the decision SLA and escalation clocks agree. Always
    /// empty in a parsed program: read `business_hours.holidays`.
    #[serde(rename = "holidays", deserialize_with = "holiday_dates")]
    pub moved_holidays: Vec<time::Date>,
}

/// An urgency key, refused with the key's full name (serde alone names only the value).
fn conflict_urgency<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<super::alignment::Urgency, D::Error> {
    use crate::validation::Choice;
    use serde::de::Error;
    let text = String::deserialize(deserializer)?;
    super::alignment::Urgency::parse(&text).ok_or_else(|| {
        D::Error::custom(format!(
            "deal_registration.conflict_urgency is '{text}', not one of p1, p2, p3, p4"
        ))
    })
}

/// Holidays as TOML dates (2026-12-25) or strings ("2026-12-25").
fn holiday_dates<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<time::Date>, D::Error> {
    use serde::de::Error;
    let values = Vec::<toml::Value>::deserialize(deserializer)?;
    values
        .iter()
        .map(|value| {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
                other => other.to_string(),
            };
            crate::validation::date(&text).map_err(|e| D::Error::custom(format!("holiday {e}")))
        })
        .collect()
}

impl Default for DealRegistration {
    fn default() -> Self {
        Self {
            decision_sla_business_days: 2,
            max_extensions: 1,
            extension_days: 30,
            expiry_warning_days: vec![14, 3],
            same_day_ties_go_to_review: true,
            direct_relationship_wins: true,
            fuzzy_match_threshold: Decimal::new(85, 2),
            auto_approve: vec![
                AutoApproveRule {
                    tier: "gold".into(),
                    below_deal_size: dec(50_000),
                },
                AutoApproveRule {
                    tier: "platinum".into(),
                    below_deal_size: dec(100_000),
                },
            ],
            conflict_urgency: super::alignment::Urgency::P3,
            moved_holidays: Vec::new(),
        }
    }
}

impl DealRegistration {
    pub(super) fn check(&self, checks: &mut Checks, tiers: &[String]) {
        at_least_one(
            checks,
            "deal_registration.decision_sla_business_days",
            self.decision_sla_business_days,
        );
        if self.max_extensions > 0 {
            at_least_one(
                checks,
                "deal_registration.extension_days",
                self.extension_days,
            );
        }
        if let Some(i) = self
            .expiry_warning_days
            .windows(2)
            .position(|w| w[0] <= w[1])
        {
            checks.error(
                &format!("deal_registration.expiry_warning_days.{}", i + 1),
                "deal_registration.expiry_warning_days must run from the largest to the smallest, without repeats".into(),
                "write them as e.g. [14, 3]",
            );
        }
        let threshold = self.fuzzy_match_threshold;
        if threshold <= Decimal::ZERO || threshold > Decimal::ONE {
            checks.error(
                "deal_registration.fuzzy_match_threshold",
                format!("deal_registration.fuzzy_match_threshold is {threshold}, outside 0-1"),
                "write a similarity between 0 and 1; 0.85 catches typos without flagging unrelated names",
            );
        }
        for (i, rule) in self.auto_approve.iter().enumerate() {
            checks.known_tier(
                &format!("deal_registration.auto_approve.{i}.tier"),
                &rule.tier,
                tiers,
            );
            not_negative(
                checks,
                &format!("deal_registration.auto_approve.{i}.below_deal_size"),
                rule.below_deal_size,
            );
        }
    }

    /// The auto-approval limit for a partner in `tier` (the most generous rule at or below
    /// its tier), if any rule covers it.
    pub fn auto_approve_limit(&self, tier: &str, tier_order: &[String]) -> Option<Decimal> {
        let rank = tier_order.iter().position(|t| t == tier)?;
        self.auto_approve
            .iter()
            .filter(|rule| {
                tier_order
                    .iter()
                    .position(|t| *t == rule.tier)
                    .is_some_and(|r| r <= rank)
            })
            .map(|rule| rule.below_deal_size)
            .max()
    }
}

/// The partner's share of deal credit in each selling motion (percent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditSplits {
    pub partner_led: Decimal,
    pub vendor_led: Decimal,
    pub co_sell: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoSell {
    pub required_when_partner_sourced: bool,
    /// Deals above this size (program currency) must be co-sold.
    pub required_above: Decimal,
    /// Moving a deal past this stage needs a logged joint call.
    pub joint_call_required_after: DealStage,
    pub credit_requires_logged_activity: bool,
    pub check_in_every_days: u32,
    pub internal_rep_bonus_percent: Decimal,
    pub partner_credit_percent: CreditSplits,
}

impl Default for CoSell {
    fn default() -> Self {
        Self {
            required_when_partner_sourced: true,
            required_above: dec(50_000),
            joint_call_required_after: DealStage::Discovery,
            credit_requires_logged_activity: true,
            check_in_every_days: 7,
            internal_rep_bonus_percent: dec(5),
            partner_credit_percent: CreditSplits {
                partner_led: dec(70),
                vendor_led: dec(30),
                co_sell: dec(50),
            },
        }
    }
}

impl CoSell {
    pub(super) fn check(&self, checks: &mut Checks) {
        not_negative(checks, "co_sell.required_above", self.required_above);
        at_least_one(
            checks,
            "co_sell.check_in_every_days",
            self.check_in_every_days,
        );
        percent(
            checks,
            "co_sell.internal_rep_bonus_percent",
            self.internal_rep_bonus_percent,
        );
        let splits = &self.partner_credit_percent;
        for (name, value) in [
            ("partner_led", splits.partner_led),
            ("vendor_led", splits.vendor_led),
            ("co_sell", splits.co_sell),
        ] {
            percent(
                checks,
                &format!("co_sell.partner_credit_percent.{name}"),
                value,
            );
        }
    }
}
