//! Escalation cases: raised by a partner's people or ours, worked by our people through their
//! SLA clocks, closed by the partner's confirmation. One set of URLs for both sides: the
//! services hand each side its own shape.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod paths;
pub(crate) mod review;
pub(crate) mod trends;
