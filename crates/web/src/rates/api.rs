//! Exchange rates in the API: the list every internal user reads and the CSV import admins
//! and finance run (services decide who may; this only carries it).

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiQuery, IMPORT_LIMIT_BYTES};
use crate::problem::Problem;
use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use services::rates::{RateView, RatesImportReport};
use services::{Page, PageQuery};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rates))
        .routes(routes!(import_rates).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check every row and report, writing nothing.
    #[serde(default)]
    dry_run: bool,
}

#[utoipa::path(get, path = "/rates", tag = "program", params(PageQuery),
    responses((status = 200, body = Page<RateView>, description = "By currency, newest first"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_rates(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<RateView>>, Problem> {
    Ok(Json(
        state
            .services
            .exchange_rates(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/rates/import", tag = "program", params(ImportParams),
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
