//! The demo program: a deterministic, realistic partner book with a few months of history,
//! so a first look at PartnerOS shows what it does. Seeding twice changes nothing.
//!
//! This file is the feature's face: the book (`book`) and what its partners did (`activity`),
//! the meetings of the communication rhythm (`meetings`) and internal alignment's teams,
//! escalations, integration requests and survey (`alignment`), the escalation cases planted in
//! the past (`history`), the stakeholder map, leads and earlier survey rounds (`people`) live
//! in the files beside it.

mod activity;
mod alignment;
mod book;
mod history;
mod meetings;
mod people;

pub use book::{DEMO_PASSWORD, DEMO_USERS};
