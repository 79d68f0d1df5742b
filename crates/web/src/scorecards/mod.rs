//! Where a partner stands: its scorecard per quarter (with the eight-quarter trend drawn by
//! `charts`) for our people and its own, and its health score, flags and history for ours;
//! the latest scores program-wide in the API.

pub(crate) mod api;
pub(crate) mod pages;
