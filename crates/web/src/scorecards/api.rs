//! Scorecards and health scores in the API (services decide who may see what).

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::{ApiResult, FormatParam, report_download};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use services::insight::{HealthView, PartnerHealth, ScorecardView};
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(partner_scorecard))
        .routes(routes!(partner_scorecard_export))
        .routes(routes!(partner_health))
        .routes(routes!(partners_health))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QuarterParams {
    /// The quarter, e.g. `2026-Q3`; this quarter when absent.
    #[serde(default)]
    pub quarter: String,
}

#[utoipa::path(get, path = "/partners/{id}/scorecard", tag = "partners", params(QuarterParams),
    responses((status = 200, body = ScorecardView, description = "The quarter's figures and the eight quarters ending with it; `internal` only for our people"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn partner_scorecard(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(params): ApiQuery<QuarterParams>,
) -> ApiResult<ScorecardView> {
    Ok(Json(
        state
            .services
            .scorecard(&auth.actor, id, &params.quarter)
            .await?,
    ))
}

#[utoipa::path(get, path = "/partners/{id}/scorecard/export", tag = "partners", params(FormatParam, QuarterParams),
    responses((status = 200, content_type = "text/csv", description = "The eight quarters ending with `quarter`, one row each, as CSV or XLSX (`format`); our columns only for our people"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn partner_scorecard_export(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(format): ApiQuery<FormatParam>,
    ApiQuery(params): ApiQuery<QuarterParams>,
) -> Result<Response, Problem> {
    let table = state
        .services
        .scorecard_table(&auth.actor, id, &params.quarter);
    Ok(report_download("scorecard", &format.format, table).await?)
}

#[utoipa::path(get, path = "/partners/{id}/health", tag = "partners", params(PageQuery),
    responses((status = 200, body = HealthView, description = "Computed now, and the daily history newest first (paged)"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn partner_health(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<HealthView> {
    Ok(Json(
        state
            .services
            .health(&auth.actor, id, &page.request()?)
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HealthListParams {
    /// Only this band: `healthy`, `at_risk` or `intervene`.
    #[serde(default)]
    band: String,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    cursor: String,
    /// Page size, 1–200 (default 50).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/health", tag = "partners", params(HealthListParams),
    responses((status = 200, body = Page<PartnerHealth>, description = "The latest daily run's scored partners, lowest score first"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn partners_health(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<HealthListParams>,
) -> Result<Json<Page<PartnerHealth>>, Problem> {
    let page = PageQuery {
        cursor: params.cursor,
        limit: params.limit,
    }
    .request()?;
    Ok(Json(
        state
            .services
            .partners_health(&auth.actor, Some(&params.band), &page)
            .await?,
    ))
}
