//! Exchange rates: the list every internal user reads and the CSV import admins and finance
//! run, in the API and the portal.

pub(crate) mod api;
pub(crate) mod pages;
