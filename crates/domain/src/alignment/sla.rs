//! SLA clocks: a target that starts running at a moment, stops while we wait on the partner,
//! and is met, due soon or breached at any `now` the caller gives.
//!
//! The due instant is the last on-time instant: a clock met exactly at its due is met on time,
//! and a running clock is breached only once `now` is past its due.

use time::{Duration, OffsetDateTime};

use super::calendar::BusinessCalendar;
use crate::program::policy::Clock;

/// How long a clock runs, and how its time is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub length: Duration,
    pub clock: Clock,
}

impl Target {
    pub fn hours(hours: u32, clock: Clock) -> Self {
        Self {
            length: Duration::hours(hours.into()),
            clock,
        }
    }

    /// Days of 24 hours, or working days of the calendar's working day each.
    pub fn days(days: u32, clock: Clock, calendar: &BusinessCalendar) -> Self {
        let day = match clock {
            Clock::Business => calendar.working_day(),
            Clock::Calendar => Duration::DAY,
        };
        Self {
            length: day * days,
            clock,
        }
    }
}

/// A stretch while the clock waits on the partner; `until` is None while still waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: OffsetDateTime,
    pub until: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaClock {
    pub started_at: OffsetDateTime,
    pub target: Target,
    pub pauses: Vec<Pause>,
    /// When the target was met (the response sent, the case resolved).
    pub met_at: Option<OffsetDateTime>,
}

/// Where a clock stands at a moment. `remaining` is counted by the target's clock (working
/// time for a business-hours target); `late_by` is plain elapsed time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    OnTrack {
        due_at: OffsetDateTime,
        remaining: Duration,
    },
    DueSoon {
        due_at: OffsetDateTime,
        remaining: Duration,
    },
    Breached {
        due_at: OffsetDateTime,
        late_by: Duration,
    },
    /// Waiting on the partner: the remaining time is frozen until the pause ends.
    Paused { remaining: Duration },
    Met {
        at: OffsetDateTime,
        due_at: OffsetDateTime,
        late: bool,
    },
}

impl SlaClock {
    pub fn new(started_at: OffsetDateTime, target: Target) -> Self {
        Self {
            started_at,
            target,
            pauses: Vec::new(),
            met_at: None,
        }
    }

    /// The due instant as it stands at `now`: the target's time after the start, extended by
    /// the time paused before it (an open pause counts up to `now`, or to when the clock was
    /// met). A pause begun after the due does not lift a breach.
    pub fn due_at(&self, calendar: &BusinessCalendar, now: OffsetDateTime) -> OffsetDateTime {
        self.run(calendar, now).0
    }

    /// Time left at `now` by the target's clock: frozen while paused, negative once breached.
    pub fn remaining(&self, calendar: &BusinessCalendar, now: OffsetDateTime) -> Duration {
        let (due, frozen) = self.run(calendar, now);
        let clock = self.target.clock;
        match frozen {
            Some(left) => left,
            None if now <= due => calendar.between(clock, now, due),
            None => -calendar.between(clock, due, now),
        }
    }

    /// The clock's state at `now`; due soon in the last `due_soon_percent` of the target.
    pub fn state(
        &self,
        calendar: &BusinessCalendar,
        now: OffsetDateTime,
        due_soon_percent: u32,
    ) -> SlaState {
        let (due_at, frozen) = self.run(calendar, now);
        if let Some(at) = self.met_at {
            return SlaState::Met {
                at,
                due_at,
                late: at > due_at,
            };
        }
        if let Some(remaining) = frozen {
            return SlaState::Paused { remaining };
        }
        if now > due_at {
            return SlaState::Breached {
                due_at,
                late_by: now - due_at,
            };
        }
        let remaining = calendar.between(self.target.clock, now, due_at);
        if remaining.whole_seconds() * 100
            <= self.target.length.whole_seconds() * i64::from(due_soon_percent)
        {
            SlaState::DueSoon { due_at, remaining }
        } else {
            SlaState::OnTrack { due_at, remaining }
        }
    }

    /// The due instant at `now`, and the time that was left when a pause still open at `now`
    /// began (None when the clock is not paused, or the pause began after it was breached).
    fn run(
        &self,
        calendar: &BusinessCalendar,
        now: OffsetDateTime,
    ) -> (OffsetDateTime, Option<Duration>) {
        let clock = self.target.clock;
        let end = self.met_at.unwrap_or(now);
        let paused_now = self.met_at.is_none()
            && self
                .pauses
                .iter()
                .any(|p| p.from <= now && p.until.is_none_or(|until| until > now));
        let mut due = calendar.advance(clock, self.started_at, self.target.length);
        let mut frozen = None;
        for (from, until) in self.paused_spans(end) {
            if from > due {
                break;
            }
            if paused_now && until == end {
                frozen = Some(calendar.between(clock, from, due));
            }
            due = calendar.advance(clock, due, calendar.between(clock, from, until));
        }
        (due, frozen)
    }

    /// The pauses within the clock's run up to `end`, in order, overlaps merged.
    fn paused_spans(&self, end: OffsetDateTime) -> Vec<(OffsetDateTime, OffsetDateTime)> {
        let mut spans: Vec<(OffsetDateTime, OffsetDateTime)> = self
            .pauses
            .iter()
            .map(|p| (p.from.max(self.started_at), p.until.unwrap_or(end).min(end)))
            // A pause begun exactly now is kept, empty, so the clock reads as paused.
            .filter(|(from, until)| from <= until)
            .collect();
        spans.sort();
        let mut merged: Vec<(OffsetDateTime, OffsetDateTime)> = Vec::with_capacity(spans.len());
        for (from, until) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(until),
                _ => merged.push((from, until)),
            }
        }
        merged
    }
}
