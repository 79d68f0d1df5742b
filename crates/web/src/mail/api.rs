//! Mail in the API: one's own delivery choice under `/me`, and the outbox (admins): read it,
//! retry failed mail, discard queued mail.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use services::Page;
use services::mail::{MailPreference, OutboxQuery, OutboxView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mail_preference, set_mail_preference))
        .routes(routes!(outbox))
        .routes(routes!(retry_mail))
        .routes(routes!(discard_mail))
        .routes(routes!(discard_queued_mail))
}

#[utoipa::path(get, path = "/me/mail", tag = "account",
    responses((status = 200, body = MailPreference, description = "How the caller's notifications are mailed")))]
async fn mail_preference(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<MailPreference> {
    Ok(Json(state.services.mail_preference(&auth.actor).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MailChoice {
    /// immediately, digest (one mail a day) or off; security notices are mailed regardless.
    delivery: String,
}

#[utoipa::path(put, path = "/me/mail", tag = "account", request_body = MailChoice,
    responses((status = 200, body = MailPreference), (status = 422, body = Problem, description = "An unknown delivery")))]
async fn set_mail_preference(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<MailChoice>,
) -> ApiResult<MailPreference> {
    Ok(Json(
        state
            .services
            .set_mail_preference(&auth.actor, &input.delivery)
            .await?,
    ))
}

#[utoipa::path(get, path = "/outbox", tag = "admin", params(OutboxQuery),
    responses((status = 200, body = Page<OutboxView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn outbox(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> ApiResult<Page<OutboxView>> {
    Ok(Json(state.services.outbox(&auth.actor, &q).await?))
}

#[utoipa::path(post, path = "/outbox/{id}/retry", tag = "admin", params(("id" = Uuid, Path)),
    responses((status = 200, body = OutboxView, description = "Queued again with fresh attempts"),
        (status = 409, body = Problem, description = "The mail is not failed (retried already, or on its way)"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn retry_mail(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<Uuid>,
) -> ApiResult<OutboxView> {
    Ok(Json(state.services.retry_mail(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/outbox/{id}/discard", tag = "admin", params(("id" = Uuid, Path)),
    responses((status = 200, body = OutboxView, description = "Discarded: it will not be sent"),
        (status = 409, body = Problem, description = "The mail is not queued (sent, expired or discarded already) or is a security notice"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn discard_mail(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<Uuid>,
) -> ApiResult<OutboxView> {
    Ok(Json(state.services.discard_mail(&auth.actor, id).await?))
}

/// How many queued mails were discarded.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Discarded {
    discarded: u64,
}

#[utoipa::path(post, path = "/outbox/discard-queued", tag = "admin",
    responses((status = 200, body = Discarded, description = "Every queued mail but security notices discarded"),
        (status = 409, body = Problem, description = "No mail was queued (another admin discarded it first, or it left)"),
        (status = 403, body = Problem)))]
async fn discard_queued_mail(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<Discarded> {
    let discarded = state.services.discard_queued_mail(&auth.actor).await?;
    Ok(Json(Discarded { discarded }))
}
