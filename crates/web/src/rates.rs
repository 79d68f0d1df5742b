//! Exchange rates in the API and the portal: the list every internal user reads and the
//! CSV import admins and finance run (services decide who may; this only carries it).

use askama::Template;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use services::rates::{RateView, RatesImportReport};
use utoipa::OpenApi;

use crate::AppState;
use crate::auth::{ApiAuth, PageAuth};
use crate::extract::{ApiQuery, Form, IMPORT_LIMIT_BYTES};
use crate::layout::Layout;
use crate::problem::Problem;
use crate::respond::{PageResult, render, service_error};

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/rates", get(list_rates)).route(
        "/rates/import",
        axum::routing::post(import_rates)
            .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
    )
}

/// The portal's rates page.
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/rates", get(rates_page).post(import_page))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_rates, import_rates),
    components(schemas(RateView, RatesImportReport))
)]
pub struct RatesDoc;

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check every row and report, writing nothing.
    #[serde(default)]
    dry_run: bool,
}

#[utoipa::path(get, path = "/api/v1/rates", tag = "program",
    responses((status = 200, body = [RateView]), (status = 403, body = Problem)))]
async fn list_rates(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Json<Vec<RateView>>, Problem> {
    Ok(Json(state.services.exchange_rates(&auth.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/rates/import", tag = "program", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "currency,rate,effective_on: 1 currency = rate units of the program currency from that day"),
    responses((status = 200, body = RatesImportReport), (status = 403, body = Problem), (status = 422, body = RatesImportReport)))]
async fn import_rates(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_rates(&auth.actor, &body, params.dry_run)
        .await?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)))
}

#[derive(Template)]
#[template(path = "rates.html")]
struct RatesPage {
    layout: Layout,
    csrf_token: String,
    currency: String,
    rates: Vec<RateView>,
    can_import: bool,
    csv: String,
    report: Option<RatesImportReport>,
}

async fn view(
    state: &AppState,
    auth: &PageAuth,
    csv: String,
    report: Option<RatesImportReport>,
) -> PageResult {
    let rates = state
        .services
        .exchange_rates(&auth.actor)
        .await
        .map_err(service_error)?;
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let status = if report.as_ref().is_some_and(|r| !r.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RatesPage {
        layout: auth.layout("Exchange rates"),
        csrf_token: auth.csrf_token.clone(),
        currency: program.currency.clone(),
        rates,
        can_import: auth.actor.may(domain::permissions::Action::ImportRates),
        csv,
        report,
    };
    Ok((status, render(page)).into_response())
}

async fn rates_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    view(&state, &auth, String::new(), None).await
}

async fn import_page(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let csv = form.get("csv");
    let dry_run = form.get("action") != "import";
    let report = state
        .services
        .import_rates(&auth.actor, &csv, dry_run)
        .await
        .map_err(service_error)?;
    view(&state, &auth, csv, Some(report)).await
}
