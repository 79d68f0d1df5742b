//! The internal NPS survey: our people answer once a round and read the aggregates.

pub(crate) mod api;
pub(crate) mod pages;
