//! Partners: the list with its filters, the partner form, a partner's page, its lifecycle stage,
//! archiving and restoring, and its timeline. The page itself, which other features add
//! sections to, is `crate::partner_page`.

pub(crate) mod api;
pub(crate) mod pages;
