//! Enablement: certifications (records, enrolments and their requirements, retiring them on a
//! major release), the eligibility gates they open, and a partner's learning overview.

pub(crate) mod api;
pub(crate) mod pages;
