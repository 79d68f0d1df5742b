//! Certifications, enrolments, eligibility and learning in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::enablement::RecordInput;
use serde::{Deserialize, Serialize};
use services::enablement::learning::Learning;
use services::enablement::{CertificationView, GateView};
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(certification_records, record_certification))
        .routes(routes!(learning))
        .routes(routes!(enroll))
        .routes(routes!(tick_requirement))
        .routes(routes!(declare_major_release))
        .routes(routes!(eligibility))
}

#[utoipa::path(get, path = "/partners/{id}/certifications", tag = "enablement", params(PageQuery),
    responses((status = 200, body = Page<CertificationView>, description = "By person, newest first"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn certification_records(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<CertificationView>> {
    Ok(Json(
        state
            .services
            .certification_records(&auth.actor, id, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/certifications", tag = "enablement", request_body = RecordInput,
    responses((status = 201, body = CertificationView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn record_certification(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<RecordInput>,
) -> Result<impl IntoResponse, Problem> {
    let view = state
        .services
        .record_certification(&auth.actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/partners/{id}/learning", tag = "enablement",
    responses((status = 200, body = Learning), (status = 404, body = Problem)))]
async fn learning(State(state): State<AppState>, auth: ApiAuth, Id(id): Id) -> ApiResult<Learning> {
    Ok(Json(state.services.learning(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnrollInput {
    pub(crate) contact_id: String,
    /// A catalog key.
    pub(crate) certification: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Created {
    id: Uuid,
}

#[utoipa::path(post, path = "/partners/{id}/enrollments", tag = "enablement", request_body = EnrollInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn enroll(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<EnrollInput>,
) -> Result<impl IntoResponse, Problem> {
    let enrollment = state
        .services
        .enroll(&auth.actor, id, &input.contact_id, &input.certification)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: enrollment })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequirementInput {
    /// One of the certification's requirements, as the catalog words it.
    pub(crate) requirement: String,
    pub(crate) done: bool,
}

#[utoipa::path(post, path = "/enrollments/{id}/requirements", tag = "enablement", request_body = RequirementInput,
    responses((status = 204, description = "Marked met or reopened"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn tick_requirement(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<RequirementInput>,
) -> Result<StatusCode, Problem> {
    state
        .services
        .tick_requirement(&auth.actor, id, &input.requirement, input.done)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReleaseInput {
    /// The release's name, e.g. "v5.0".
    release: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct ReleaseOutcome {
    /// Certifications retired (their holders must renew).
    retired: u64,
}

#[utoipa::path(post, path = "/releases", tag = "enablement", request_body = ReleaseInput,
    responses((status = 200, body = ReleaseOutcome, description = "Every certification that expires on a major release is retired"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn declare_major_release(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<ReleaseInput>,
) -> ApiResult<ReleaseOutcome> {
    let retired = state
        .services
        .declare_major_release(&auth.actor, &input.release)
        .await?;
    Ok(Json(ReleaseOutcome { retired }))
}

#[utoipa::path(get, path = "/partners/{id}/eligibility", tag = "enablement",
    responses((status = 200, body = [GateView]), (status = 404, body = Problem)))]
async fn eligibility(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Vec<GateView>> {
    Ok(Json(state.services.eligibility(&auth.actor, id).await?))
}
