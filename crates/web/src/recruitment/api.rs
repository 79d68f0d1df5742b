//! IPP assessments, red-flag overrides and 3C/4C evaluations in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::program::ipp::IppInput;
use domain::program::scoring_3c4c::EvaluationInput;
use serde::Deserialize;
use services::recruitment::{Evaluation3c4c, IppAssessment};
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ipp_assessments, assess_ipp))
        .routes(routes!(override_red_flag))
        .routes(routes!(evaluations_3c4c, evaluate_3c4c))
        .routes(routes!(share_3c4c))
}

#[utoipa::path(get, path = "/partners/{id}/ipp-assessments", tag = "recruitment", params(PageQuery),
    responses((status = 200, body = Page<IppAssessment>, description = "Newest first"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn ipp_assessments(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<IppAssessment>> {
    Ok(Json(
        state
            .services
            .ipp_assessments(&auth.actor, id, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/ipp-assessments", tag = "recruitment", request_body = IppInput,
    responses((status = 201, body = IppAssessment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn assess_ipp(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<IppInput>,
) -> Result<impl IntoResponse, Problem> {
    let assessment = state.services.assess_ipp(&auth.actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(assessment)))
}

#[utoipa::path(get, path = "/partners/{id}/3c4c-evaluations", tag = "recruitment", params(PageQuery),
    responses((status = 200, body = Page<Evaluation3c4c>, description = "Newest first; partner users see only those shared with them"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn evaluations_3c4c(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<Evaluation3c4c>> {
    Ok(Json(
        state
            .services
            .evaluations_3c4c(&auth.actor, id, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/3c4c-evaluations", tag = "recruitment", request_body = EvaluationInput,
    responses((status = 201, body = Evaluation3c4c), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn evaluate_3c4c(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> Result<impl IntoResponse, Problem> {
    let evaluation = state
        .services
        .evaluate_3c4c(&auth.actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(evaluation)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShareInput {
    pub(crate) shared: bool,
}

#[utoipa::path(post, path = "/3c4c-evaluations/{id}/share", tag = "recruitment", request_body = ShareInput,
    responses((status = 200, body = Evaluation3c4c), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn share_3c4c(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ShareInput>,
) -> ApiResult<Evaluation3c4c> {
    Ok(Json(
        state
            .services
            .share_3c4c(&auth.actor, id, input.shared)
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// Why the partner may move up despite the red flag (recorded, internal).
    pub reason: String,
}

#[utoipa::path(post, path = "/ipp-assessments/{id}/red-flag-override", tag = "recruitment",
    request_body = OverrideInput,
    responses((status = 200, body = IppAssessment), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "No red flag, or already overridden"), (status = 422, body = Problem)))]
pub async fn override_red_flag(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<Json<IppAssessment>, Problem> {
    let assessment = state
        .services
        .override_ipp_red_flag(&auth.actor, id, &input.reason)
        .await?;
    Ok(Json(assessment))
}
