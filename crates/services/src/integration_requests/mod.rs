//! Integration requests, Product's demand signal: submitted by a partner's people for their
//! organisation (or by those who manage partners on its behalf) with the customers who need
//! them and the revenue at stake; reviewed by the teams the RACI row `integration_requests`
//! makes Responsible or Accountable, who see every request ranked by revenue in the program
//! currency, merge duplicates and move them to planned, declined or shipped. A partner's
//! people get the partner shape (`Partner*`): their own request, its public state and a
//! decline's reason, never Product's note nor another partner's customers or revenue.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod ranking;
mod requests;
mod views;

pub use ranking::RankingQuery;
pub use requests::{Merge, Move};
pub use views::{
    CustomerView, DemandView, IntegrationRequest, IntegrationRequests, MergedCustomerView,
    PartnerRequestView, RequestView,
};
