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

use crate::Actor;

/// What the leads list adds for our people alone: that partner leads never count against a
/// rep's quota. Quotas are our internal terms, so a partner's people get nothing here (the
/// page shows what this returns and has nothing to hide).
pub fn quota_note(actor: &Actor) -> Option<&'static str> {
    actor.is_internal().then_some(
        "They are tracked apart from the direct pipeline and never count against an internal \
         rep's quota.",
    )
}
