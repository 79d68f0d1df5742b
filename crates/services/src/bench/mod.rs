//! Benchmarks on deterministic generated data: the same command gives the same data set, so
//! figures are comparable between runs and machines.
//!
//! This file is the folder's face: the generated data (`generated`), the timings
//! (`measure`), the partner list (`partners`), the tier engine (`tiers`), conflict checks
//! (`conflicts`), the first figures people open (`dashboard`), work queues (`work`) and the
//! escalation sweep (`escalation_sweep`) live in the files beside it.

pub mod conflicts;
pub mod dashboard;
pub mod escalation_sweep;
mod generated;
mod measure;
mod partners;
mod tiers;
mod work;

pub use generated::{generated_facts, generated_history, generated_partner};
pub use measure::{Timing, resident_bytes};
pub use tiers::{TierBench, bench_tier_evaluation};
