//! Won registrations in other currencies as revenue: converted at their close date's rate, or
//! named as not counted. (`domain::sources` turns the converted wins into quarterly revenue.)

use rust_decimal::Decimal;
use time::Date;

use crate::money::rates::{Rates, convert};

/// One won deal as revenue: closed on, amount, currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Win {
    pub closed_on: Date,
    pub amount: Decimal,
    pub currency: String,
}

/// Won deals of one currency that no revenue counts, for want of a rate on their close date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct NotCounted {
    pub currency: String,
    pub deals: usize,
    /// e.g. "2 won deals in EUR not counted: no EUR rate".
    pub note: String,
}

/// What each win counts for in the program currency of `rates` (converted at its close
/// date's rate, rounded once; `None` without a rate), and the wins that count for nothing,
/// per currency: they are left out of revenue and said so, never silently.
pub fn in_program_currency(wins: &[Win], rates: &Rates) -> (Vec<Option<Decimal>>, Vec<NotCounted>) {
    let sums: Vec<(Win, usize)> = wins.iter().map(|w| (w.clone(), 1)).collect();
    sums_in_program_currency(&sums, rates)
}

/// As [`in_program_currency`] for wins already added up per currency and close day (the
/// rollups' sums): each sum of `n` wins is converted once and rounded once, and the wins of a
/// sum without a rate are named as `n` deals.
pub fn sums_in_program_currency(
    sums: &[(Win, usize)],
    rates: &Rates,
) -> (Vec<Option<Decimal>>, Vec<NotCounted>) {
    let mut missing: std::collections::BTreeMap<&str, usize> = Default::default();
    let amounts = sums
        .iter()
        .map(
            |(win, n)| match convert(win.amount, &win.currency, win.closed_on, rates) {
                Ok(converted) => Some(converted.amount),
                Err(_) => {
                    *missing.entry(&win.currency).or_default() += n;
                    None
                }
            },
        )
        .collect();
    let not_counted = missing
        .into_iter()
        .map(|(currency, deals)| NotCounted {
            currency: currency.to_owned(),
            deals,
            note: format!(
                "{deals} won {} in {currency} not counted: no {currency} rate",
                if deals == 1 { "deal" } else { "deals" }
            ),
        })
        .collect();
    (amounts, not_counted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn wins_in_other_currencies_count_at_their_close_dates_rate_or_are_named() {
        use crate::money::rates::Rate;
        let win = |closed_on, amount: i64, currency: &str| Win {
            closed_on,
            amount: Decimal::from(amount),
            currency: currency.into(),
        };
        let rates = Rates::new(
            "USD",
            [
                Rate {
                    currency: "EUR".into(),
                    effective_on: date!(2026 - 01 - 01),
                    rate: Decimal::new(105, 2),
                },
                Rate {
                    currency: "EUR".into(),
                    effective_on: date!(2026 - 07 - 01),
                    rate: Decimal::new(110, 2),
                },
            ],
        );
        let wins = [
            win(date!(2026 - 06 - 30), 40_000, "USD"),
            win(date!(2026 - 06 - 30), 10_000, "EUR"),
            win(date!(2026 - 07 - 01), 10_000, "EUR"),
            win(date!(2025 - 12 - 31), 10_000, "EUR"),
            win(date!(2026 - 08 - 01), 5_000_000, "JPY"),
            win(date!(2026 - 08 - 02), 7_000_000, "JPY"),
        ];
        let (counted, not_counted) = in_program_currency(&wins, &rates);
        assert_eq!(
            counted,
            [
                Some(Decimal::from(40_000)),
                // 10,000 × 1.05 the day before July's rate; × 1.10 from its day.
                Some(Decimal::from(10_500)),
                Some(Decimal::from(11_000)),
                None,
                None,
                None,
            ]
        );
        assert_eq!(
            not_counted
                .iter()
                .map(|n| n.note.as_str())
                .collect::<Vec<_>>(),
            [
                "1 won deal in EUR not counted: no EUR rate",
                "2 won deals in JPY not counted: no JPY rate",
            ],
            "the EUR win before the first EUR rate, and the yen"
        );
    }

    #[test]
    fn a_sum_of_wins_is_converted_once_and_its_wins_named_one_by_one() {
        use crate::money::rates::Rate;
        let rates = Rates::new(
            "USD",
            [Rate {
                currency: "EUR".into(),
                effective_on: date!(2026 - 01 - 01),
                rate: Decimal::new(1_105, 3),
            }],
        );
        let sum = |amount: &str, currency: &str, n| {
            (
                Win {
                    closed_on: date!(2026 - 03 - 02),
                    amount: amount.parse().unwrap(),
                    currency: currency.into(),
                },
                n,
            )
        };
        let (counted, not_counted) = sums_in_program_currency(
            &[
                sum("0.10", "EUR", 2),
                sum("300", "GBP", 3),
                sum("5", "GBP", 1),
            ],
            &rates,
        );
        // 0.10 × 1.105 = 0.1105, rounded once to 0.11 (two wins of 0.05 would make 0.06 each).
        assert_eq!(counted, [Some(Decimal::new(11, 2)), None, None]);
        assert_eq!(
            not_counted
                .iter()
                .map(|n| (n.deals, n.note.as_str()))
                .collect::<Vec<_>>(),
            [(4, "4 won deals in GBP not counted: no GBP rate")]
        );
    }
}
