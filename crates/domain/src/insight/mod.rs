//! Where a partner stands: its scorecard per quarter (the seed's fields, with an eight-quarter
//! trend), its health score 0–100 from the program's weights with each component explained
//! from the records behind it, and its early-risk flags. Plain functions over the records a
//! service loads (`Records`); amounts are converted to the program currency here, by the
//! rates given, and an amount without a rate is set apart, never added.

mod health;
mod records;
mod scorecard;
#[cfg(test)]
mod tests;

pub use health::{Band, Component, ComponentKey, Flag, FlagKind, Health, health};
pub use records::{Activity, ActivityKind, Commitment, Deal, Lead, OnboardingItem, Records};
pub use scorecard::{Figures, Fit, Scorecard, TREND_QUARTERS, Unconverted, scorecard};
