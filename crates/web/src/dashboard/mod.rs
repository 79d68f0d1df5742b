//! The program dashboard: success metrics with red / amber / green against program.toml's
//! targets, the open pipeline by tier, type, region and by stage and quarter, partners per
//! tier and per health band; charts with their numbers beside them, each table downloadable
//! as CSV or XLSX.

pub(crate) mod api;
pub(crate) mod pages;
