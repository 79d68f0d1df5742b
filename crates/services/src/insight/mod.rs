//! Where a partner stands: its scorecard per quarter with the eight-quarter trend
//! (`scorecard`), its health score with the early-risk flags and their history, recomputed
//! by the daily job, and the program-wide list of the latest scores (`health`). The rules are
//! `domain::insight`; what they read is loaded in one place (`records`).
//!
//! A partner's people see their scorecard without our fields (IPP fit, risks, unshared
//! 3C/4C evaluations); the health score and flags are a management figure of ours
//! (`Action::ReadInternal`).
//!
//! This file is the feature's face: the code lives in the files beside it.

mod health;
mod health_table;
mod records;
mod scorecard;

pub use health::{BandCount, HealthDay, HealthView, PartnerHealth};
pub use scorecard::{InternalFigures, ScorecardView};
