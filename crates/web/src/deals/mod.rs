//! Deal registrations: registering (with the live conflict preview), the list, a registration's
//! page and its decisions, assignment, protection extensions, activities, outcome, and our
//! confirmations of a partner's win or joint activity for credit. The registration page,
//! which `pipeline` also answers to, is `crate::deal_page`.

pub(crate) mod api;
pub(crate) mod pages;
