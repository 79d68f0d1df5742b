//! Tiers: where a partner stands (`report`), the evaluation of every partner against the
//! progression policy (`evaluation`), the proposals it raises and managers' decisions on them
//! (`proposals`), and what a proposed program would change (`simulation`).
//!
//! This file is the feature's face: the code lives in the files beside it.

mod evaluation;
mod proposals;
mod report;
mod simulation;

pub use evaluation::EvaluationSummary;
pub use proposals::{Decision, TierProposal};
pub(crate) use report::{benefit_list, criterion_name};
pub use simulation::{CommitmentView, SimulatedMove, SimulationReport};
