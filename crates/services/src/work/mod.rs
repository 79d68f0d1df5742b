//! Work items: what the system creates for our people — a team's manual onboarding item, a
//! submitted registration to decide, a partner's lead to accept — routed by the RACI matrix
//! to a team's queue (`domain::work`), opened and closed in the transactions that create and
//! finish their sources (`open_item`, `close_item`), listed on "My work" with what a person
//! owns elsewhere (escalation cases, their remediation actions, meetings' action items), commented on by the teams the route lets comment, taken or assigned
//! inside the queue, and warned about once when due soon and once when breached.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod hooks;
mod items;
mod my_work;
mod owned;
mod sweep;
mod views;

pub(crate) use hooks::{
    Source, close_item, close_onboarding_work, open_item, open_onboarding_work,
};
pub use items::{AssignInput, CommentInput, TakeInput};
pub use my_work::MyWorkQuery;
pub use sweep::WorkSweep;
pub use views::{CommentView, MyWorkEntry, WorkItemDetail, WorkItemView};
