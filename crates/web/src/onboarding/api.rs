//! The onboarding checklist and health checks in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use services::onboarding::Checklist;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(onboarding_checklist))
        .routes(routes!(record_health_check))
        .routes(routes!(tick_onboarding_item))
}

#[utoipa::path(get, path = "/partners/{id}/onboarding", tag = "enablement",
    responses((status = 200, body = Checklist), (status = 404, body = Problem)))]
async fn onboarding_checklist(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Checklist> {
    Ok(Json(
        state.services.onboarding_checklist(&auth.actor, id).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TickInput {
    pub(crate) done: bool,
    /// A link or file reference, required to close items that ask for evidence.
    #[serde(default)]
    pub(crate) evidence: String,
}

#[utoipa::path(post, path = "/onboarding-items/{id}", tag = "enablement", request_body = TickInput,
    responses((status = 204, description = "Ticked or reopened"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn tick_onboarding_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<TickInput>,
) -> Result<StatusCode, Problem> {
    state
        .services
        .tick_onboarding_item(&auth.actor, id, input.done, &input.evidence)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HealthCheckInput {
    /// 30, 60 or 90 (the program's health_check_days).
    pub(crate) day: u32,
    /// on_track, at_risk or off_track
    pub(crate) status: String,
    /// Required unless on track.
    #[serde(default)]
    pub(crate) note: String,
}

#[utoipa::path(post, path = "/partners/{id}/health-checks", tag = "enablement", request_body = HealthCheckInput,
    responses((status = 204, description = "Recorded"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn record_health_check(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<HealthCheckInput>,
) -> Result<StatusCode, Problem> {
    state
        .services
        .record_health_check(&auth.actor, id, input.day, &input.status, &input.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
