//! The checks the policy sections share: percentages, amounts, counts and rising steps,
//! each reported where it is written.

use rust_decimal::Decimal;

pub(super) use crate::program::issues::Checks;

pub(super) fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

pub(super) fn percent(checks: &mut Checks, path: &str, value: Decimal) {
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        checks.error(
            path,
            format!("{path} is {value}, outside 0-100"),
            "write a percentage from 0 to 100, e.g. 15 for 15 %",
        );
    }
}

pub(super) fn not_negative(checks: &mut Checks, path: &str, value: Decimal) {
    if value < Decimal::ZERO {
        checks.error(
            path,
            format!("{path} is negative ({value})"),
            "write 0 or a positive amount",
        );
    }
}

pub(super) fn at_least_one(checks: &mut Checks, path: &str, value: u32) {
    if value == 0 {
        checks.error(
            path,
            format!("{path} is 0"),
            "write 1 or more; a zero period would make everything due at once",
        );
    }
}

/// Steps of a list of tables (`[[path]]`) must rise by `field`; the first that does not is
/// reported where it is written.
pub(super) fn rising(checks: &mut Checks, path: &str, field: &str, values: &[Decimal]) {
    if let Some(i) = values.windows(2).position(|w| w[0] >= w[1]) {
        checks.error(
            &format!("{path}.{}.{field}", i + 1),
            format!(
                "{path}: {field} = {} does not rise above the {field} = {} before it",
                values[i + 1],
                values[i]
            ),
            &format!("order the [[{path}]] tables by rising {field}, without repeats"),
        );
    }
}
