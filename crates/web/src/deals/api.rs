//! Deal registrations in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::deals::conflicts::ConflictCheck;
use domain::deals::registration::DealInput;
use serde::Deserialize;
use services::deals::credit::WinConfirmationInput;
use services::deals::{
    ActivityInput, ActivityView, AssignmentInput, DealClose, DealDecision, DealQuery, DealView,
};
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register_deal))
        .routes(routes!(conflict_check))
        .routes(routes!(list_deals))
        .routes(routes!(get_deal))
        .routes(routes!(submit_deal))
        .routes(routes!(decide_deal))
        .routes(routes!(close_deal))
        .routes(routes!(confirm_win))
        .routes(routes!(confirm_activity))
        .routes(routes!(assign_deal))
        .routes(routes!(request_extension))
        .routes(routes!(decide_extension))
        .routes(routes!(deal_activities, log_activity))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct RegisterParams {
    /// Save as a draft instead of submitting it.
    draft: bool,
}

#[utoipa::path(post, path = "/partners/{id}/deals", tag = "deals", params(RegisterParams), request_body = DealInput,
    responses((status = 201, body = DealView, description = "Registered; `conflict_verdict` says clear or needs_review (internal users also see already_registered)"),
        (status = 403, body = Problem, description = "Not allowed, or an eligibility gate blocks (the detail says what is missing)"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn register_deal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(params): ApiQuery<RegisterParams>,
    ApiJson(input): ApiJson<DealInput>,
) -> Result<impl IntoResponse, Problem> {
    let deal = state
        .services
        .register_deal(&auth.actor, id, &input, !params.draft)
        .await?;
    Ok((StatusCode::CREATED, Json(deal)))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ConflictParams {
    customer_name: String,
    website: String,
}

#[utoipa::path(get, path = "/partners/{id}/conflict-check", tag = "deals", params(ConflictParams),
    responses((status = 200, body = ConflictCheck, description = "What a registration of this customer would be told now: clear or needs_review for partners; already_registered and findings only for internal users"),
        (status = 404, body = Problem),
        (status = 429, body = Problem, description = "The partner organisation used its 120 previews this hour; `Retry-After` says when the next hour starts")))]
async fn conflict_check(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(params): ApiQuery<ConflictParams>,
) -> ApiResult<ConflictCheck> {
    Ok(Json(
        state
            .services
            .preview_conflicts(&auth.actor, id, &params.customer_name, &params.website)
            .await?,
    ))
}

#[utoipa::path(get, path = "/deals", tag = "deals", params(DealQuery),
    responses((status = 200, body = Page<DealView>), (status = 403, body = Problem, description = "A partner's people naming another partner"), (status = 422, body = Problem)))]
async fn list_deals(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<DealQuery>,
) -> ApiResult<Page<DealView>> {
    Ok(Json(state.services.deals(&auth.actor, &q).await?))
}

#[utoipa::path(get, path = "/deals/{id}", tag = "deals",
    responses((status = 200, body = DealView), (status = 404, body = Problem)))]
async fn get_deal(State(state): State<AppState>, auth: ApiAuth, Id(id): Id) -> ApiResult<DealView> {
    Ok(Json(state.services.deal(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/deals/{id}/submit", tag = "deals",
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn submit_deal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<DealView> {
    Ok(Json(state.services.submit_deal(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/deals/{id}/decision", tag = "deals", request_body = DealDecision,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn decide_deal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<DealDecision>,
) -> ApiResult<DealView> {
    Ok(Json(
        state.services.decide_deal(&auth.actor, id, &input).await?,
    ))
}

#[utoipa::path(post, path = "/deals/{id}/close", tag = "deals", request_body = DealClose,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn close_deal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<DealClose>,
) -> ApiResult<DealView> {
    Ok(Json(
        state.services.close_deal(&auth.actor, id, &input).await?,
    ))
}

#[utoipa::path(post, path = "/deals/{id}/win-confirmation", tag = "deals", request_body = WinConfirmationInput,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn confirm_win(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<WinConfirmationInput>,
) -> ApiResult<DealView> {
    Ok(Json(
        state.services.confirm_win(&auth.actor, id, &input).await?,
    ))
}

#[utoipa::path(post, path = "/deals/{id}/activities/{activity}/confirmation", tag = "deals",
    responses((status = 200, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn confirm_activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ids: Result<Path<(Uuid, Uuid)>, axum::extract::rejection::PathRejection>,
) -> ApiResult<ActivityView> {
    let Ok(Path((deal, activity))) = ids else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "no such activity",
        ));
    };
    Ok(Json(
        state
            .services
            .confirm_activity(&auth.actor, deal, activity)
            .await?,
    ))
}

#[utoipa::path(post, path = "/deals/{id}/assignment", tag = "deals", request_body = AssignmentInput,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn assign_deal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<AssignmentInput>,
) -> ApiResult<DealView> {
    Ok(Json(
        state.services.assign_deal(&auth.actor, id, &input).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtensionInput {
    pub(crate) reason: String,
}

#[utoipa::path(post, path = "/deals/{id}/extension", tag = "deals", request_body = ExtensionInput,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "Not approved, protection over, or no extension left"), (status = 422, body = Problem)))]
async fn request_extension(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ExtensionInput>,
) -> ApiResult<DealView> {
    Ok(Json(
        state
            .services
            .request_extension(&auth.actor, id, &input.reason)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtensionDecision {
    pub(crate) approve: bool,
}

#[utoipa::path(post, path = "/deals/{id}/extension/decision", tag = "deals", request_body = ExtensionDecision,
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn decide_extension(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ExtensionDecision>,
) -> ApiResult<DealView> {
    Ok(Json(
        state
            .services
            .decide_extension(&auth.actor, id, input.approve)
            .await?,
    ))
}

#[utoipa::path(get, path = "/deals/{id}/activities", tag = "deals", params(PageQuery),
    responses((status = 200, body = Page<ActivityView>, description = "Newest first"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn deal_activities(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<ActivityView>> {
    Ok(Json(
        state
            .services
            .deal_activities(&auth.actor, id, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/deals/{id}/activities", tag = "deals", request_body = ActivityInput,
    responses((status = 201, body = ActivityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn log_activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<impl IntoResponse, Problem> {
    let activity = state.services.log_activity(&auth.actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(activity)))
}
