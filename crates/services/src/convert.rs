//! Stored numbers to the domain's values and back: amounts in minor units (cents), and the
//! error a row that does not read gives (dates and flags come typed from the store). A shared
//! room: it imports no feature, so every feature may use it.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use time::Date;

use crate::Error;

/// An amount in minor units (cents), as stored.
pub(crate) fn minor(amount: Decimal) -> i64 {
    (amount * Decimal::ONE_HUNDRED).to_i64().unwrap_or(i64::MAX)
}

/// A stored amount in minor units (cents) as a decimal amount.
pub(crate) fn money(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

/// A stored value (`what`) that does not read.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Store(store::Error::Corrupt(format!("{what}: {e}")))
}

/// A value of ours (`what`) that does not serialise for storing: no stored data is at fault.
pub(crate) fn internal(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Store(store::Error::Internal(format!("{what}: {e}")))
}

/// The day a form names (`field`), or `today` when it names none.
pub(crate) fn parse_day(
    v: &mut domain::Validation,
    field: &str,
    text: &str,
    today: Date,
) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() {
        return Some(today);
    }
    match domain::validation::date(text) {
        Ok(d) => Some(d),
        Err(e) => {
            v.add(field, e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_failures_are_not_reported_as_bad_stored_data() {
        let err = internal("IPP answers", "key must be a string");
        assert!(
            matches!(&err, Error::Store(store::Error::Internal(m)) if m == "IPP answers: key must be a string")
        );
        assert_eq!(
            err.to_string(),
            "internal error: IPP answers: key must be a string"
        );
        let err = corrupt("closed_on", "bad month");
        assert_eq!(
            err.to_string(),
            "stored data is invalid: closed_on: bad month"
        );
    }
}
