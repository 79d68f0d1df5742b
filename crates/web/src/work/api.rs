//! Work items and "My work" in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use services::Page;
use services::work::{
    AssignInput, CommentInput, CommentView, MyWorkEntry, MyWorkQuery, TakeInput, WorkItemDetail,
    WorkItemView,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_work))
        .routes(routes!(work_item))
        .routes(routes!(comment_on_work))
        .routes(routes!(take_work))
        .routes(routes!(assign_work))
}

#[utoipa::path(get, path = "/my-work", tag = "work", params(MyWorkQuery),
    responses((status = 200, body = Page<MyWorkEntry>, description = "Open items assigned to me or my teams and the escalation cases I own, most urgent first"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn my_work(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<MyWorkQuery>,
) -> ApiResult<Page<MyWorkEntry>> {
    Ok(Json(state.services.my_work(&auth.actor, &query).await?))
}

#[utoipa::path(get, path = "/work/{id}", tag = "work",
    responses((status = 200, body = WorkItemDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn work_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<WorkItemDetail> {
    Ok(Json(state.services.work_item(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/work/{id}/comments", tag = "work", request_body = CommentInput,
    responses((status = 201, body = CommentView), (status = 403, body = Problem, description = "Not on a Responsible, Accountable or Consulted team"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn comment_on_work(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<impl IntoResponse, Problem> {
    let comment = state
        .services
        .comment_on_work(&auth.actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

#[utoipa::path(post, path = "/work/{id}/take", tag = "work", request_body = TakeInput,
    responses((status = 200, body = WorkItemView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Taken by someone else, closed, or changed since `version`")))]
async fn take_work(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<TakeInput>,
) -> ApiResult<WorkItemView> {
    Ok(Json(
        state.services.take_work(&auth.actor, id, &input).await?,
    ))
}

#[utoipa::path(post, path = "/work/{id}/assign", tag = "work", request_body = AssignInput,
    responses((status = 200, body = WorkItemView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Closed, or changed since `version`"), (status = 422, body = Problem)))]
async fn assign_work(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<AssignInput>,
) -> ApiResult<WorkItemView> {
    Ok(Json(
        state.services.assign_work(&auth.actor, id, &input).await?,
    ))
}
