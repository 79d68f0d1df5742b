//! What the scorecard and the health score read about one partner, as a service loads it.

use rust_decimal::Decimal;
use time::Date;

use crate::deals::registration::Status;
use crate::enablement::Held;
use crate::program::history::QuarterFacts;
use crate::program::scoring_3c4c;
use crate::sources::Assessed;

/// One registration as the scorecard reads it (amounts in their own currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deal {
    pub status: Status,
    pub registered_on: Date,
    pub size: Decimal,
    pub currency: String,
    /// The day we approved or rejected it.
    pub decided_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub closed_amount: Option<Decimal>,
    pub protected_until: Option<Date>,
    /// A win one of our people confirmed, with the activity the co-sell policy asks for:
    /// only such wins are revenue (the partner's own word feeds no figure).
    pub win_counts: bool,
}

impl Deal {
    /// The day its outcome was settled, for the conversion rule: won (once we confirmed
    /// the win) and lost on their close day, rejected on the decision day, expired on the
    /// day its protection ended. Open registrations, drafts and wins we have not confirmed
    /// have none.
    pub fn ended_on(&self) -> Option<Date> {
        match self.status {
            Status::Won if self.win_counts => self.closed_on,
            Status::Lost => self.closed_on,
            Status::Rejected => self.decided_on,
            Status::Expired => self.protected_until,
            _ => None,
        }
    }
}

/// The kind of a logged activity that counts as co-selling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    Call,
    Meeting,
    Other,
}

/// An activity logged on one of the partner's registrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub on: Date,
    pub kind: ActivityKind,
    pub joint: bool,
    /// Logged by our people, or the partner's and confirmed by ours
    /// (`deals::registration::activity_counts`).
    pub counts: bool,
}

/// A lead the partner handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub submitted_on: Date,
    /// The day we accepted it.
    pub accepted_on: Option<Date>,
}

/// A 3C/4C evaluation's commitment score (0–5) and band.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Commitment {
    pub on: Date,
    pub commitment: u8,
    pub band: scoring_3c4c::Band,
}

/// An onboarding item of the partner's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingItem {
    pub title: String,
    pub due_on: Date,
    pub done: bool,
}

/// Everything recorded about one partner that the scorecard and the health score read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    /// Its tier key.
    pub tier: String,
    /// The day it joined the program (its record was created).
    pub since: Date,
    pub deals: Vec<Deal>,
    pub activities: Vec<Activity>,
    pub leads: Vec<Lead>,
    /// Its people (contacts): the day each left, if they did.
    pub people: Vec<Option<Date>>,
    pub held: Vec<Held>,
    /// Its quarters with records applied (`sources::derive`), oldest first: what the tier
    /// rules read.
    pub history: Vec<QuarterFacts>,
    pub assessments: Vec<Assessed>,
    pub commitments: Vec<Commitment>,
    pub onboarding: Vec<OnboardingItem>,
}
