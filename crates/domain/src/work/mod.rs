//! Work items: work the system creates for our people, routed by the RACI matrix to a team's
//! queue. Each kind names its RACI activity and its SLA target; the due instant and the SLA
//! state are derived from the item's start and the program's `[slas]` at any `now`, and the
//! sweep's warnings are decided here from the state and the warning already sent.

use time::OffsetDateTime;

use crate::alignment::{Activity, BusinessCalendar, Route, SlaClock, SlaState, Target, route};
use crate::program::policy::{Clock, Policies, Team};

crate::choice_enum! {
    /// What a work item is about: each kind is finished by its source's own code path (the
    /// tick, the decision, the acceptance).
    WorkKind {
        Onboarding => ("onboarding", "Onboarding item"),
        DealRegistration => ("deal_registration", "Deal registration to decide"),
        LeadHandoff => ("lead_handoff", "Lead to accept"),
    }
}

crate::choice_enum! {
    /// The last SLA warning the sweep sent for an item; each is sent once.
    Warned {
        Nothing => ("none", "None"),
        DueSoon => ("due_soon", "Due soon"),
        Breached => ("breached", "Breached"),
    }
}

impl WorkKind {
    /// The RACI row that routes this kind of work.
    pub fn activity(self) -> Activity {
        match self {
            WorkKind::Onboarding => Activity::Onboarding,
            WorkKind::DealRegistration => Activity::DealRegistration,
            WorkKind::LeadHandoff => Activity::LeadHandoff,
        }
    }

    /// The time the work is given, from the program: a lead is accepted within
    /// `lead_acceptance_hours` of every hour (its `accept_by`), a registration decided within
    /// `decision_sla_business_days` and a team's onboarding item done within
    /// `onboarding_kickoff_days`, both in working days of `[business_hours]`.
    pub fn target(self, policies: &Policies, calendar: &BusinessCalendar) -> Target {
        match self {
            WorkKind::Onboarding => Target::days(
                policies.slas.onboarding_kickoff_days,
                Clock::Business,
                calendar,
            ),
            WorkKind::DealRegistration => Target::days(
                policies.deal_registration.decision_sla_business_days,
                Clock::Business,
                calendar,
            ),
            WorkKind::LeadHandoff => {
                Target::hours(policies.slas.lead_acceptance_hours, Clock::Calendar)
            }
        }
    }
}

/// The route of a kind's work; None only for a matrix without its row (a checked program
/// keeps every default row). An onboarding item names the team that does it (`owner`, from
/// the checklist template): that team is its queue, the row the rest of the route.
pub fn route_of(policies: &Policies, kind: WorkKind, owner: Option<Team>) -> Option<Route> {
    let mut route = route(&policies.raci, kind.activity())?;
    if let Some(owner) = owner {
        route.queue = owner;
    }
    Some(route)
}

/// An item's SLA state at `now`: started when the item was created, met when it was closed.
pub fn sla_state(
    kind: WorkKind,
    created_at: OffsetDateTime,
    closed_at: Option<OffsetDateTime>,
    policies: &Policies,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> SlaState {
    let mut clock = SlaClock::new(created_at, kind.target(policies, calendar));
    clock.met_at = closed_at;
    clock.state(calendar, now, policies.slas.due_soon_percent)
}

/// The warning a sweep sends for an item in `state` that was last warned `warned`: due soon
/// once, breached once (an item found breached without a due-soon warning gets only the
/// breach), nothing for met or paused clocks.
pub fn warning_due(state: &SlaState, warned: Warned) -> Option<Warned> {
    match state {
        SlaState::DueSoon { .. } if warned == Warned::Nothing => Some(Warned::DueSoon),
        SlaState::Breached { .. } if warned != Warned::Breached => Some(Warned::Breached),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
