//! The onboarding checklist template: what a partner and our teams
//! do after signing, who owns each item, when it is due, what evidence closes it and which
//! items the system can observe and close itself.

use serde::Deserialize;
use time::{Date, Duration};

use super::issues::Checks;
use super::policy::{RaciMatrix, Team};
use crate::alignment::{Activity, route};

/// Who ticks an item: one of our teams (from the RACI) or the partner's own people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Owner {
    Team(Team),
    Partner(PartnerSide),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerSide {
    Partner,
}

impl Owner {
    /// How it is stored and shown: a team key or "partner".
    pub fn key(self) -> &'static str {
        match self {
            Owner::Team(team) => team.key(),
            Owner::Partner(_) => "partner",
        }
    }
}

impl Evidence {
    pub fn key(self) -> &'static str {
        match self {
            Evidence::None => "none",
            Evidence::File => "file",
            Evidence::Link => "link",
        }
    }
}

impl Observed {
    pub fn key(self) -> &'static str {
        match self {
            Observed::FirstDealRegistered => "first_deal_registered",
            Observed::FirstDealWon => "first_deal_won",
            Observed::SalesCertificationEarned => "sales_certification_earned",
            Observed::FirstQbrScheduled => "first_qbr_scheduled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    None,
    File,
    Link,
}

/// Facts the system observes that complete an item on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    FirstDealRegistered,
    FirstDealWon,
    SalesCertificationEarned,
    FirstQbrScheduled,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemTemplate {
    pub key: String,
    /// legal, portal, training, gtm, comms, marketing or first_opportunity (free text).
    pub phase: String,
    pub title: String,
    pub owner: Owner,
    /// Days after the start of onboarding when it is due (Day 0 = 0, Week 1 = 7, …).
    pub due_days: u32,
    #[serde(default = "no_evidence")]
    pub evidence: Evidence,
    #[serde(default)]
    pub completes_when: Option<Observed>,
    /// A contract to sign (NDA, MSA, program agreement): done by `[raci] contract_review`'s
    /// Responsible team, its Accountable one told. Unwritten, the items of phase "legal" are.
    #[serde(default)]
    pub contract: Option<bool>,
}

impl ItemTemplate {
    /// Whether the item is a contract, routed by `contract_review` (see `contract`).
    pub fn is_contract(&self) -> bool {
        self.contract.unwrap_or(self.phase == "legal")
    }
}

fn no_evidence() -> Evidence {
    Evidence::None
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Onboarding {
    /// Days after the start when a health check (on track / at risk / off track) is due.
    pub health_check_days: Vec<u32>,
    pub items: Vec<ItemTemplate>,
}

impl Default for Onboarding {
    fn default() -> Self {
        use Owner::{Partner as P, Team as T};
        use PartnerSide::Partner;
        use Team::*;
        let item = |key: &str,
                    phase: &str,
                    title: &str,
                    owner: Owner,
                    due_days: u32,
                    evidence: Evidence,
                    completes_when: Option<Observed>| ItemTemplate {
            key: key.into(),
            phase: phase.into(),
            title: title.into(),
            owner,
            due_days,
            evidence,
            completes_when,
            contract: None,
        };
        Self {
            health_check_days: vec![30, 60, 90],
            items: vec![
                item(
                    "nda_signed",
                    "legal",
                    "NDA signed",
                    T(Legal),
                    0,
                    Evidence::File,
                    None,
                ),
                item(
                    "msa_signed",
                    "legal",
                    "MSA signed",
                    T(Legal),
                    0,
                    Evidence::File,
                    None,
                ),
                item(
                    "program_agreement_signed",
                    "legal",
                    "Partner program agreement signed",
                    T(Legal),
                    0,
                    Evidence::File,
                    None,
                ),
                item(
                    "portal_login",
                    "portal",
                    "Portal login working",
                    P(Partner),
                    0,
                    Evidence::None,
                    None,
                ),
                item(
                    "sandbox_account",
                    "portal",
                    "Demo/sandbox account provisioned",
                    T(Product),
                    7,
                    Evidence::Link,
                    None,
                ),
                item(
                    "kickoff_session",
                    "training",
                    "First enablement session held",
                    T(PartnerManager),
                    7,
                    Evidence::None,
                    None,
                ),
                item(
                    "resources_shared",
                    "training",
                    "Training resources shared",
                    T(Marketing),
                    7,
                    Evidence::Link,
                    None,
                ),
                item(
                    "sales_certified",
                    "training",
                    "Sales certification earned",
                    P(Partner),
                    30,
                    Evidence::None,
                    Some(Observed::SalesCertificationEarned),
                ),
                item(
                    "target_accounts",
                    "gtm",
                    "ICP / target account list exchanged",
                    P(Partner),
                    30,
                    Evidence::File,
                    None,
                ),
                item(
                    "joint_gtm_plan",
                    "gtm",
                    "Joint GTM planning session",
                    T(PartnerManager),
                    30,
                    Evidence::None,
                    None,
                ),
                item(
                    "welcome_email",
                    "comms",
                    "Welcome email from the executive sponsor",
                    T(Executive),
                    7,
                    Evidence::None,
                    None,
                ),
                item(
                    "manager_introduced",
                    "comms",
                    "Partner manager introduced",
                    T(PartnerManager),
                    7,
                    Evidence::None,
                    None,
                ),
                item(
                    "shared_channel",
                    "comms",
                    "Shared Slack/Teams channel",
                    P(Partner),
                    7,
                    Evidence::Link,
                    None,
                ),
                item(
                    "starter_kit",
                    "marketing",
                    "Marketing starter kit sent",
                    T(Marketing),
                    30,
                    Evidence::None,
                    None,
                ),
                item(
                    "logo_on_site",
                    "marketing",
                    "Partner logo on our website",
                    T(Marketing),
                    60,
                    Evidence::Link,
                    None,
                ),
                item(
                    "first_deal",
                    "first_opportunity",
                    "First deal registered",
                    P(Partner),
                    60,
                    Evidence::None,
                    Some(Observed::FirstDealRegistered),
                ),
                item(
                    "first_qbr",
                    "first_opportunity",
                    "First QBR scheduled",
                    T(PartnerManager),
                    90,
                    Evidence::None,
                    Some(Observed::FirstQbrScheduled),
                ),
                item(
                    "joint_pipeline_review",
                    "gtm",
                    "Joint pipeline review",
                    T(PartnerManager),
                    60,
                    Evidence::None,
                    None,
                ),
                item(
                    "first_demo",
                    "first_opportunity",
                    "First customer demo given",
                    P(Partner),
                    60,
                    Evidence::Link,
                    None,
                ),
                item(
                    "product_updates",
                    "training",
                    "Quarterly product update attended",
                    T(Product),
                    90,
                    Evidence::None,
                    None,
                ),
                item(
                    "bootcamp",
                    "training",
                    "Partner bootcamp completed",
                    P(Partner),
                    180,
                    Evidence::None,
                    None,
                ),
                item(
                    "joint_event",
                    "marketing",
                    "Joint event or webinar held",
                    T(Marketing),
                    180,
                    Evidence::Link,
                    None,
                ),
                item(
                    "first_joint_win",
                    "first_opportunity",
                    "First joint win",
                    P(Partner),
                    180,
                    Evidence::None,
                    Some(Observed::FirstDealWon),
                ),
            ],
        }
    }
}

impl Onboarding {
    /// Checks the template and gives each contract item the team `raci`'s `contract_review`
    /// routes it to (the one source of who does it), warning where `owner` says otherwise.
    pub(super) fn check(&mut self, checks: &mut Checks, raci: &RaciMatrix) {
        let queue = route(raci, Activity::ContractReview).map(|r| r.queue);
        for (i, item) in self.items.iter_mut().enumerate() {
            let Some(queue) = queue.filter(|_| item.is_contract()) else {
                continue;
            };
            if item.owner != Owner::Team(queue) {
                checks.warning(
                    &format!("onboarding.items.{i}.owner"),
                    format!(
                        "onboarding item '{}' is a contract: [raci] contract_review gives it to \
                         {}, not to '{}'",
                        item.key,
                        queue.key(),
                        item.owner.key()
                    ),
                    "write the contract_review row's Responsible team as its owner, or \
                     contract = false",
                );
                item.owner = Owner::Team(queue);
            }
        }
        for (i, item) in self.items.iter().enumerate() {
            if self.items[..i].iter().any(|other| other.key == item.key) {
                checks.error(
                    &format!("onboarding.items.{i}.key"),
                    format!("onboarding item key '{}' is used twice", item.key),
                    "give every checklist item its own key",
                );
            }
            if item.title.trim().is_empty() {
                checks.error(
                    &format!("onboarding.items.{i}.title"),
                    format!("onboarding item '{}' has no title", item.key),
                    "say what has to be done",
                );
            }
        }
        if !self.health_check_days.windows(2).all(|w| w[0] < w[1]) {
            checks.error(
                "onboarding.health_check_days",
                "onboarding.health_check_days must rise, without repeats".into(),
                "write them as e.g. [30, 60, 90]",
            );
        }
    }
}

/// One item of a partner's checklist, as created from the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub key: String,
    pub phase: String,
    pub title: String,
    pub evidence: Evidence,
    pub owner: Owner,
    pub due_on: Date,
    pub completes_when: Option<Observed>,
}

/// The checklist for a partner whose onboarding started on `start`, in due order.
pub fn checklist(template: &Onboarding, start: Date) -> Vec<ChecklistItem> {
    let mut items: Vec<ChecklistItem> = template
        .items
        .iter()
        .map(|t| ChecklistItem {
            key: t.key.clone(),
            phase: t.phase.clone(),
            title: t.title.clone(),
            evidence: t.evidence,
            owner: t.owner,
            due_on: start + Duration::days(t.due_days.into()),
            completes_when: t.completes_when,
        })
        .collect();
    items.sort_by_key(|i| i.due_on);
    items
}

/// What the system knows about a partner that can complete checklist items by itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObservedFacts {
    pub sales_certified: bool,
    pub deals_registered: u64,
    pub deals_won: u64,
    /// QBRs recorded in the partner's quarterly facts since onboarding started.
    pub qbrs: u64,
}

/// Whether what the system observed completes an item of this kind.
pub fn observed_complete(kind: Observed, facts: &ObservedFacts) -> bool {
    match kind {
        Observed::SalesCertificationEarned => facts.sales_certified,
        Observed::FirstDealRegistered => facts.deals_registered > 0,
        Observed::FirstDealWon => facts.deals_won > 0,
        Observed::FirstQbrScheduled => facts.qbrs > 0,
    }
}

impl Observed {
    pub fn parse(key: &str) -> Option<Observed> {
        [
            Observed::FirstDealRegistered,
            Observed::FirstDealWon,
            Observed::SalesCertificationEarned,
            Observed::FirstQbrScheduled,
        ]
        .into_iter()
        .find(|o| o.key() == key)
    }
}

/// The enablement roadmap stage an item due `due_days` after the start falls in.
pub fn roadmap_stage(due_days: i64) -> &'static str {
    match due_days {
        ..=0 => "Day 0",
        1..=7 => "Week 1",
        8..=30 => "Month 1",
        31..=60 => "Month 2",
        _ => "Q1–Q2",
    }
}

/// Overdue: not done and its due day has passed.
pub fn overdue(item: &ChecklistItem, done: bool, today: Date) -> bool {
    !done && today > item.due_on
}

/// The health checks (days after start) due by `today` and not yet recorded.
pub fn health_checks_due(
    template: &Onboarding,
    start: Date,
    today: Date,
    recorded: &[u32],
) -> Vec<u32> {
    template
        .health_check_days
        .iter()
        .copied()
        .filter(|day| start + Duration::days((*day).into()) <= today && !recorded.contains(day))
        .collect()
}
