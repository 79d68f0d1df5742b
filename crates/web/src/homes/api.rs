//! The caller's home and the program's tiers in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use services::homes::{Home, ProgramTiers};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(home))
        .routes(routes!(program_tiers))
}

#[utoipa::path(get, path = "/home", tag = "account",
    responses((status = 200, body = Home, description = "The caller's home: `shape` is `partner` for a partner's people (their organisation only, no internal field) or `internal` for our people (the figures of their role)"),
        (status = 403, body = Problem)))]
async fn home(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<Home> {
    Ok(Json(state.services.home(&auth.actor).await?))
}

#[utoipa::path(get, path = "/program/tiers", tag = "program",
    responses((status = 200, body = ProgramTiers, description = "The tiers of the program in force, lowest first: what each asks and what each gives")))]
async fn program_tiers(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<ProgramTiers> {
    Ok(Json(state.services.program_tiers(&auth.actor).await?))
}
