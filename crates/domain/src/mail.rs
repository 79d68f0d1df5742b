//! When a person's daily digest leaves: once per day of their own clock, from 07:00 on it.
//! The digest job runs every hour and asks this of each person with mail held for them, so
//! a reader in Tokyo and one in Los Angeles both find it in the morning.

use time::{OffsetDateTime, Time};

use crate::time_zone::TimeZone;

/// The hour of the reader's day from which their digest may leave.
pub const DIGEST_FROM: Time = time::macros::time!(07:00);

/// Whether a digest is due for a reader of `zone` at `now`, given when their last digest was
/// written: their clock has reached 07:00 and no digest was written since 07:00 of that day.
pub fn digest_due(zone: TimeZone, now: OffsetDateTime, last: Option<OffsetDateTime>) -> bool {
    let (local_now, _) = zone.local(now);
    if local_now.time() < DIGEST_FROM {
        return false;
    }
    last.is_none_or(|last| {
        let (local_last, _) = zone.local(last);
        (local_last.date(), local_last.time() >= DIGEST_FROM) < (local_now.date(), true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn zone(name: &str) -> TimeZone {
        TimeZone::named(name).unwrap()
    }

    #[test]
    fn a_digest_leaves_once_per_local_day_from_seven() {
        let berlin = zone("Europe/Berlin");
        // Berlin is UTC+1 in December: 07:00 there is 06:00 UTC.
        let cases = [
            (datetime!(2026-12-02 05:59 UTC), None, false),
            (datetime!(2026-12-02 06:00 UTC), None, true),
            (
                datetime!(2026-12-02 06:00 UTC),
                Some(datetime!(2026-12-01 06:30 UTC)),
                true,
            ),
            (
                datetime!(2026-12-02 22:00 UTC),
                Some(datetime!(2026-12-02 06:05 UTC)),
                false,
            ),
            // 23:30 UTC on the 2nd is 00:30 on the 3rd in Berlin: before seven.
            (
                datetime!(2026-12-02 23:30 UTC),
                Some(datetime!(2026-12-02 06:05 UTC)),
                false,
            ),
            // A digest written at 03:00 local belongs to the day before: today's still leaves.
            (
                datetime!(2026-12-02 07:00 UTC),
                Some(datetime!(2026-12-02 02:00 UTC)),
                true,
            ),
        ];
        for (now, last, due) in cases {
            assert_eq!(digest_due(berlin, now, last), due, "{now} after {last:?}");
        }
    }

    #[test]
    fn the_reader_s_clock_decides_not_the_server_s() {
        // 15:00 UTC is 07:00 in Los Angeles (UTC-8) and 00:00 the next day in Tokyo (UTC+9).
        let now = datetime!(2026-12-02 15:00 UTC);
        let yesterday_morning_la = Some(datetime!(2026-12-01 15:30 UTC));
        assert!(digest_due(
            zone("America/Los_Angeles"),
            now,
            yesterday_morning_la
        ));
        assert!(!digest_due(zone("Asia/Tokyo"), now, None));
        assert!(!digest_due(
            zone("America/Los_Angeles"),
            datetime!(2026-12-02 14:59 UTC),
            None
        ));
    }
}
