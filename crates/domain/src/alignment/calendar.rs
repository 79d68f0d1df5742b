//! The business calendar: which stretches of time are working time. Instants go in and come
//! out in UTC; the program's zone (with its daylight-saving changes) places each day's window,
//! so "09:00–17:00 in London" is 09:00–17:00 UTC in January and 08:00–16:00 UTC in July.

use std::collections::BTreeSet;

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use crate::program::policy::{BusinessHours, Clock};
use crate::time_zone::TimeZone;

#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    zone: TimeZone,
    /// By `Weekday::number_days_from_monday`.
    working_days: [bool; 7],
    start: Time,
    end: Time,
    holidays: BTreeSet<Date>,
}

impl BusinessCalendar {
    /// A calendar with some working time every week: None without a working weekday or
    /// when the day's end is not after its start (time would never advance).
    pub fn new(
        zone: TimeZone,
        weekdays: &[Weekday],
        start: Time,
        end: Time,
        holidays: impl IntoIterator<Item = Date>,
    ) -> Option<Self> {
        let mut working_days = [false; 7];
        for day in weekdays {
            working_days[usize::from(day.number_days_from_monday())] = true;
        }
        (working_days.contains(&true) && start < end).then(|| Self {
            zone,
            working_days,
            start,
            end,
            holidays: holidays.into_iter().collect(),
        })
    }

    /// The calendar `[business_hours]` describes; a checked program always has one.
    pub fn from_hours(hours: &BusinessHours) -> Option<Self> {
        Self::new(
            TimeZone::named(&hours.time_zone)?,
            &hours.weekdays,
            hours.start,
            hours.end,
            hours.holidays.iter().copied(),
        )
    }

    /// The working time of one full working day (a business day of a target in days).
    pub fn working_day(&self) -> Duration {
        self.end - self.start
    }

    /// `hours` of working time after `start`.
    pub fn add_hours(&self, start: OffsetDateTime, hours: u32) -> OffsetDateTime {
        self.add(start, Duration::hours(hours.into()))
    }

    /// The instant by which `length` of working time has passed since `start`. Ending exactly
    /// at a window's close gives the close (Friday 16:00 + 1 h is Friday 17:00), not the next
    /// opening.
    pub fn add(&self, start: OffsetDateTime, length: Duration) -> OffsetDateTime {
        let start = start.to_offset(UtcOffset::UTC);
        if !length.is_positive() {
            return start;
        }
        let mut left = length;
        let mut day = self.zone.today(start);
        loop {
            if let Some((open, close)) = self.window(day) {
                let from = open.max(start);
                if from < close {
                    if left <= close - from {
                        return from + left;
                    }
                    left -= close - from;
                }
            }
            // A checked calendar has a working day every week, so this ends long before the
            // calendar does; at its end there is no later working time to count.
            match day.next_day() {
                Some(next) => day = next,
                None => return start + length,
            }
        }
    }

    /// Working time between `a` and `b` (zero when `b` is not after `a`).
    pub fn working_between(&self, a: OffsetDateTime, b: OffsetDateTime) -> Duration {
        let mut total = Duration::ZERO;
        if b <= a {
            return total;
        }
        let last = self.zone.today(b);
        let mut day = self.zone.today(a);
        while day <= last {
            if let Some((open, close)) = self.window(day) {
                let (from, to) = (open.max(a), close.min(b));
                if from < to {
                    total += to - from;
                }
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// `length` after `start` counted by `clock`: working time, or plain addition.
    pub fn advance(&self, clock: Clock, start: OffsetDateTime, length: Duration) -> OffsetDateTime {
        match clock {
            Clock::Business => self.add(start, length),
            Clock::Calendar => (start + length.max(Duration::ZERO)).to_offset(UtcOffset::UTC),
        }
    }

    /// Time between `a` and `b` counted by `clock` (zero when `b` is not after `a`).
    pub fn between(&self, clock: Clock, a: OffsetDateTime, b: OffsetDateTime) -> Duration {
        match clock {
            Clock::Business => self.working_between(a, b),
            Clock::Calendar => (b - a).max(Duration::ZERO),
        }
    }

    /// The day `days` working days after `from`, for targets counted in whole days (a
    /// registration's decision): submitted on Friday with two days, due on Tuesday — on
    /// Wednesday when Monday is a holiday.
    pub fn add_working_days(&self, from: Date, days: u32) -> Date {
        let mut date = from;
        for _ in 0..days {
            date += Duration::days(1);
            // A calendar has a working weekday and finitely many holidays: this ends.
            while !self.is_working_day(date) {
                date += Duration::days(1);
            }
        }
        date
    }

    /// The local day `at` falls on in the calendar's zone.
    pub fn day_of(&self, at: OffsetDateTime) -> Date {
        self.zone.today(at)
    }

    /// The UTC instant a local day begins (its midnight) in the calendar's zone.
    pub fn day_start(&self, day: Date) -> OffsetDateTime {
        self.instant(day, Time::MIDNIGHT)
    }

    fn is_working_day(&self, day: Date) -> bool {
        self.working_days[usize::from(day.weekday().number_days_from_monday())]
            && !self.holidays.contains(&day)
    }

    /// The working window of a local day, in UTC, if the day is worked.
    fn window(&self, day: Date) -> Option<(OffsetDateTime, OffsetDateTime)> {
        self.is_working_day(day)
            .then(|| (self.instant(day, self.start), self.instant(day, self.end)))
    }

    /// The UTC instant of a wall-clock time in the zone. The offset is looked up at a first
    /// guess and again at the result, which settles it on either side of a change; a wall time
    /// the clocks skip (a change at the start of a working day) lands on one side of the gap.
    fn instant(&self, day: Date, time: Time) -> OffsetDateTime {
        let wall = PrimitiveDateTime::new(day, time);
        let offset_at = |at: OffsetDateTime| self.zone.local(at).0.offset();
        let guess = wall.assume_offset(offset_at(wall.assume_utc()));
        wall.assume_offset(offset_at(guess))
            .to_offset(UtcOffset::UTC)
    }
}
