//! A person's notifications in the API, under `/me`.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use services::Page;
use services::notifications::{NotificationQuery, NotificationView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(read_notifications))
}

#[utoipa::path(get, path = "/me/notifications", tag = "account", params(NotificationQuery),
    responses((status = 200, body = Page<NotificationView>), (status = 422, body = Problem)))]
async fn list_notifications(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> ApiResult<Page<NotificationView>> {
    Ok(Json(state.services.notifications(&auth.actor, &q).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReadInput {
    /// The notifications to mark read; leave out (or null) to mark all of them read.
    #[serde(default)]
    ids: Option<Vec<Uuid>>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ReadResult {
    marked: u64,
}

#[utoipa::path(post, path = "/me/notifications/read", tag = "account", request_body = ReadInput,
    responses((status = 200, body = ReadResult)))]
async fn read_notifications(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<ReadInput>,
) -> ApiResult<ReadResult> {
    let marked = state
        .services
        .mark_notifications_read(&auth.actor, input.ids.as_deref())
        .await?;
    Ok(Json(ReadResult { marked }))
}
