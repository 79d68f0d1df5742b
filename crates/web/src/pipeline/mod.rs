//! The pipeline: open registrations by quarter, forecast category, tier and partner, forecast
//! snapshots, and a registration's pipeline fields (stage, probability, next action).

pub(crate) mod api;
pub(crate) mod pages;
