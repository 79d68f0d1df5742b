//! A case's SLA clocks, derived from its recorded state changes.
//!
//! The response clock runs from submission until the case is first acknowledged. The
//! resolution clock runs from submission until it is resolved; a reopened case's clock runs
//! on, the time it sat resolved counted as paused (the partner held it, not us). Both clocks
//! stop while the case waits on the partner.

use time::{Duration, OffsetDateTime};

use super::{State, Urgency};
use crate::alignment::{BusinessCalendar, Pause, SlaClock, SlaState, Target};
use crate::program::policy::{Clock, Slas};

crate::choice_enum! {
    /// Where one clock stands, as lists filter and pages show it.
    ClockState {
        OnTrack => ("on_track", "On track"),
        DueSoon => ("due_soon", "Due soon"),
        Breached => ("breached", "Breached"),
        Paused => ("paused", "Paused while waiting on the partner"),
        Met => ("met", "Met"),
        MetLate => ("met_late", "Met late"),
    }
}

/// A clock's state and its due instant (none while paused: it moves when the pause ends).
pub fn clock(state: &SlaState) -> (ClockState, Option<OffsetDateTime>) {
    match *state {
        SlaState::OnTrack { due_at, .. } => (ClockState::OnTrack, Some(due_at)),
        SlaState::DueSoon { due_at, .. } => (ClockState::DueSoon, Some(due_at)),
        SlaState::Breached { due_at, .. } => (ClockState::Breached, Some(due_at)),
        SlaState::Paused { .. } => (ClockState::Paused, None),
        SlaState::Met {
            due_at, late: true, ..
        } => (ClockState::MetLate, Some(due_at)),
        SlaState::Met { due_at, .. } => (ClockState::Met, Some(due_at)),
    }
}

/// An escalation's two targets, from `[slas]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationTargets {
    pub first_response: Target,
    pub resolution: Target,
}

pub fn escalation_targets(
    slas: &Slas,
    urgency: Urgency,
    calendar: &BusinessCalendar,
) -> EscalationTargets {
    EscalationTargets {
        first_response: response_target(
            slas.escalation_response_hours.of(urgency),
            slas.escalation_response_clock.of(urgency),
            calendar,
        ),
        resolution: Target::days(
            slas.escalation_resolution_days,
            slas.escalation_resolution_clock,
            calendar,
        ),
    }
}

/// A response target of `hours`. On a business clock the hours are read as people say them:
/// a "72 hour" answer means three days, not nine working days of eight hours, and so can never
/// come after a resolution counted in working days. Each whole 24 hours is one working day;
/// the hours left over are working hours, at most one working day (23 hours is not more than
/// a day). Hours under a working day are working hours as written: P2's 8 is one working day.
pub fn response_target(hours: u32, clock: Clock, calendar: &BusinessCalendar) -> Target {
    match clock {
        Clock::Calendar => Target::hours(hours, clock),
        Clock::Business => {
            let day = calendar.working_day();
            let rest = Duration::hours((hours % 24).into()).min(day);
            Target {
                length: day * (hours / 24) + rest,
                clock,
            }
        }
    }
}

/// One recorded move: the case became `to` at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateChange {
    pub at: OffsetDateTime,
    pub to: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaView {
    pub response: SlaState,
    pub resolution: SlaState,
    /// The first response came late or is late now, or the resolution is.
    pub breached: bool,
}

/// The case's clocks at `now`; `changes` in the order they were recorded.
pub fn sla_view(
    submitted_at: OffsetDateTime,
    urgency: Urgency,
    changes: &[StateChange],
    slas: &Slas,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> SlaView {
    let targets = escalation_targets(slas, urgency, calendar);
    let waiting = spans_in(changes, &[State::WaitingOnPartner]);

    let mut response = SlaClock::new(submitted_at, targets.first_response);
    response.pauses = waiting.clone();
    response.met_at = changes
        .iter()
        .find(|c| c.to == State::Acknowledged)
        .map(|c| c.at);

    let mut resolution = SlaClock::new(submitted_at, targets.resolution);
    resolution.pauses = spans_in(changes, &[State::WaitingOnPartner, State::Resolved]);
    let current = changes.last().map_or(State::Open, |c| c.to);
    if matches!(current, State::Resolved | State::Closed) {
        resolution.met_at = changes
            .iter()
            .rev()
            .find(|c| c.to == State::Resolved)
            .map(|c| c.at);
        // Met: the resolved stretch is the end of the clock, not a pause within it.
        resolution.pauses = waiting;
    }

    let response = response.state(calendar, now, slas.due_soon_percent);
    let resolution = resolution.state(calendar, now, slas.due_soon_percent);
    let late = |s: &SlaState| {
        matches!(
            s,
            SlaState::Breached { .. } | SlaState::Met { late: true, .. }
        )
    };
    SlaView {
        breached: late(&response) || late(&resolution),
        response,
        resolution,
    }
}

/// The stretches the case spent in any of `states`; the last one open while still there.
pub(super) fn spans_in(changes: &[StateChange], states: &[State]) -> Vec<Pause> {
    let mut pauses: Vec<Pause> = Vec::new();
    for change in changes {
        if let Some(open) = pauses.last_mut().filter(|p| p.until.is_none()) {
            if !states.contains(&change.to) {
                open.until = Some(change.at);
            }
        } else if states.contains(&change.to) {
            pauses.push(Pause {
                from: change.at,
                until: None,
            });
        }
    }
    pauses
}
