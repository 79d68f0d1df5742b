//! CSV imports: tier facts, certification completions, deal registrations, partner leads, the
//! direct pipeline and customer accounts. Every row is checked first; if any is wrong nothing
//! is written, and a dry run only checks. (Exchange rates have their own, in `rates`.)

pub(crate) mod api;
pub(crate) mod pages;
