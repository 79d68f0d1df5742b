//! Internal alignment policies: SLAs by escalation severity and the RACI matrix.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checks::{Checks, at_least_one};

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
    pub(super) fn check(&self, checks: &mut Checks) {
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
    pub(super) fn check(&self, checks: &mut Checks) {
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
