//! The internal NPS survey in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use services::internal_nps::{AnswerForm, InternalNpsView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(internal_nps))
        .routes(routes!(answer_internal_nps))
        .routes(routes!(open_internal_nps_round))
}

#[utoipa::path(get, path = "/internal-nps", tag = "internal_nps",
    responses((status = 200, body = InternalNpsView, description = "Aggregates only: the round's mean (0-10, one decimal, half to even), the trend, teams with at least three answers, comments without names"),
        (status = 403, body = Problem)))]
async fn internal_nps(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<InternalNpsView> {
    Ok(Json(state.services.internal_nps(&auth.actor).await?))
}

#[utoipa::path(post, path = "/internal-nps/answers", tag = "internal_nps", request_body = AnswerForm,
    responses((status = 204, description = "Answered"), (status = 403, body = Problem, description = "Partners' people are never asked"),
        (status = 409, body = Problem, description = "Answered already this round, or no round is open"), (status = 422, body = Problem)))]
async fn answer_internal_nps(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<AnswerForm>,
) -> Result<impl IntoResponse, Problem> {
    state
        .services
        .answer_internal_nps(&auth.actor, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/internal-nps/rounds", tag = "internal_nps",
    responses((status = 201, body = InternalNpsView), (status = 403, body = Problem), (status = 409, body = Problem, description = "The period's round is open already")))]
async fn open_internal_nps_round(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<impl IntoResponse, Problem> {
    let view = state.services.open_internal_nps_round(&auth.actor).await?;
    Ok((StatusCode::CREATED, Json(view)))
}
