//! The performance tracker's flag: a partner whose closed-won revenue stays below a share of
//! its tier's pace for some months in a row is underperforming. The pace is what keeping the
//! tier asks: the tier's 12-month sourced revenue to keep it, spread evenly over 12 months.

use rust_decimal::{Decimal, RoundingStrategy};
use time::{Date, Month};

use crate::program::policy::Tracker;

/// A calendar month, e.g. 2026-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: Month,
}

impl YearMonth {
    pub fn of(day: Date) -> YearMonth {
        YearMonth {
            year: day.year(),
            month: day.month(),
        }
    }

    fn previous(self) -> YearMonth {
        match self.month {
            Month::January => YearMonth {
                year: self.year - 1,
                month: Month::December,
            },
            month => YearMonth {
                year: self.year,
                month: month.previous(),
            },
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

/// The last `n` complete months before `today`'s month, oldest first: the months a flag can
/// judge (the month under way is not over yet).
pub fn complete_months(today: Date, n: usize) -> Vec<YearMonth> {
    let mut months = Vec::with_capacity(n);
    let mut month = YearMonth::of(today);
    for _ in 0..n {
        month = month.previous();
        months.push(month);
    }
    months.reverse();
    months
}

/// Amounts summed into `months` by the day each fell on; days outside them are left out.
pub fn by_month(amounts: &[(Date, Decimal)], months: &[YearMonth]) -> Vec<Decimal> {
    let mut sums = vec![Decimal::ZERO; months.len()];
    for (day, amount) in amounts {
        if let Some(i) = months.iter().position(|m| *m == YearMonth::of(*day)) {
            sums[i] += amount;
        }
    }
    sums
}

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
    fn complete_months_end_before_the_month_under_way_and_cross_years() {
        use time::macros::date;
        let months: Vec<String> = complete_months(date!(2027 - 02 - 15), 4)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(months, ["2026-10", "2026-11", "2026-12", "2027-01"]);
        assert_eq!(complete_months(date!(2027 - 02 - 15), 0), vec![]);
    }

    #[test]
    fn amounts_fall_into_their_month() {
        use time::macros::date;
        let months = complete_months(date!(2026 - 12 - 01), 2); // Oct, Nov
        let wins = [
            (date!(2026 - 10 - 01), dec("100")),
            (date!(2026 - 10 - 31), dec("50.50")),
            (date!(2026 - 11 - 30), dec("7")),
            (date!(2026 - 09 - 30), dec("1000")), // before the window
            (date!(2026 - 12 - 01), dec("1000")), // the month under way
        ];
        assert_eq!(by_month(&wins, &months), vec![dec("150.50"), dec("7")]);
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
