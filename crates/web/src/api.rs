//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::deals::conflicts::ConflictCheck;
use domain::deals::registration::DealInput;
use serde::Deserialize;
use services::Page;
use services::deal_credit::WinConfirmationInput;
use services::deals::{
    ActivityInput, ActivityView, AssignmentInput, DealClose, DealDecision, DealQuery, DealView,
};
use utoipa::OpenApi;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/partners/{id}/deals", post(register_deal))
        .route("/partners/{id}/conflict-check", get(conflict_check))
        .route("/deals", get(list_deals))
        .route("/deals/{id}", get(get_deal))
        .route("/deals/{id}/submit", post(submit_deal))
        .route("/deals/{id}/decision", post(decide_deal))
        .route("/deals/{id}/close", post(close_deal))
        .route("/deals/{id}/win-confirmation", post(confirm_win))
        .route(
            "/deals/{id}/activities/{activity}/confirmation",
            post(confirm_activity),
        )
        .route("/deals/{id}/assignment", post(assign_deal))
        .route("/deals/{id}/extension", post(request_extension))
        .route("/deals/{id}/extension/decision", post(decide_extension))
        .route(
            "/deals/{id}/activities",
            get(deal_activities).post(log_activity),
        )
        .fallback(|| async {
            Problem::new(StatusCode::NOT_FOUND, "not-found", "no such API endpoint")
        })
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct RegisterParams {
    /// Save as a draft instead of submitting it.
    draft: bool,
}

#[utoipa::path(post, path = "/api/v1/partners/{id}/deals", tag = "deals", params(RegisterParams), request_body = DealInput,
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

#[utoipa::path(get, path = "/api/v1/partners/{id}/conflict-check", tag = "deals", params(ConflictParams),
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

#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", params(DealQuery),
    responses((status = 200, body = Page<DealView>), (status = 422, body = Problem)))]
async fn list_deals(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<DealQuery>,
) -> ApiResult<Page<DealView>> {
    Ok(Json(state.services.deals(&auth.actor, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals",
    responses((status = 200, body = DealView), (status = 404, body = Problem)))]
async fn get_deal(State(state): State<AppState>, auth: ApiAuth, Id(id): Id) -> ApiResult<DealView> {
    Ok(Json(state.services.deal(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/submit", tag = "deals",
    responses((status = 200, body = DealView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn submit_deal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<DealView> {
    Ok(Json(state.services.submit_deal(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/decision", tag = "deals", request_body = DealDecision,
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

#[utoipa::path(post, path = "/api/v1/deals/{id}/close", tag = "deals", request_body = DealClose,
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

#[utoipa::path(post, path = "/api/v1/deals/{id}/win-confirmation", tag = "deals", request_body = WinConfirmationInput,
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

#[utoipa::path(post, path = "/api/v1/deals/{id}/activities/{activity}/confirmation", tag = "deals",
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

#[utoipa::path(post, path = "/api/v1/deals/{id}/assignment", tag = "deals", request_body = AssignmentInput,
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
struct ExtensionInput {
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/extension", tag = "deals", request_body = ExtensionInput,
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
struct ExtensionDecision {
    approve: bool,
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/extension/decision", tag = "deals", request_body = ExtensionDecision,
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

#[utoipa::path(get, path = "/api/v1/deals/{id}/activities", tag = "deals",
    responses((status = 200, body = [ActivityView]), (status = 404, body = Problem)))]
async fn deal_activities(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Vec<ActivityView>> {
    Ok(Json(state.services.deal_activities(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/activities", tag = "deals", request_body = ActivityInput,
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

#[derive(OpenApi)]
#[openapi(
    info(title = "PartnerOS API", description = "Partner relationship management. Authenticate with a personal API token: `Authorization: Bearer pos_…`. Errors are application/problem+json with field-level `errors`. Lists are keyset-paginated: pass `next_cursor` back as `cursor`."),
    paths(register_deal, conflict_check, list_deals, get_deal, submit_deal, decide_deal, close_deal, confirm_win, confirm_activity, assign_deal, request_extension, decide_extension, deal_activities, log_activity),
    components(schemas(Problem, domain::FieldError)),
    tags((name = "partners"), (name = "contacts"), (name = "account"), (name = "program"), (name = "tiers"), (name = "recruitment"), (name = "enablement"), (name = "deals"), (name = "admin"))
)]
pub(crate) struct ApiDoc;
