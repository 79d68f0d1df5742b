//! PartnerOS over HTTP: the server-rendered portal and the JSON API `/api/v1`.
//! Handlers translate HTTP to service calls and back; rules and authorization live in `services`.
//!
//! The crate is read by feature: each feature is a folder with its portal pages (`pages.rs`,
//! server-rendered, working without JavaScript) and its API (`api.rs`), each exposing a
//! `router()` that this file merges. Pages post forms carrying the session's CSRF token; a
//! form with errors comes back with the messages next to its fields and everything typed kept.
//! What several features need lives in shared rooms beside them. Features use shared rooms and
//! never each other; shared rooms never use a feature (`scripts/check_cycles.rs` refuses any
//! import circle). docs/design.md has the map.

// Handlers return `Result<Response, Response>`: both arms are responses, boxing one gains nothing.
#![allow(clippy::result_large_err)]

// Features.
mod account;
mod attachments;
mod audit;
mod choices;
mod contacts;
mod dashboard;
mod deals;
mod enablement;
mod escalations;
mod exports;
mod facts;
mod homes;
mod imports;
mod integration_requests;
mod internal_nps;
mod leads;
mod mail;
mod notifications;
mod onboarding;
mod partners;
mod pipeline;
mod program;
mod rates;
mod recruitment;
mod rhythm;
mod scorecards;
mod teams;
mod tiers;
mod tracker;
mod users;
mod work;

// Shared rooms.
mod api_doc;
mod auth;
mod charts;
mod deal_page;
mod extract;
pub mod format;
mod layout;
mod partner_page;
mod problem;
mod respond;
mod security;
mod server;
mod state;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use problem::Problem;
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
        .merge(account::pages::router())
        .merge(attachments::pages::router())
        .merge(audit::pages::router())
        .merge(contacts::pages::router())
        .merge(dashboard::pages::router())
        .merge(deals::pages::router())
        .merge(enablement::pages::router())
        .merge(escalations::pages::router())
        .merge(work::pages::router())
        .merge(escalations::review::router())
        .merge(escalations::trends::router())
        .merge(integration_requests::pages::router())
        .merge(internal_nps::pages::router())
        .merge(escalations::paths::router())
        .merge(exports::pages::router())
        .merge(facts::pages::router())
        .merge(homes::pages::router())
        .merge(imports::pages::router())
        .merge(leads::pages::router())
        .merge(mail::pages::router())
        .merge(notifications::pages::router())
        .merge(onboarding::pages::router())
        .merge(partners::pages::router())
        .merge(pipeline::pages::router())
        .merge(program::pages::router())
        .merge(rates::pages::router())
        .merge(recruitment::pages::router())
        .merge(rhythm::pages::router())
        .merge(scorecards::pages::router())
        .merge(teams::pages::router())
        .merge(tiers::pages::router())
        .merge(tracker::pages::router())
        .merge(users::pages::router())
        .nest(
            "/api/v1",
            security::api_headers(api_routes().split_for_parts().0),
        )
        .merge(security::docs_headers(api_docs()))
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
        .merge(account::api::router())
        .merge(attachments::api::router())
        .merge(audit::api::router())
        .merge(contacts::api::router())
        .merge(dashboard::api::router())
        .merge(deals::api::router())
        .merge(enablement::api::router())
        .merge(escalations::api::router())
        .merge(work::api::router())
        .merge(escalations::review::api_router())
        .merge(escalations::trends::api_router())
        .merge(integration_requests::api::router())
        .merge(internal_nps::api::router())
        .merge(exports::api::router())
        .merge(facts::api::router())
        .merge(homes::api::router())
        .merge(imports::api::router())
        .merge(leads::api::router())
        .merge(mail::api::router())
        .merge(notifications::api::router())
        .merge(onboarding::api::router())
        .merge(partners::api::router())
        .merge(pipeline::api::router())
        .merge(program::api::router())
        .merge(rates::api::router())
        .merge(recruitment::api::router())
        .merge(rhythm::api::router())
        .merge(scorecards::api::router())
        .merge(teams::api::router())
        .merge(tiers::api::router())
        .merge(tracker::api::router())
        .merge(users::api::router())
        .fallback(|| async {
            Problem::new(StatusCode::NOT_FOUND, "not-found", "no such API endpoint")
        })
}

/// The API's docs for people: Swagger UI at `/api/docs/`, reading `/api/v1/openapi.json`.
/// Public like the document it shows; "Try it out" calls the API as the browser's session (or
/// a token typed into "Authorize").
fn api_docs() -> Router<AppState> {
    let config = utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])
        // Its default asks an outside validator for a badge, which the policy would refuse.
        .validator_url("none")
        .try_it_out_enabled(false);
    utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .config(config)
        .into()
}

/// What the document says besides its paths, which come from [`api_routes`].
#[derive(OpenApi)]
#[openapi(
    info(title = "PartnerOS API", description = "Partner relationship management. Authenticate with a personal API token: `Authorization: Bearer pos_…`. Errors are application/problem+json with field-level `errors`. Lists are keyset-paginated: pass `next_cursor` back as `cursor`."),
    components(schemas(Problem, domain::FieldError)),
    tags((name = "partners"), (name = "contacts"), (name = "account"), (name = "program"), (name = "tiers"), (name = "recruitment"), (name = "enablement"), (name = "deals"), (name = "escalations"), (name = "work"), (name = "integration_requests"), (name = "internal_nps"), (name = "meetings"), (name = "admin"), (name = "insight"))
)]
struct ApiDoc;

/// The OpenAPI 3.1 description of the API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, paths) = api_routes().split_for_parts();
    let mut doc = ApiDoc::openapi().nest("/api/v1", paths);
    api_doc::complete(&mut doc);
    doc
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
