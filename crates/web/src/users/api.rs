//! User accounts in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::users::{NewUserInput, User};
use serde::Deserialize;
use services::users::UserEntry;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(reset_password))
}

#[utoipa::path(get, path = "/users", tag = "admin", params(PageQuery),
    responses((status = 200, body = Page<UserEntry>, description = "Accounts in email order"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_users(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<UserEntry>> {
    Ok(Json(
        state
            .services
            .list_users(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/users", tag = "admin", request_body = NewUserInput, responses((status = 201, body = User), (status = 422, body = Problem)))]
async fn create_user(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<NewUserInput>,
) -> Result<impl IntoResponse, Problem> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.create_user(&auth.actor, &input).await?),
    ))
}

#[utoipa::path(post, path = "/users/{id}/disable", tag = "admin", responses((status = 200, body = User)))]
async fn disable_user(State(state): State<AppState>, auth: ApiAuth, Id(id): Id) -> ApiResult<User> {
    Ok(Json(
        state
            .services
            .set_user_disabled(&auth.actor, id, true)
            .await?,
    ))
}

#[utoipa::path(post, path = "/users/{id}/enable", tag = "admin", responses((status = 200, body = User)))]
async fn enable_user(State(state): State<AppState>, auth: ApiAuth, Id(id): Id) -> ApiResult<User> {
    Ok(Json(
        state
            .services
            .set_user_disabled(&auth.actor, id, false)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

#[utoipa::path(post, path = "/users/{id}/reset-password", tag = "admin", request_body = PasswordReset, responses((status = 200, body = User)))]
async fn reset_password(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(body): ApiJson<PasswordReset>,
) -> ApiResult<User> {
    Ok(Json(
        state
            .services
            .reset_password(&auth.actor, id, &body.password)
            .await?,
    ))
}
