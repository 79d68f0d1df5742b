//! Every service operation, on SQLite and on PostgreSQL.

use domain::partners::{ContactInput, PartnerInput};
use domain::users::NewUserInput;
use services::partners::PartnerQuery;
use services::{Actor, Config, Error, PageRequest, Services};
use store::Backend;
use store::testing::{BACKENDS, TestDb};

#[path = "../common/mod.rs"]
mod common;
use common::*;

mod accounts;
mod books;
mod conflicts;
mod deals;
mod enablement;
mod escalation_actions;
mod escalation_insight;
mod escalation_rules;
mod escalation_sweep;
mod escalations;
mod homes;
mod insight;
mod integration_requests;
mod internal_nps;
mod jobs;
mod my_work;
mod my_work_urgency;
mod partners;
mod program;
mod rhythm;
mod rhythm_standup;
mod teams;
mod work;

/// An export's whole file, read chunk by chunk as the web layer streams it.
async fn text(mut export: services::exports::CsvExport) -> String {
    let mut file = Vec::new();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        file.extend(chunk);
    }
    String::from_utf8(file).unwrap()
}
