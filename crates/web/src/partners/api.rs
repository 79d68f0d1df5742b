//! Partners in the API: list, create, read, change, stage, archive and restore, timeline.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id, merge_patch};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::audit::AuditEvent;
use domain::partners::{Partner, PartnerInput};
use serde::Deserialize;
use services::partners::PartnerQuery;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_partners, create_partner))
        .routes(routes!(get_partner, update_partner))
        .routes(routes!(change_stage))
        .routes(routes!(archive_partner))
        .routes(routes!(restore_partner))
        .routes(routes!(timeline))
}

#[utoipa::path(get, path = "/partners", tag = "partners", params(PartnerQuery),
    responses((status = 200, body = Page<Partner>), (status = 403, body = Problem, description = "A partner's people asking for health"), (status = 422, body = Problem)))]
async fn list_partners(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<PartnerQuery>,
) -> ApiResult<Page<Partner>> {
    Ok(Json(
        state.services.list_partners(&auth.actor, &query).await?,
    ))
}

#[utoipa::path(post, path = "/partners", tag = "partners", request_body = PartnerInput,
    responses((status = 201, body = Partner), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_partner(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<PartnerInput>,
) -> Result<impl IntoResponse, Problem> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.create_partner(&auth.actor, &input).await?),
    ))
}

#[utoipa::path(get, path = "/partners/{id}", tag = "partners", responses((status = 200, body = Partner), (status = 404, body = Problem)))]
async fn get_partner(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Partner> {
    Ok(Json(state.services.get_partner(&auth.actor, id).await?))
}

#[utoipa::path(patch, path = "/partners/{id}", tag = "partners", request_body(content = PartnerInput, description = "Only the fields to change"),
    responses((status = 200, body = Partner), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_partner(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Partner> {
    let current = state.services.get_partner(&auth.actor, id).await?;
    let input: PartnerInput = merge_patch(&current.to_input(), patch)?;
    Ok(Json(
        state
            .services
            .update_partner(&auth.actor, id, &input)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageChange {
    /// The stage to move to.
    pub stage: String,
    /// Why, for the timeline (required when moving to exited).
    #[serde(default)]
    pub note: String,
    /// The stage the caller chose from; when given and the partner has moved on since, the
    /// change is refused (409) instead of applied to the stage someone else set.
    #[serde(default)]
    pub from: String,
}

#[utoipa::path(post, path = "/partners/{id}/stage", tag = "partners", request_body = StageChange,
    responses((status = 200, body = Partner), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn change_stage(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(body): ApiJson<StageChange>,
) -> ApiResult<Partner> {
    Ok(Json(
        state
            .services
            .change_partner_stage_from(&auth.actor, id, &body.from, &body.stage, &body.note)
            .await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/archive", tag = "partners", responses((status = 200, body = Partner), (status = 409, body = Problem)))]
async fn archive_partner(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Partner> {
    Ok(Json(state.services.archive_partner(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/partners/{id}/restore", tag = "partners", responses((status = 200, body = Partner), (status = 409, body = Problem)))]
async fn restore_partner(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Partner> {
    Ok(Json(state.services.restore_partner(&auth.actor, id).await?))
}

#[utoipa::path(get, path = "/partners/{id}/timeline", tag = "partners", params(PageQuery), responses((status = 200, body = Page<AuditEvent>)))]
async fn timeline(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Page<AuditEvent>> {
    Ok(Json(
        state
            .services
            .partner_timeline(&auth.actor, id, &q.cursor, q.limit)
            .await?,
    ))
}
