//! Deal registration: partners register deals (portal or API), each submission is checked
//! for channel conflict against the other partners' open registrations, the direct pipeline
//! and existing customers; partner managers decide within the SLA; approved registrations
//! are protected for the partner's tier's window. A partner only ever learns "clear",
//! "needs review" or "already registered" about anyone else.
//!
//! This file is the feature's face: the code lives in the files beside it, which name each
//! other by their own paths, never through here.
//!
//! - `cache`: this process's conflict index, and the queue of registrations to write
//! - `writer`: registering deals, written in groups (group commit)
//! - `submission`: the conflict check and policy on submitting; submitting a draft
//! - `records`: finding, listing and saving registrations
//! - `query`: which registrations to list (the list's filters)
//! - `view`: a registration as its reader may see it
//! - `lifecycle`: deciding, closing, extending protection
//! - `activities`, `tracker`, `assignment`: working a deal
//! - `credit`: what a partner reports and only we confirm (wins, joint calls)
//! - `sweep`: expiring protections and flagging late decisions (daily)
//! - `import`, `direct`: registrations, the direct pipeline and accounts from CSV

mod activities;
mod assignment;
pub(crate) mod cache;
pub mod credit;
mod direct;
pub mod import;
mod lifecycle;
mod query;
mod records;
mod submission;
mod sweep;
mod tracker;
pub(crate) mod view;
mod writer;

pub use activities::{ACTIVITY_KINDS, ActivityInput, ActivityView};
pub use assignment::AssignmentInput;
pub use cache::ConflictCache;
pub use lifecycle::{DealClose, DealDecision};
pub use query::DealQuery;
pub use sweep::DEAL_SWEEP;
pub use tracker::PipelineInput;
pub use view::{DealCaseLink, DealView};

// Its old home: the pipeline is a feature of its own (`crate::pipeline`).
