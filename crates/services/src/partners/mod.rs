//! Partners: the organisations (`organisations`: list, view, create, edit, lifecycle stage,
//! archive), how a list is asked for (`query`), their contacts (`contacts`), and the
//! onboarding checklist a partner gets on entering onboarding (`onboarding`).
//!
//! This file is the feature's face: the code lives in the files beside it.

mod contacts;
pub mod onboarding;
mod organisations;
mod query;

pub use query::PartnerQuery;
