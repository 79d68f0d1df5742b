//! Escalation cases in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::escalations::Form;
use services::escalations::{
    ActionInput, EntryInput, Escalation, EscalationQuery, Escalations, Move, Reassign,
    TitleHolderInput, TitleView,
};
use services::{Page, PageQuery, PageRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_escalations))
        .routes(routes!(submit_escalation))
        .routes(routes!(escalation))
        .routes(routes!(move_escalation))
        .routes(routes!(post_escalation_update))
        .routes(routes!(post_escalation_note))
        .routes(routes!(add_escalation_action))
        .routes(routes!(complete_escalation_action))
        .routes(routes!(reassign_escalation))
        .routes(routes!(escalation_titles, name_title_holder))
}

#[utoipa::path(get, path = "/escalations", tag = "escalations", params(EscalationQuery),
    responses((status = 200, body = Escalations, description = "Our people: every partner's cases with their SLA clocks; a partner's people: their organisation's, without internal fields"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_escalations(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<EscalationQuery>,
) -> ApiResult<Escalations> {
    Ok(Json(
        state.services.list_escalations(&auth.actor, &query).await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/escalations", tag = "escalations", request_body = Form,
    responses((status = 201, body = Escalation), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn submit_escalation(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<Form>,
) -> Result<impl IntoResponse, Problem> {
    let case = state
        .services
        .submit_escalation(&auth.actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(case)))
}

#[utoipa::path(get, path = "/escalations/{id}", tag = "escalations",
    responses((status = 200, body = Escalation, description = "The case and its log; a partner's people never get internal notes"), (status = 404, body = Problem)))]
async fn escalation(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Escalation> {
    Ok(Json(state.services.escalation(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/escalations/{id}/moves", tag = "escalations", request_body = Move,
    responses((status = 200, body = Escalation), (status = 403, body = Problem, description = "A move of the other side"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Not from the case's state, or the case changed since `version`"), (status = 422, body = Problem)))]
async fn move_escalation(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<Move>,
) -> ApiResult<Escalation> {
    Ok(Json(
        state
            .services
            .move_escalation(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/escalations/{id}/updates", tag = "escalations", request_body = EntryInput,
    responses((status = 200, body = Escalation), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn post_escalation_update(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult<Escalation> {
    Ok(Json(
        state
            .services
            .post_escalation_update(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/escalations/{id}/notes", tag = "escalations", request_body = EntryInput,
    responses((status = 200, body = Escalation), (status = 403, body = Problem, description = "Partners write no internal notes"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn post_escalation_note(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<EntryInput>,
) -> ApiResult<Escalation> {
    Ok(Json(
        state
            .services
            .post_escalation_note(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/escalations/{id}/actions", tag = "escalations", request_body = ActionInput,
    responses((status = 200, body = Escalation), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_escalation_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ActionInput>,
) -> ApiResult<Escalation> {
    Ok(Json(
        state
            .services
            .add_escalation_action(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/escalations/{id}/actions/{action_id}/done", tag = "escalations",
    params(("id" = Uuid, Path), ("action_id" = Uuid, Path)),
    responses((status = 200, body = Escalation), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "Already done")))]
async fn complete_escalation_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path((id, action_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Escalation> {
    Ok(Json(
        state
            .services
            .complete_escalation_action(&auth.actor, id, action_id)
            .await?,
    ))
}

#[utoipa::path(post, path = "/escalations/{id}/owner", tag = "escalations", request_body = Reassign,
    responses((status = 200, body = Escalation), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn reassign_escalation(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<Reassign>,
) -> ApiResult<Escalation> {
    Ok(Json(
        state
            .services
            .reassign_escalation(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(get, path = "/escalation-paths", tag = "escalations", params(PageQuery),
    responses((status = 200, body = Page<TitleView>, description = "Every title of program.toml's [escalation_paths] with its steps, topics and holder (absent: unfilled, the administrators are reached)"),
        (status = 403, body = Problem, description = "Our people only"), (status = 422, body = Problem)))]
async fn escalation_titles(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<TitleView>> {
    Ok(Json(
        state
            .services
            .escalation_titles(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(put, path = "/escalation-paths", tag = "escalations", request_body = TitleHolderInput,
    responses((status = 200, body = Page<TitleView>, description = "The titles after the edit"),
        (status = 403, body = Problem, description = "Administrators only"),
        (status = 409, body = Problem, description = "The title's holder changed since `version`"),
        (status = 422, body = Problem, description = "No such title, partner_manager, or not one of our active people")))]
async fn name_title_holder(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<TitleHolderInput>,
) -> ApiResult<Page<TitleView>> {
    state
        .services
        .name_title_holder(&auth.actor, &input)
        .await?;
    Ok(Json(
        state
            .services
            .escalation_titles(&auth.actor, &PageRequest::everything())
            .await?,
    ))
}
