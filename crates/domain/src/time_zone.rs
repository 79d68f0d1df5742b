//! Readers' time zones by IANA name ("Europe/Berlin"), from the time zone database compiled
//! into the binary (`tzdb_data`): a reader sees their own clock whatever the server has
//! installed. Dates and times themselves are `time`'s, the one time library of the workspace.

use time::{Date, OffsetDateTime, UtcOffset};

/// A named time zone of the bundled database.
#[derive(Clone, Copy, Debug)]
pub struct TimeZone {
    rules: &'static tz::TimeZoneRef<'static>,
}

impl TimeZone {
    pub const UTC: TimeZone = TimeZone {
        rules: &tzdb_data::time_zone::UTC,
    };

    /// The zone of this name (any letter case), if the database has it.
    pub fn named(name: &str) -> Option<TimeZone> {
        tzdb_data::find_tz(name.trim().as_bytes()).map(|rules| TimeZone { rules })
    }

    /// The zone of this name, or UTC for a name the database does not have (a stored name from
    /// an older database stays readable).
    pub fn named_or_utc(name: &str) -> TimeZone {
        TimeZone::named(name).unwrap_or(TimeZone::UTC)
    }

    /// The moment `at` on this zone's clock, and the zone's abbreviation then ("CET", "CEST").
    pub fn local(&self, at: OffsetDateTime) -> (OffsetDateTime, &'static str) {
        match self.rules.find_local_time_type(at.unix_timestamp()) {
            Ok(kind) => {
                let offset =
                    UtcOffset::from_whole_seconds(kind.ut_offset()).unwrap_or(UtcOffset::UTC);
                (at.to_offset(offset), kind.time_zone_designation())
            }
            Err(_) => (at.to_offset(UtcOffset::UTC), "UTC"),
        }
    }

    /// The calendar day it is at `at` on this zone's clock.
    pub fn today(&self, at: OffsetDateTime) -> Date {
        self.local(at).0.date()
    }
}

/// Every zone name the database knows, in alphabetical order (for a time zone picker).
pub fn names() -> &'static [&'static str] {
    tzdb_data::TZ_NAMES
}

/// The database's spelling of a zone name given in any letter case.
pub fn canonical_name(name: &str) -> Option<&'static str> {
    let name = name.trim();
    names()
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn local_time_follows_daylight_saving() {
        let berlin = TimeZone::named("Europe/Berlin").unwrap();
        let (winter, abbreviation) = berlin.local(datetime!(2026-01-15 12:00 UTC));
        assert_eq!(winter, datetime!(2026-01-15 13:00 +1));
        assert_eq!(abbreviation, "CET");
        let (summer, abbreviation) = berlin.local(datetime!(2026-07-15 12:00 UTC));
        assert_eq!(summer, datetime!(2026-07-15 14:00 +2));
        assert_eq!(abbreviation, "CEST");
    }

    #[test]
    fn the_day_is_the_readers_own() {
        let at = datetime!(2026-03-01 02:30 UTC);
        assert_eq!(TimeZone::UTC.today(at), time::macros::date!(2026 - 03 - 01));
        let new_york = TimeZone::named("america/new_york").unwrap();
        assert_eq!(new_york.today(at), time::macros::date!(2026 - 02 - 28));
        assert_eq!(
            TimeZone::named_or_utc("Mars/Olympus").today(at),
            time::macros::date!(2026 - 03 - 01)
        );
    }

    #[test]
    fn names_are_the_databases_spelling() {
        assert_eq!(canonical_name(" europe/BERLIN "), Some("Europe/Berlin"));
        assert_eq!(canonical_name("Mars/Olympus"), None);
        assert!(names().contains(&"UTC"));
    }
}
