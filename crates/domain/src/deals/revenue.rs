//! Closed-won registrations as the revenue the tier engine (and later commissions) read.

use rust_decimal::Decimal;
use time::Date;

use crate::money::rates::{Rates, convert};
use crate::program::history::QuarterFacts;
use crate::quarter::Quarter;

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
    let mut missing: std::collections::BTreeMap<&str, usize> = Default::default();
    let amounts = wins
        .iter()
        .map(
            |win| match convert(win.amount, &win.currency, win.closed_on, rates) {
                Ok(converted) => Some(converted.amount),
                Err(_) => {
                    *missing.entry(&win.currency).or_default() += 1;
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

/// Replaces the typed-in sourced revenue of `history` with the sum of the partner's won
/// deals closed in each quarter, once it has any; quarters with wins but no row get one
/// (carrying the stocks of the quarter before). `won` is (closed on, amount).
pub fn apply_to_history(history: &mut Vec<QuarterFacts>, won: &[(Date, Decimal)]) {
    if won.is_empty() {
        return;
    }
    let mut quarters: Vec<Quarter> = won.iter().map(|(d, _)| Quarter::containing(*d)).collect();
    quarters.sort_unstable();
    quarters.dedup();
    for quarter in quarters {
        if history.iter().any(|q| q.quarter == quarter) {
            continue;
        }
        let mut row = history
            .iter()
            .filter(|q| q.quarter < quarter)
            .max_by_key(|q| q.quarter)
            .cloned()
            .unwrap_or_else(|| QuarterFacts::empty(quarter));
        row.quarter = quarter;
        row.qbrs = 0;
        row.co_marketing = 0;
        history.push(row);
    }
    history.sort_by_key(|q| q.quarter);
    for row in history.iter_mut() {
        row.sourced_revenue = won
            .iter()
            .filter(|(d, _)| Quarter::containing(*d) == row.quarter)
            .map(|(_, amount)| *amount)
            .sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn won_deals_become_each_quarters_sourced_revenue() {
        let q3 = Quarter::parse("2026-Q3").unwrap();
        let mut typed = QuarterFacts::empty(q3);
        typed.sourced_revenue = Decimal::from(999_999);
        typed.customer_references = 4;
        let mut history = vec![typed];
        apply_to_history(&mut history, &[]);
        assert_eq!(
            history[0].sourced_revenue,
            Decimal::from(999_999),
            "no wins: typed figures stay"
        );
        let won = [
            (date!(2026 - 08 - 01), Decimal::from(40_000)),
            (date!(2026 - 09 - 30), Decimal::new(1_000_050, 2)),
            (date!(2026 - 10 - 01), Decimal::from(25_000)),
        ];
        apply_to_history(&mut history, &won);
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].sourced_revenue, Decimal::new(5_000_050, 2));
        assert_eq!(history[1].quarter, Quarter::parse("2026-Q4").unwrap());
        assert_eq!(history[1].sourced_revenue, Decimal::from(25_000));
        assert_eq!(history[1].customer_references, 4, "stocks carry over");
    }

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
}
