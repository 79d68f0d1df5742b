//! Mail: one's own delivery choice under the account pages, and the outbox (admins): what
//! was sent, what waits and what failed, with a retry for failed mail.

pub(crate) mod api;
pub(crate) mod pages;
