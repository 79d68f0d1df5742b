//! Conflicts between registrations, as our people see them: the preview of the check on the
//! registration form (`previews`), the case a finding opens and partner managers work
//! (`cases`), and the escalation ladder of cases left unresolved (`escalation`). The check
//! itself and the index it reads are the registrations' (`crate::deals::cache`).
//!
//! This file is the feature's face: the code lives in the files beside it.

mod cases;
mod escalation;
mod previews;

pub use cases::{CaseAction, CaseView};
