//! The commands of the `partneros` binary, one module each; `common` holds what they share.

pub mod bench;
mod bench_dashboard;
mod bench_export;
mod bench_mail;
mod bench_submit;
mod bench_work;
pub mod check;
pub mod common;
pub mod import;
pub mod program;
mod rates;
pub mod report;
pub mod users;
