//! Deal registrations, their activities, the direct pipeline and customer accounts, leads,
//! and the conflict cases partner managers resolve: one file per kind of record.

mod activities;
mod conflicts;
mod counts;
mod direct;
mod leads;
#[cfg(test)]
mod list_tests;
mod pipeline;
mod registrations;

pub use activities::*;
pub use conflicts::*;
pub use counts::*;
pub use direct::*;
pub use leads::*;
pub use pipeline::*;
pub use registrations::*;
