//! Integration requests: submitted by a partner's people (or ours for a partner), ranked by
//! revenue at stake for Product, merged and moved by the deciding teams. One set of URLs for
//! both sides: the services hand each side its own shape.

pub(crate) mod api;
pub(crate) mod pages;
