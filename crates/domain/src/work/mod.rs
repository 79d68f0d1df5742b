//! Work items: work the system creates for our people, routed by the RACI matrix to a team's
//! queue. Each kind names its RACI activity and its SLA target; the due instant and the SLA
//! state are derived from the item's start and the program's `[slas]` at any `now`, and the
//! sweep's warnings are decided here from the state and the warning already sent.

use time::{Date, Duration, OffsetDateTime};

use crate::alignment::{Activity, BusinessCalendar, Route, SlaClock, SlaState, Target, route};
use crate::escalations::{ClockState, Urgency};
use crate::program::policy::{Clock, Policies, Team};

crate::choice_enum! {
    /// What a work item is about: each kind is finished by its source's own code path (the
    /// tick, the decision, the acceptance).
    WorkKind {
        Onboarding => ("onboarding", "Onboarding item"),
        DealRegistration => ("deal_registration", "Deal registration to decide"),
        LeadHandoff => ("lead_handoff", "Lead to accept"),
        ContractReview => ("contract_review", "Contract to review"),
    }
}

crate::choice_enum! {
    /// What a line of "My work" is: a work item of each [`WorkKind`], an escalation case the
    /// person owns, a meeting's action item they own, or a remediation action of a case they
    /// own. The one list the kind filter offers, accepts and names when refusing a value.
    #[schema(as = WorkEntryKind)]
    EntryKind {
        Onboarding => ("onboarding", "Onboarding item"),
        DealRegistration => ("deal_registration", "Deal registration to decide"),
        LeadHandoff => ("lead_handoff", "Lead to accept"),
        ContractReview => ("contract_review", "Contract to review"),
        Escalation => ("escalation", "Escalation case"),
        MeetingAction => ("meeting_action", "Meeting action item"),
        Remediation => ("remediation", "Remediation action"),
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

/// The working days an onboarding work item whose checklist row is gone is given after it was
/// opened (nothing says its day any more): the 7 that `[slas] onboarding_kickoff_days`, retired,
/// gave every onboarding item by default.
pub const ONBOARDING_WITHOUT_CHECKLIST_DAYS: u32 = 7;

impl WorkKind {
    /// The RACI row that routes this kind of work.
    pub fn activity(self) -> Activity {
        match self {
            WorkKind::Onboarding => Activity::Onboarding,
            WorkKind::DealRegistration => Activity::DealRegistration,
            WorkKind::LeadHandoff => Activity::LeadHandoff,
            WorkKind::ContractReview => Activity::ContractReview,
        }
    }

    /// The line of "My work" an item of this kind is.
    pub fn entry_kind(self) -> EntryKind {
        match self {
            WorkKind::Onboarding => EntryKind::Onboarding,
            WorkKind::DealRegistration => EntryKind::DealRegistration,
            WorkKind::LeadHandoff => EntryKind::LeadHandoff,
            WorkKind::ContractReview => EntryKind::ContractReview,
        }
    }

    /// Work on an item of a partner's onboarding checklist (a contract item is one too): due
    /// on the checklist item's day, finished by its tick.
    pub fn is_checklist(self) -> bool {
        matches!(self, WorkKind::Onboarding | WorkKind::ContractReview)
    }

    /// The time the work is given, from the program: a lead is accepted within
    /// `lead_acceptance_hours` of every hour (its `accept_by`), a registration decided within
    /// `decision_sla_business_days` and a team's onboarding item done within
    /// [`ONBOARDING_WITHOUT_CHECKLIST_DAYS`], both in working days of `[business_hours]`. An
    /// onboarding item is due on its checklist day ([`sla_state`]): this target only times one
    /// whose checklist row is gone.
    pub fn target(self, policies: &Policies, calendar: &BusinessCalendar) -> Target {
        match self {
            WorkKind::Onboarding | WorkKind::ContractReview => {
                Target::days(ONBOARDING_WITHOUT_CHECKLIST_DAYS, Clock::Business, calendar)
            }
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
/// the checklist template): that team is its queue, the row the rest of the route. A
/// contract item's owner is `contract_review`'s own queue (the program's check sets it).
pub fn route_of(policies: &Policies, kind: WorkKind, owner: Option<Team>) -> Option<Route> {
    let mut route = route(&policies.raci, kind.activity())?;
    if let Some(owner) = owner {
        route.queue = owner;
    }
    Some(route)
}

/// An item's SLA state at `now`: started when the item was created, met when it was closed.
/// A team's onboarding item is due on its checklist item's day (`checklist_day`, the one due
/// date the checklist and "My work" both show, [`day_state`]); the others, and an item whose
/// checklist day is not known, the kind's target after the item was opened.
pub fn sla_state(
    kind: WorkKind,
    created_at: OffsetDateTime,
    closed_at: Option<OffsetDateTime>,
    checklist_day: Option<Date>,
    policies: &Policies,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> SlaState {
    let due_soon = policies.slas.due_soon_percent;
    if let Some(day) = checklist_day.filter(|_| kind.is_checklist()) {
        return day_state(created_at, day, closed_at, calendar, due_soon, now);
    }
    let mut clock = SlaClock::new(created_at, kind.target(policies, calendar));
    clock.met_at = closed_at;
    clock.state(calendar, now, due_soon)
}

/// Where work due on a day stands at `now` (an onboarding checklist item, a meeting's action
/// item, a remediation action): due at the end of `due_on` in the calendar's zone, by the
/// calendar; due soon in the last `due_soon_percent` of the time from `started_at` to the due;
/// met when `done_at`. Work recorded after its day is breached from the start.
pub fn day_state(
    started_at: OffsetDateTime,
    due_on: Date,
    done_at: Option<OffsetDateTime>,
    calendar: &BusinessCalendar,
    due_soon_percent: u32,
    now: OffsetDateTime,
) -> SlaState {
    let due_at = calendar.day_start(due_on.next_day().unwrap_or(due_on));
    let start = started_at.min(due_at);
    let target = Target {
        length: (due_at - start).max(Duration::ZERO),
        clock: Clock::Calendar,
    };
    let mut clock = SlaClock::new(start, target);
    clock.met_at = done_at;
    clock.state(calendar, now, due_soon_percent)
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

/// Where a line of "My work" stands in "most urgent first", lowest first: its SLA state's
/// band (breached, then due soon, then on track, then paused clocks), then its due instant
/// (earliest first; a line without one last), then its urgency (an escalation case's P1
/// first, other work after P4) — urgency only breaks ties of due instants, so a registration
/// due on the 4th comes before a P3 case due on the 9th. The list breaks the last ties by id.
pub fn urgency_order(
    sla: ClockState,
    due_at: Option<OffsetDateTime>,
    urgency: Option<Urgency>,
) -> (u8, i64, u8) {
    let band = match sla {
        ClockState::Breached => 0,
        ClockState::DueSoon => 1,
        ClockState::OnTrack => 2,
        ClockState::Paused => 3,
        ClockState::Met | ClockState::MetLate => 4,
    };
    let due = due_at.map_or(i64::MAX, |d| {
        i64::try_from(d.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
    });
    let within = match urgency {
        Some(Urgency::P1) => 0,
        Some(Urgency::P2) => 1,
        Some(Urgency::P3) => 2,
        Some(Urgency::P4) => 3,
        None => 4,
    };
    (band, due, within)
}

/// `text` in at most `max` characters for a list's line: cut at the last word boundary that
/// fits, with "…" (counted in `max`), trailing punctuation and spaces dropped; whole when it
/// fits. A first word longer than the line is cut inside it.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let room: String = text.chars().take(max.saturating_sub(1)).collect();
    let next = text.chars().nth(room.chars().count());
    let cut = if next.is_some_and(char::is_whitespace) {
        room.as_str()
    } else {
        room.rfind(char::is_whitespace)
            .map_or(room.as_str(), |at| &room[..at])
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    format!("{cut}…")
}

#[cfg(test)]
mod tests;
