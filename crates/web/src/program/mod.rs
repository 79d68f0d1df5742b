//! The partner program definition: its versions (program.toml), applying a new one, and the
//! what-if simulation of a change against live data.

pub(crate) mod api;
pub(crate) mod pages;
