//! A partner's contacts: the people we deal with there (their portal accounts are in `users`).

pub(crate) mod api;
pub(crate) mod pages;
