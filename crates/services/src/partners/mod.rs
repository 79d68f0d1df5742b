//! Partners: the organisations (`organisations`: list, view, create, edit, lifecycle stage,
//! archive; a partner entering onboarding gets its checklist), how a list is asked for
//! (`query`), and their contacts (`contacts`). Nearly every feature asks `get_partner` (the
//! access check); partners ask none of them back.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod contacts;
mod organisations;
pub(crate) mod query;

pub use query::{NO_BAND, PartnerQuery};

#[cfg(feature = "tools")]
pub(crate) use organisations::start_onboarding;
