//! How recent failures slow the next attempt. Failures are rows of `login_failures` (so the
//! limits hold across servers), counted over `Config::login_window`, oldest first.
//!
//! An account is locked after a few failures: guessing one person's password is the attack
//! to stop outright. An address (sign-ins, and bearer tokens under their own key) gets a
//! number of free failures and then waits a delay that doubles with every further failure up
//! to a ceiling: a script guessing many accounts from one address is slowed to one guess per
//! ceiling, while the people behind that address (an office NAT, a proxy) wait at most the
//! ceiling, never the whole window.

use crate::Config;
use time::{Duration, OffsetDateTime};

/// How long an account with these failures must wait, if at all.
pub(crate) fn account_wait(
    failures: &[OffsetDateTime],
    config: &Config,
    now: OffsetDateTime,
) -> Option<Duration> {
    if (failures.len() as i64) < config.max_failures_per_account {
        return None;
    }
    // The limit is lifted when the oldest failure in the window leaves it.
    let wait = *failures.first()? + config.login_window - now;
    wait.is_positive().then_some(wait)
}

/// How long an address with these failures must wait, if at all.
pub(crate) fn address_wait(
    failures: &[OffsetDateTime],
    config: &Config,
    now: OffsetDateTime,
) -> Option<Duration> {
    let beyond = failures.len() as i64 - config.free_failures_per_ip;
    if beyond < 0 {
        return None;
    }
    // Past 2^20 times the base any sane ceiling is reached; capping keeps the product finite.
    let doublings = beyond.min(20) as u32;
    let delay = (config.ip_delay_base * 2i32.pow(doublings)).min(config.ip_delay_max);
    let wait = *failures.last()? + delay - now;
    wait.is_positive().then_some(wait)
}

/// A wait as whole seconds for `Retry-After` (at least one).
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.whole_seconds() + i64::from(wait.subsec_nanoseconds() > 0);
    secs.max(1).unsigned_abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            login_window: Duration::minutes(15),
            max_failures_per_account: 5,
            free_failures_per_ip: 3,
            ip_delay_base: Duration::seconds(1),
            ip_delay_max: Duration::seconds(60),
            ..Config::default()
        }
    }

    fn at(second: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::seconds(second)
    }

    #[test]
    fn an_account_waits_until_its_oldest_failure_leaves_the_window() {
        let c = config();
        let four: Vec<_> = (0..4).map(at).collect();
        assert_eq!(account_wait(&four, &c, at(10)), None);
        let five: Vec<_> = (0..5).map(at).collect();
        assert_eq!(
            account_wait(&five, &c, at(10)),
            Some(Duration::seconds(890))
        );
        assert_eq!(account_wait(&five, &c, at(900)), None);
    }

    #[test]
    fn an_address_waits_a_doubling_delay_up_to_the_ceiling() {
        let c = config();
        let free: Vec<_> = (0..3).map(at).collect();
        assert_eq!(address_wait(&free, &c, at(2)), Some(Duration::seconds(1)));
        assert_eq!(address_wait(&free[..2], &c, at(1)), None);
        let five: Vec<_> = (0..5).map(at).collect();
        assert_eq!(address_wait(&five, &c, at(4)), Some(Duration::seconds(4)));
        assert_eq!(address_wait(&five, &c, at(8)), None);
        let many: Vec<_> = (0..40).map(at).collect();
        assert_eq!(
            address_wait(&many, &c, at(39)),
            Some(Duration::seconds(60)),
            "never longer than the ceiling"
        );
        assert_eq!(address_wait(&many, &c, at(99)), None);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::milliseconds(1)), 1);
        assert_eq!(retry_after_secs(Duration::milliseconds(1500)), 2);
        assert_eq!(retry_after_secs(Duration::seconds(60)), 60);
    }
}
