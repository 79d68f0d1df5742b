//! The performance tracker: every partner's monthly closed-won revenue against its tier's
//! pace, with underperformer flags; sortable, filtered by tier, downloadable as CSV or XLSX.

pub(crate) mod api;
pub(crate) mod pages;
