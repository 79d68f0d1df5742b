//! User accounts: admins manage everyone, partner admins their organisation's people;
//! disabling, enabling and password resets. The roles a creator may hand out are in
//! `domain::permissions`.

pub(crate) mod api;
pub(crate) mod pages;
