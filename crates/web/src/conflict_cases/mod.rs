//! Conflict cases: a registration whose conflict check needs review gets a case with deadlines
//! and escalation; our people investigate and resolve it. Partners never see cases.

pub(crate) mod api;
pub(crate) mod pages;
