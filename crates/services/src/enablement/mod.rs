//! Enablement: the certifications partners' people hold (`certifications`), their expiry and
//! renewal (`expiry`), the program's eligibility gates (`gates`) and learning paths
//! (`learning`). Certification records replace typed-in counts wherever they reach: the tier
//! engine and the gates read them through `crate::facts::sources`.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod certifications;
mod expiry;
mod gates;
pub mod learning;

pub use certifications::CertificationView;
pub use expiry::CERTIFICATION_EXPIRY;
pub use gates::GateView;
