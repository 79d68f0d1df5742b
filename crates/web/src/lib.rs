//! PartnerOS over HTTP: the server-rendered portal and the JSON API `/api/v1`.
//! Handlers translate HTTP to service calls and back; rules and authorization live in `services`.

// Handlers return `Result<Response, Response>`: both arms are responses, boxing one gains nothing.
#![allow(clippy::result_large_err)]

mod account;
mod api;
mod attachments;
mod audit;
mod auth;
mod conflict_cases;
mod contacts;
mod deal_credit_pages;
mod deal_page;
mod deal_pages;
mod enablement;
mod exports;
mod extract;
mod facts;
mod imports;
mod layout;
mod leads;
mod notifications;
mod onboarding;
mod partner_page;
mod partners;
mod pipeline;
mod problem;
mod program;
mod rates;
mod recruitment;
mod respond;
mod security;
mod server;
mod state;
mod tiers;
mod users;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use server::{Limits, serve};
pub use state::AppState;

pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/static/app.css",
            get(|| static_file("text/css", include_str!("../static/app.css"))),
        )
        .route(
            "/static/app.js",
            get(|| static_file("text/javascript", include_str!("../static/app.js"))),
        )
        .merge(deal_pages::routes())
        .merge(deal_credit_pages::routes())
        .merge(rates::pages::router())
        .merge(conflict_cases::pages::router())
        .merge(pipeline::pages::router())
        .merge(leads::pages::router())
        .merge(exports::pages::router())
        .merge(imports::pages::router())
        .merge(partners::pages::router())
        .merge(contacts::pages::router())
        .merge(attachments::pages::router())
        .merge(enablement::pages::router())
        .merge(onboarding::pages::router())
        .merge(recruitment::pages::router())
        .merge(facts::pages::router())
        .merge(tiers::pages::router())
        .merge(program::pages::router())
        .merge(account::pages::router())
        .merge(users::pages::router())
        .merge(notifications::pages::router())
        .merge(audit::pages::router())
        .nest(
            "/api/v1",
            security::api_headers(api_routes().split_for_parts().0),
        )
        .layer(axum::middleware::from_fn(auth::origin_check));
    security::headers(app)
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
                )
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .with_state(state)
}

/// Every endpoint under `/api/v1`. Each feature's API router documents what it routes, so the
/// OpenAPI document cannot miss an endpoint or describe one that is not there.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/openapi.json", get(openapi_json))
        .merge(rates::api::router())
        .merge(conflict_cases::api::router())
        .merge(pipeline::api::router())
        .merge(leads::api::router())
        .merge(exports::api::router())
        .merge(imports::api::router())
        .merge(partners::api::router())
        .merge(contacts::api::router())
        .merge(attachments::api::router())
        .merge(enablement::api::router())
        .merge(onboarding::api::router())
        .merge(recruitment::api::router())
        .merge(facts::api::router())
        .merge(tiers::api::router())
        .merge(program::api::router())
        .merge(account::api::router())
        .merge(users::api::router())
        .merge(notifications::api::router())
        .merge(audit::api::router())
        .merge(OpenApiRouter::from(api::routes()))
}

/// The OpenAPI 3.1 description of the API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, paths) = api_routes().split_for_parts();
    api::ApiDoc::openapi().nest("/api/v1", paths)
}

async fn openapi_json() -> impl IntoResponse {
    axum::Json(openapi_document())
}

async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match state.services.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

async fn static_file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
}
