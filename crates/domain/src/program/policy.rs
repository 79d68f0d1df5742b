//! The policy sections of `program.toml` that the deal-registration, co-sell, MDF, commission,
//! SLA, RACI and metric features read. Each section may be left out or written in part: what
//! is not written takes the playbooks' default, so every default lives here
//! and in `default_program.toml`, and a test keeps the two equal.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::Checks;

fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

fn percent(checks: &mut Checks, path: &str, value: Decimal) {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        checks.error(
            path,
            format!("{path} is {value}, outside 0-100"),
            "write a percentage from 0 to 100, e.g. 15 for 15 %",
        );
    }
}

fn not_negative(checks: &mut Checks, path: &str, value: Decimal) {
    if value < Decimal::ZERO {
        checks.error(
            path,
            format!("{path} is negative ({value})"),
            "write 0 or a positive amount",
        );
    }
}

fn at_least_one(checks: &mut Checks, path: &str, value: u32) {
    if value == 0 {
        checks.error(
            path,
            format!("{path} is 0"),
            "write 1 or more; a zero period would make everything due at once",
        );
    }
}

/// Steps of a list of tables (`[[path]]`) must rise by `field`; the first that does not is
/// reported where it is written.
fn rising(checks: &mut Checks, path: &str, field: &str, values: &[Decimal]) {
    if let Some(i) = values.windows(2).position(|w| w[0] >= w[1]) {
        checks.error(
            &format!("{path}.{}.{field}", i + 1),
            format!(
                "{path}: {field} = {} does not rise above the {field} = {} before it",
                values[i + 1],
                values[i]
            ),
            &format!("order the [[{path}]] tables by rising {field}, without repeats"),
        );
    }
}

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
    /// Days that are not business days (besides weekends) for the decision SLA.
    #[serde(deserialize_with = "holiday_dates")]
    pub holidays: Vec<time::Date>,
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
            holidays: Vec::new(),
        }
    }
}

impl DealRegistration {
    fn check(&self, checks: &mut Checks, tiers: &[String]) {
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
    fn check(&self, checks: &mut Checks) {
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
    fn check(&self, checks: &mut Checks) {
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
    fn check(&self, checks: &mut Checks, tiers: &[String]) {
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

/// Response targets by escalation severity, in hours.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityHours {
    pub p1: u32,
    pub p2: u32,
    pub p3: u32,
    pub p4: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Slas {
    pub lead_acceptance_hours: u32,
    pub conflict_identify_hours: u32,
    pub conflict_investigate_hours: u32,
    pub conflict_resolve_hours: u32,
    pub escalate_to_vp_days: u32,
    pub escalate_to_executives_days: u32,
    pub escalation_resolution_days: u32,
    pub escalation_response_hours: SeverityHours,
    pub onboarding_kickoff_days: u32,
    pub qbr_deck_shared_days_before: u32,
}

impl Default for Slas {
    fn default() -> Self {
        Self {
            lead_acceptance_hours: 48,
            conflict_identify_hours: 24,
            conflict_investigate_hours: 48,
            conflict_resolve_hours: 72,
            escalate_to_vp_days: 7,
            escalate_to_executives_days: 14,
            escalation_resolution_days: 5,
            escalation_response_hours: SeverityHours {
                p1: 2,
                p2: 8,
                p3: 24,
                p4: 72,
            },
            onboarding_kickoff_days: 7,
            qbr_deck_shared_days_before: 7,
        }
    }
}

impl Slas {
    fn check(&self, checks: &mut Checks) {
        for (name, value) in [
            ("lead_acceptance_hours", self.lead_acceptance_hours),
            ("conflict_identify_hours", self.conflict_identify_hours),
            ("escalate_to_vp_days", self.escalate_to_vp_days),
            (
                "escalation_resolution_days",
                self.escalation_resolution_days,
            ),
            ("onboarding_kickoff_days", self.onboarding_kickoff_days),
        ] {
            at_least_one(checks, &format!("slas.{name}"), value);
        }
        if !(self.conflict_identify_hours <= self.conflict_investigate_hours
            && self.conflict_investigate_hours <= self.conflict_resolve_hours)
        {
            checks.error(
                "slas.conflict_resolve_hours",
                "conflict SLAs must grow: identify ≤ investigate ≤ resolve".into(),
                "make conflict_identify_hours ≤ conflict_investigate_hours ≤ conflict_resolve_hours",
            );
        }
        if self.escalate_to_executives_days <= self.escalate_to_vp_days {
            checks.error(
                "slas.escalate_to_executives_days",
                "escalation to executives must come after escalation to the VP".into(),
                "make escalate_to_executives_days larger than escalate_to_vp_days",
            );
        }
        let h = &self.escalation_response_hours;
        if !(h.p1 >= 1 && h.p1 <= h.p2 && h.p2 <= h.p3 && h.p3 <= h.p4) {
            checks.error(
                "slas.escalation_response_hours",
                "escalation response hours must grow from p1 to p4 and be at least 1".into(),
                "make 1 ≤ p1 ≤ p2 ≤ p3 ≤ p4 (default 2, 8, 24, 72)",
            );
        }
    }
}

/// Teams named in the RACI matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Team {
    Sales,
    Marketing,
    Product,
    Finance,
    Legal,
    CustomerSuccess,
    PartnerManager,
    Executive,
}

impl Team {
    pub fn key(self) -> &'static str {
        match self {
            Team::Sales => "sales",
            Team::Marketing => "marketing",
            Team::Product => "product",
            Team::Finance => "finance",
            Team::Legal => "legal",
            Team::CustomerSuccess => "customer_success",
            Team::PartnerManager => "partner_manager",
            Team::Executive => "executive",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Raci {
    #[serde(rename = "R")]
    Responsible,
    #[serde(rename = "A")]
    Accountable,
    #[serde(rename = "C")]
    Consulted,
    #[serde(rename = "I")]
    Informed,
}

/// Who does what for each partner activity: activity key → team → R/A/C/I. Without an R the
/// accountable team does the work itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct RaciMatrix(pub BTreeMap<String, BTreeMap<Team, Raci>>);

impl Default for RaciMatrix {
    fn default() -> Self {
        use Raci::*;
        use Team::*;
        let rows: [(&str, &[(Team, Raci)]); 6] = [
            (
                "partner_sourcing",
                &[
                    (Sales, Responsible),
                    (Marketing, Accountable),
                    (PartnerManager, Consulted),
                ],
            ),
            (
                "onboarding",
                &[
                    (Sales, Consulted),
                    (Marketing, Responsible),
                    (Product, Consulted),
                    (Finance, Consulted),
                    (PartnerManager, Accountable),
                ],
            ),
            (
                "lead_handoff",
                &[
                    (Sales, Responsible),
                    (Marketing, Accountable),
                    (PartnerManager, Consulted),
                ],
            ),
            (
                "deal_registration",
                &[(Sales, Accountable), (PartnerManager, Responsible)],
            ),
            (
                "commission_payment",
                &[
                    (Sales, Consulted),
                    (Finance, Responsible),
                    (PartnerManager, Accountable),
                ],
            ),
            (
                "contract_review",
                &[
                    (Sales, Consulted),
                    (Marketing, Consulted),
                    (Product, Consulted),
                    (Finance, Consulted),
                    (PartnerManager, Accountable),
                ],
            ),
        ];
        Self(
            rows.into_iter()
                .map(|(activity, cells)| (activity.to_owned(), cells.iter().copied().collect()))
                .collect(),
        )
    }
}

impl RaciMatrix {
    fn check(&self, checks: &mut Checks) {
        for (activity, row) in &self.0 {
            let path = format!("raci.{activity}");
            let accountable = row.values().filter(|r| **r == Raci::Accountable).count();
            if accountable != 1 {
                checks.error(
                    &path,
                    format!("raci.{activity} has {accountable} accountable teams (A)"),
                    "give every activity exactly one \"A\": one team answers for the outcome",
                );
            }
        }
    }

    /// The team accountable for an activity, if the matrix names it.
    pub fn accountable(&self, activity: &str) -> Option<Team> {
        self.0
            .get(activity)?
            .iter()
            .find(|(_, r)| **r == Raci::Accountable)
            .map(|(team, _)| *team)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Targets {
    pub partner_sourced_leads_growth_mom_percent: Decimal,
    pub deal_velocity_days: u32,
    pub stale_deal_days: u32,
    pub sourced_revenue_share_percent: Decimal,
    pub partner_retention_percent: Decimal,
    pub partner_nps: i32,
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
    fn check(&self, checks: &mut Checks) {
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
        for (name, value) in [
            ("partner_nps", self.partner_nps),
            ("internal_nps", self.internal_nps),
        ] {
            if !(-100..=100).contains(&value) {
                checks.error(
                    &format!("targets.{name}"),
                    format!("targets.{name} is {value}, outside -100 to 100"),
                    "a net promoter score runs from -100 to 100",
                );
            }
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
        }
    }
}

impl HealthScore {
    fn check(&self, checks: &mut Checks) {
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
    }
}

/// What a partner must hold before it may do something (deal registration, MDF requests).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// deal_registration | mdf_request
    pub action: GatedAction,
    /// People with an active certification matching `track` and `min_level`.
    pub min_people: u32,
    #[serde(default)]
    pub track: Option<super::certifications::Track>,
    #[serde(default)]
    pub min_level: Option<super::certifications::Level>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GatedAction {
    DealRegistration,
    MdfRequest,
}

impl GatedAction {
    pub fn label(self) -> &'static str {
        match self {
            GatedAction::DealRegistration => "register deals",
            GatedAction::MdfRequest => "request MDF",
        }
    }
}

/// An ordered series of certifications a person works through (e.g. sales foundation, then
/// advanced, then expert).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningPath {
    pub key: String,
    pub name: String,
    /// Certification catalog keys, in the order they are earned.
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Enablement {
    /// Days before a certification expires when the person and their partner are reminded.
    pub reminder_days: Vec<u32>,
    pub gates: Vec<Gate>,
    pub learning_paths: Vec<LearningPath>,
}

impl Default for Enablement {
    fn default() -> Self {
        use super::certifications::Track;
        Self {
            reminder_days: vec![90, 30, 7],
            gates: vec![
                Gate {
                    action: GatedAction::DealRegistration,
                    min_people: 1,
                    track: Some(Track::Sales),
                    min_level: None,
                },
                Gate {
                    action: GatedAction::MdfRequest,
                    min_people: 1,
                    track: None,
                    min_level: None,
                },
            ],
            learning_paths: ["sales", "technical"]
                .into_iter()
                .map(|track| LearningPath {
                    key: format!("{track}_path"),
                    name: format!("{}{} path", track[..1].to_uppercase(), &track[1..]),
                    steps: ["foundation", "advanced", "expert"]
                        .iter()
                        .map(|level| format!("{track}_{level}"))
                        .collect(),
                })
                .collect(),
        }
    }
}

impl Enablement {
    fn check(&self, checks: &mut Checks, certification_keys: &[&str]) {
        for (i, path) in self.learning_paths.iter().enumerate() {
            if self.learning_paths[..i].iter().any(|p| p.key == path.key) {
                checks.error(
                    &format!("enablement.learning_paths.{i}.key"),
                    format!("learning path key '{}' is used twice", path.key),
                    "give every learning path its own key",
                );
            }
            if path.steps.is_empty() {
                checks.error(
                    &format!("enablement.learning_paths.{i}.steps"),
                    format!("learning path '{}' has no steps", path.key),
                    "list the certification keys to earn, in order",
                );
            }
            for (j, step) in path.steps.iter().enumerate() {
                if !certification_keys.contains(&step.as_str()) {
                    checks.error(
                        &format!("enablement.learning_paths.{i}.steps.{j}"),
                        format!(
                            "learning path '{}' names certification '{step}', which is not in the catalog",
                            path.key
                        ),
                        &format!("use one of: {}", certification_keys.join(", ")),
                    );
                } else if path.steps[..j].contains(step) {
                    checks.error(
                        &format!("enablement.learning_paths.{i}.steps.{j}"),
                        format!("learning path '{}' lists '{step}' twice", path.key),
                        "list each certification once",
                    );
                }
            }
        }
        if self.reminder_days.is_empty() || !self.reminder_days.windows(2).all(|w| w[0] > w[1]) {
            checks.error(
                "enablement.reminder_days",
                "enablement.reminder_days must list at least one day, from the largest to the smallest".into(),
                "write them as e.g. [90, 30, 7]",
            );
        }
    }

    /// From this many days before expiry a certification shows as expiring.
    pub fn expiring_within(&self) -> u32 {
        self.reminder_days.first().copied().unwrap_or(0)
    }
}

/// Every policy section, as read from the file or defaulted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policies {
    pub deal_registration: DealRegistration,
    pub co_sell: CoSell,
    pub mdf: Mdf,
    pub commissions: Commissions,
    pub slas: Slas,
    pub raci: RaciMatrix,
    pub targets: Targets,
    pub health_score: HealthScore,
    pub enablement: Enablement,
}

impl Policies {
    pub(super) fn check(&self, checks: &mut Checks, tiers: &[String], certification_keys: &[&str]) {
        self.deal_registration.check(checks, tiers);
        self.co_sell.check(checks);
        self.mdf.check(checks);
        self.commissions.check(checks, tiers);
        self.slas.check(checks);
        self.raci.check(checks);
        self.targets.check(checks);
        self.health_score.check(checks);
        self.enablement.check(checks, certification_keys);
    }
}
