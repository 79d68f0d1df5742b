//! Partner-sourced leads: partners submit them, we accept (a registration credited to the
//! partner) or reject them with a reason.

pub(crate) mod api;
pub(crate) mod pages;
