//! Partner-sourced leads: a partner hands a prospect to our sales team, which accepts it
//! within the SLA (it becomes an approved registration credited to the partner) or rejects
//! it with a reason (`lifecycle`); leads past the SLA are flagged (`overdue`); leads import
//! from CSV (`import`). Leads never count against the internal rep's quota.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod import;
mod lifecycle;
mod overdue;

pub use lifecycle::LeadView;
