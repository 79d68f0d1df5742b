//! One's own account in the API, under `/me`: who am I, time zone, password, API tokens.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::users::User;
use serde::Deserialize;
use services::auth::ApiToken;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[utoipa::path(get, path = "/me", tag = "account", responses((status = 200, body = User), (status = 401, body = Problem)))]
async fn me(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<User> {
    Ok(Json(state.services.current_user(&auth.actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    /// IANA time zone name the portal shows times in, e.g. "Europe/Berlin".
    pub time_zone: String,
}

#[utoipa::path(patch, path = "/me", tag = "account", request_body = AccountChange,
    responses((status = 200, body = User), (status = 422, body = Problem)))]
async fn update_me(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<AccountChange>,
) -> ApiResult<User> {
    Ok(Json(
        state
            .services
            .set_own_time_zone(&auth.actor, &body.time_zone)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/me/password", tag = "account", request_body = PasswordChange,
    responses((status = 204, description = "Changed; every session and API token of the account has ended"), (status = 422, body = Problem)))]
async fn change_password(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, Problem> {
    state
        .services
        .change_own_password(
            &auth.actor,
            &body.current_password,
            &body.new_password,
            false,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/me/tokens", tag = "account", params(PageQuery),
    responses((status = 200, body = Page<ApiToken>, description = "Newest first"), (status = 422, body = Problem)))]
async fn list_tokens(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<ApiToken>> {
    Ok(Json(
        state
            .services
            .list_api_tokens(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "CRM sync".
    pub name: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: ApiToken,
    /// The secret, shown this once. Send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[utoipa::path(post, path = "/me/tokens", tag = "account", request_body = NewToken, responses((status = 201, body = CreatedToken)))]
async fn create_token(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<impl IntoResponse, Problem> {
    let (token, secret) = state
        .services
        .create_api_token(&auth.actor, &body.name)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "account", responses((status = 200, body = ApiToken), (status = 404, body = Problem)))]
async fn revoke_token(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<ApiToken> {
    Ok(Json(
        state.services.revoke_api_token(&auth.actor, id).await?,
    ))
}
