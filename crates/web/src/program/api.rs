//! The program's versions and the what-if simulation in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use services::program::ProgramVersion;
use services::tiers::SimulationReport;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(program_versions, apply_program))
        .routes(routes!(simulate_program))
}

#[utoipa::path(get, path = "/program/versions", tag = "program", params(PageQuery),
    responses((status = 200, body = Page<ProgramVersion>, description = "Newest first"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn program_versions(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<ProgramVersion>> {
    Ok(Json(
        state
            .services
            .program_versions(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProgramVersion {
    /// The whole program.toml text.
    pub source: String,
    /// YYYY-MM-DD (UTC); today when empty.
    #[serde(default)]
    pub effective_from: String,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/program/versions", tag = "program", request_body = NewProgramVersion,
    responses((status = 201, body = ProgramVersion), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn apply_program(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewProgramVersion>,
) -> Result<impl IntoResponse, Problem> {
    let version = state
        .services
        .apply_program(&auth.actor, &body.source, &body.effective_from, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(version)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SimulationInput {
    /// The proposed program.toml.
    pub(crate) source: String,
}

#[utoipa::path(post, path = "/program/simulations", tag = "program", request_body = SimulationInput,
    responses((status = 200, body = SimulationReport, description = "Who would move and the change in committed benefits; nothing is stored"),
        (status = 403, body = Problem), (status = 422, body = Problem, description = "The file's errors, by line")))]
async fn simulate_program(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<SimulationInput>,
) -> ApiResult<SimulationReport> {
    Ok(Json(
        state
            .services
            .simulate_program(&auth.actor, &input.source)
            .await?,
    ))
}
