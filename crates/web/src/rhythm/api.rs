//! Meetings in the API: our people read them with their packs (also as Markdown and
//! print-ready HTML); admins, partner managers and executives record them, their decisions
//! and action items.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::rhythm::{ActionForm, DecisionForm, MeetingForm};
use domain::time_zone::TimeZone;
use services::Page;
use services::rhythm::{MeetingDetail, MeetingQuery, MeetingSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::export;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings))
        .routes(routes!(create_meeting))
        .routes(routes!(meeting))
        .routes(routes!(meeting_markdown))
        .routes(routes!(meeting_html))
        .routes(routes!(add_meeting_decision))
        .routes(routes!(add_meeting_action))
        .routes(routes!(complete_meeting_action))
}

#[utoipa::path(get, path = "/meetings", tag = "meetings", params(MeetingQuery),
    responses((status = 200, body = Page<MeetingSummary>, description = "Newest first"),
        (status = 403, body = Problem, description = "Partners never see meetings"), (status = 422, body = Problem)))]
async fn list_meetings(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<MeetingQuery>,
) -> ApiResult<Page<MeetingSummary>> {
    Ok(Json(
        state.services.list_meetings(&auth.actor, &query).await?,
    ))
}

/// The meeting as read back, after a write.
/// The caller's own time zone: the files say when decisions were recorded in it.
fn zone(auth: &ApiAuth) -> TimeZone {
    TimeZone::named_or_utc(&auth.actor.time_zone)
}

async fn detail(state: &AppState, auth: &ApiAuth, id: Uuid) -> Result<MeetingDetail, Problem> {
    Ok(state.services.meeting(&auth.actor, id).await?)
}

#[utoipa::path(post, path = "/meetings", tag = "meetings", request_body = MeetingForm,
    responses((status = 201, body = MeetingDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_meeting(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<MeetingForm>,
) -> Result<impl IntoResponse, Problem> {
    let id = state.services.create_meeting(&auth.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &auth, id).await?)))
}

#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings",
    responses((status = 200, body = MeetingDetail, description = "The meeting, its pack, decisions and action items"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn meeting(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<MeetingDetail> {
    Ok(Json(detail(&state, &auth, id).await?))
}

#[utoipa::path(get, path = "/meetings/{id}/pack.md", tag = "meetings",
    responses((status = 200, content_type = "text/markdown", description = "The meeting and its pack as Markdown, a download; links absolute"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn meeting_markdown(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> Result<Response, Problem> {
    let detail = detail(&state, &auth, id).await?;
    Ok(export::markdown_download(
        &state.services,
        &detail,
        &zone(&auth),
    ))
}

#[utoipa::path(get, path = "/meetings/{id}/pack.html", tag = "meetings",
    responses((status = 200, content_type = "text/html", description = "The meeting and its pack as standalone HTML with print CSS, no scripts, served inline to print; links absolute"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn meeting_html(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> Result<Response, Problem> {
    let detail = detail(&state, &auth, id).await?;
    Ok(export::print_html(&state.services, &detail, zone(&auth)))
}

#[utoipa::path(post, path = "/meetings/{id}/decisions", tag = "meetings", request_body = DecisionForm,
    responses((status = 200, body = MeetingDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_meeting_decision(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<DecisionForm>,
) -> ApiResult<MeetingDetail> {
    state
        .services
        .add_meeting_decision(&auth.actor, id, &input)
        .await?;
    Ok(Json(detail(&state, &auth, id).await?))
}

#[utoipa::path(post, path = "/meetings/{id}/actions", tag = "meetings", request_body = ActionForm,
    responses((status = 200, body = MeetingDetail, description = "The owner is notified"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_meeting_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ActionForm>,
) -> ApiResult<MeetingDetail> {
    state
        .services
        .add_meeting_action(&auth.actor, id, &input)
        .await?;
    Ok(Json(detail(&state, &auth, id).await?))
}

#[utoipa::path(post, path = "/meetings/{id}/actions/{action_id}/done", tag = "meetings",
    params(("id" = Uuid, Path), ("action_id" = Uuid, Path)),
    responses((status = 200, body = MeetingDetail), (status = 403, body = Problem, description = "Neither its owner nor one who runs meetings"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Already done")))]
async fn complete_meeting_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path((id, action_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<MeetingDetail> {
    state
        .services
        .complete_meeting_action(&auth.actor, id, action_id)
        .await?;
    Ok(Json(detail(&state, &auth, id).await?))
}
