//! The revenue a request puts at stake and who asks for it. The rule: a request's asks
//! (its own customers and those of the duplicates merged into it) are summed per currency,
//! exactly; each currency's sum is converted once into the program currency at the rate in
//! force on the day of the ranking, rounded once half to even to the program currency's
//! minor units ([`crate::money::rates::convert`]); the converted sums are added. A currency
//! without a rate is never added: it is returned apart, per currency, for the page to name.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use time::Date;
use uuid::Uuid;

use crate::money::rates::{Rates, convert};

/// One customer's ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub partner_id: Uuid,
    pub customer: String,
    pub amount: Decimal,
    pub currency: String,
}

/// What a request (with its merged duplicates) is worth and who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    /// In the program currency: the converted currency sums, added.
    pub revenue: Decimal,
    /// Sums in currencies without a rate on the day, by currency: shown, never added.
    pub not_converted: Vec<(String, Decimal)>,
    pub partners: usize,
    /// Distinct customers: the same name (ignoring case and spaces around) from the same
    /// partner counts once.
    pub customers: usize,
}

pub fn demand(asks: &[Ask], rates: &Rates, on: Date) -> Demand {
    let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
    for ask in asks {
        *sums.entry(ask.currency.as_str()).or_default() += ask.amount;
    }
    let mut revenue = Decimal::ZERO;
    let mut not_converted = Vec::new();
    for (currency, sum) in sums {
        match convert(sum, currency, on, rates) {
            Ok(converted) => revenue += converted.amount,
            Err(_) => not_converted.push((currency.to_owned(), sum)),
        }
    }
    let partners: BTreeSet<Uuid> = asks.iter().map(|a| a.partner_id).collect();
    let customers: BTreeSet<(Uuid, String)> = asks
        .iter()
        .map(|a| (a.partner_id, a.customer.trim().to_lowercase()))
        .collect();
    Demand {
        revenue,
        not_converted,
        partners: partners.len(),
        customers: customers.len(),
    }
}

/// Orders requests by revenue at stake, largest first; equal revenue: the older request
/// (lower number) first, so the order is stable between pages.
pub fn rank<T>(items: &mut [(T, i64, Demand)]) {
    items.sort_by(|a, b| b.2.revenue.cmp(&a.2.revenue).then(a.1.cmp(&b.1)));
}
