//! HTTP behaviour of the API and the portal on both databases: validation, problem+json,
//! pagination, OpenAPI, sessions, CSRF, and that refused input changes nothing.

mod api;
#[path = "../common/mod.rs"]
mod common;
mod dashboard;
mod deal_filters;
mod escalation_insight;
mod escalation_words;
mod escalations;
mod formatting;
mod home_waiting;
mod homes;
mod input_checks;
mod integration_requests;
mod leads;
mod mail;
mod paging;
mod partner_pages;
mod pipeline;
mod program;
mod rhythm;
mod scorecards;
mod sessions;
mod teams;
mod tracker;
mod work;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{DEALS_HEADER, Fixture, hidden_csrf, urlenc};
use domain::roles::Role;
use store::testing::BACKENDS;

async fn each<F, Fut>(test: F)
where
    F: Fn(Fixture) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in BACKENDS {
        test(Fixture::new(backend).await).await;
    }
}

async fn partner_count(f: &Fixture) -> usize {
    let (_, body) = f
        .api(
            Some(f.token(Role::Admin)),
            Method::GET,
            "/api/v1/partners?limit=200&archived=true",
            None,
        )
        .await;
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"]
        .as_array()
        .unwrap()
        .len()
}

/// The status a role should get for a page.
type ExpectedStatus = fn(Role) -> StatusCode;

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
