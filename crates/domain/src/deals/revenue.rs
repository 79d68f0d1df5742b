//! Closed-won registrations as the revenue the tier engine (and later commissions) read.

use rust_decimal::Decimal;
use time::Date;

use crate::program::history::QuarterFacts;
use crate::quarter::Quarter;

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
}
