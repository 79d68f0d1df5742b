//! Integration requests, Product's demand signal: a partner (or our people for it) asks for an
//! integration with a system, naming the customers who need it and the revenue each puts at
//! stake. Product ranks the requests by that revenue in the program currency, merges
//! duplicates (the revenue then sums) and moves each through review to planned, declined
//! (with a reason the partner reads) or shipped.

mod demand;
mod input;
mod states;

pub use demand::{Ask, Demand, demand, rank};
pub use input::{CustomerForm, CustomerInput, Form, Input, MAX_DESCRIPTION, validate};
pub use states::{Refusal, State, Transition, next};

/// How a request is named to people: INT-000123.
pub fn reference(number: i64) -> String {
    format!("INT-{number:06}")
}

/// The number a reference names, as people type it: "INT-000123", "int-123", " INT-123 ".
pub fn number_of(reference: &str) -> Option<i64> {
    let text = reference.trim();
    let digits = text
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("INT-"))
        .and_then(|_| text.get(4..))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests;
