//! The pipeline, its snapshots and a registration's pipeline fields in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::{ApiResult, FormatParam, report_download};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::deals::pipeline::PipelineSummary;
use serde::Deserialize;
use services::deals::{DealView, PipelineInput};
use services::pipeline::SnapshotView;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pipeline))
        .routes(routes!(pipeline_export))
        .routes(routes!(forecast_snapshots, take_forecast_snapshot))
        .routes(routes!(update_pipeline))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct PipelineParams {
    /// One partner's pipeline (internal users; partners always see their own).
    partner: Option<Uuid>,
}

#[utoipa::path(get, path = "/pipeline", tag = "deals", params(PipelineParams),
    responses((status = 200, body = PipelineSummary), (status = 404, body = Problem)))]
async fn pipeline(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<PipelineParams>,
) -> ApiResult<PipelineSummary> {
    Ok(Json(
        state.services.pipeline(&auth.actor, params.partner).await?,
    ))
}

#[utoipa::path(get, path = "/pipeline/export", tag = "deals", params(FormatParam, PipelineParams),
    responses((status = 200, content_type = "text/csv", description = "The pipeline's breakdowns, one row per line in the program currency, as CSV or XLSX (`format`)"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn pipeline_export(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<FormatParam>,
    ApiQuery(params): ApiQuery<PipelineParams>,
) -> Result<Response, Problem> {
    let table = state.services.pipeline_table(&auth.actor, params.partner);
    Ok(report_download("pipeline", &format.format, table).await?)
}

#[utoipa::path(get, path = "/pipeline/snapshots", tag = "deals", params(PageQuery),
    responses((status = 200, body = Page<SnapshotView>, description = "Newest first"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn forecast_snapshots(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<SnapshotView>> {
    Ok(Json(
        state
            .services
            .forecast_snapshots(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/pipeline/snapshots", tag = "deals",
    responses((status = 201, body = SnapshotView), (status = 403, body = Problem)))]
async fn take_forecast_snapshot(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<impl IntoResponse, Problem> {
    let snapshot = state.services.take_forecast_snapshot(&auth.actor).await?;
    Ok((StatusCode::CREATED, Json(snapshot)))
}

#[utoipa::path(put, path = "/deals/{id}/pipeline", tag = "deals", request_body = PipelineInput,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update_pipeline(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<PipelineInput>,
) -> ApiResult<DealView> {
    Ok(Json(
        state
            .services
            .update_pipeline(&auth.actor, id, &input)
            .await?,
    ))
}
