//! The partner program as code: `program.toml` parsed into plain types, checked, and every
//! problem reported with its line, column and a plain-language fix.

pub mod certifications;
pub mod evaluation;
pub mod history;
pub mod ipp;
mod issues;
mod model;
pub mod onboarding;
mod parse;
pub mod policy;
pub mod progression;
pub mod scoring_3c4c;
pub mod simulation;

pub use issues::{Issue, Severity};
pub use model::*;
pub use parse::{DEFAULT_PROGRAM, diff, parse, shipped};

#[cfg(test)]
mod tests;
