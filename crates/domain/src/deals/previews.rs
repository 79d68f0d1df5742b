//! How often a partner may preview the conflict check. A preview tells whether a customer is
//! known to us (clear or not), so without a limit a partner could probe its way through our
//! customer and pipeline list; a submitted registration is a record a partner manager
//! reviews, so submissions need no such limit.

use time::OffsetDateTime;

/// Previews a partner organisation may ask for per clock hour, all its people together. The
/// form asks a few times per registration (250 ms after the last keystroke), so this allows
/// dozens of registrations an hour while a list of thousands of probes takes days.
pub const PER_HOUR: i64 = 120;

const HOUR: i64 = 3_600;

/// The clock hour `now` falls in, counted from 1970: the window a preview is counted in.
pub fn hour_of(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(HOUR)
}

/// `None` when the `count`th preview of the current hour is allowed; else the seconds until
/// the next hour begins, for `Retry-After`.
pub fn refused(count: i64, now: OffsetDateTime) -> Option<u64> {
    (count > PER_HOUR).then(|| (HOUR - now.unix_timestamp().rem_euclid(HOUR)).unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_partner_previews_120_times_an_hour_then_waits_for_the_next() {
        let now = datetime!(2026-11-27 10:59:30 UTC);
        assert_eq!(hour_of(now), 498_826);
        assert_eq!(hour_of(datetime!(2026-11-27 10:00:00 UTC)), 498_826);
        assert_eq!(hour_of(datetime!(2026-11-27 11:00:00 UTC)), 498_827);
        assert_eq!(refused(1, now), None);
        assert_eq!(refused(120, now), None);
        assert_eq!(refused(121, now), Some(30));
        assert_eq!(
            refused(121, datetime!(2026-11-27 10:00:00 UTC)),
            Some(3_600)
        );
    }
}
