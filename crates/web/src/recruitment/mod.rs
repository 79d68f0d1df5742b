//! Recruitment and qualification: IPP (ideal partner profile) assessments with their red
//! flags and the override that lets a flagged partner move up, and 3C/4C evaluations, shared
//! with the partner or not. The rules live in `services::recruitment`.

pub(crate) mod api;
pub(crate) mod pages;
