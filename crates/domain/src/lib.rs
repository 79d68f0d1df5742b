//! PartnerOS domain: the partner program's types and rules as plain data and plain functions.
//! Nothing here performs IO; every rule is unit-tested without a database or HTTP.

pub mod alignment;
pub mod audit;
pub mod csv_cell;
pub mod csv_import;
pub mod dashboard;
pub mod day_json;
pub mod deals;
pub mod display;
pub mod enablement;
pub mod escalations;
pub mod insight;
pub mod integration_requests;
pub mod internal_nps;
pub mod mail;
pub mod money;
pub mod partners;
pub mod permissions;
pub mod program;
pub mod quarter;
pub mod rhythm;
pub mod roles;
pub mod sources;
pub mod teams;
pub mod time_zone;
pub mod tracker;
pub mod users;
pub mod validation;
pub mod work;

pub use validation::{Choice, FieldError, Validation};
