//! Homes: the first page after signing in (`/home`, where `/` and the sign-in lead), built
//! by the services for the reader's role (a partner's people get their organisation's shape),
//! and the program's tiers as a partner reads them (`/program/tiers`).

pub(crate) mod api;
pub(crate) mod pages;
