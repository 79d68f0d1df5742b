//! Tiers: the engine's evaluation of a partner, the proposals it makes and their decisions,
//! evaluation runs, and setting a partner's tier by hand.

pub(crate) mod api;
pub(crate) mod pages;
