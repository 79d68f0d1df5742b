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

#[cfg(test)]
mod tests;
