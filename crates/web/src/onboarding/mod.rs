//! Onboarding: a new partner's checklist (items ticked with evidence, a file or a link) and its
//! 30/60/90-day health checks. Who ticks which item is in `domain::permissions`.

pub(crate) mod api;
pub(crate) mod pages;
