//! The performance tracker's flag: a partner whose closed-won revenue stays below a share of
//! its tier's pace for some months in a row is underperforming. The pace is what keeping the
//! tier asks: the tier's 12-month sourced revenue to keep it, spread evenly over 12 months.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::program::policy::Tracker;

/// The monthly revenue a tier asks of its partners, to the cent (half to even).
pub fn monthly_pace(revenue_12m_to_keep: Decimal) -> Decimal {
    (revenue_12m_to_keep / Decimal::from(12))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

/// Which months (oldest first) fell below the policy's share of the pace. A tier that asks
/// no revenue has no slow months.
pub fn slow_months(months: &[Decimal], pace: Decimal, policy: &Tracker) -> Vec<bool> {
    let floor = pace * policy.underperform_below_percent / Decimal::ONE_HUNDRED;
    months
        .iter()
        .map(|won| pace > Decimal::ZERO && *won < floor)
        .collect()
}

/// Underperforming: the last `underperform_months` months (oldest first in `months`, the
/// last one the latest complete month) were all slow. Fewer months than that on record are
/// not enough to judge.
pub fn underperforming(months: &[Decimal], pace: Decimal, policy: &Tracker) -> bool {
    let needed = policy.underperform_months as usize;
    let slow = slow_months(months, pace, policy);
    slow.len() >= needed && slow[slow.len() - needed..].iter().all(|s| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn months(values: &[&str]) -> Vec<Decimal> {
        values.iter().map(|v| dec(v)).collect()
    }

    #[test]
    fn the_pace_is_the_tiers_yearly_revenue_over_twelve_to_the_cent() {
        assert_eq!(monthly_pace(dec("600000")), dec("50000.00"));
        // 100,000 / 12 = 8,333.333… → 8,333.33.
        assert_eq!(monthly_pace(dec("100000")), dec("8333.33"));
        assert_eq!(monthly_pace(dec("0")), dec("0"));
    }

    #[test]
    fn two_slow_months_in_a_row_flag_the_partner() {
        // Pace $50,000 a month; slow below 50 % of it, i.e. below $25,000.
        let policy = Tracker::default();
        let pace = dec("50000");
        assert_eq!(
            slow_months(&months(&["30000", "25000", "24999.99", "0"]), pace, &policy),
            vec![false, false, true, true]
        );
        assert!(underperforming(
            &months(&["30000", "25000", "24999.99", "0"]),
            pace,
            &policy
        ));
        // One slow month, then a good one: not flagged.
        assert!(!underperforming(
            &months(&["10000", "20000", "26000"]),
            pace,
            &policy
        ));
        // Slow, good, slow: not two in a row.
        assert!(!underperforming(
            &months(&["10000", "40000", "10000"]),
            pace,
            &policy
        ));
        // A single month on record cannot make two in a row.
        assert!(!underperforming(&months(&["0"]), pace, &policy));
    }

    #[test]
    fn the_policy_sets_the_share_and_the_run() {
        let policy = Tracker {
            underperform_below_percent: dec("80"),
            underperform_months: 3,
        };
        // Pace $10,000: slow below $8,000; three slow months needed.
        let pace = dec("10000");
        assert!(!underperforming(
            &months(&["9000", "7000", "7999"]),
            pace,
            &policy
        ));
        assert!(underperforming(
            &months(&["12000", "7000", "7999", "0"]),
            pace,
            &policy
        ));
    }

    #[test]
    fn a_tier_without_a_revenue_ask_never_flags() {
        let policy = Tracker::default();
        assert!(!underperforming(
            &months(&["0", "0", "0"]),
            dec("0"),
            &policy
        ));
    }
}
