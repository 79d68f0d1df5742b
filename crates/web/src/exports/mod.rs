//! CSV downloads, in the API and the portal: registrations, leads, the direct pipeline and
//! customer accounts. Each streams a `services::exports::CsvExport` chunk by chunk as the
//! client takes it (`crate::respond::csv_download`): services decide who may read what before
//! the first byte; a failure after it ends the download early (the body is cut, so the client
//! sees an incomplete transfer, never a shorter file that looks complete) and is logged.

pub(crate) mod api;
pub(crate) mod pages;
