//! Overriding an IPP red flag, which otherwise blocks a partner's upgrades: the form on the
//! partner page and its API twin. The rule and who may use it live in `services::recruitment`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use services::recruitment::IppAssessment;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{ApiAuth, PageAuth};
use crate::extract::{ApiJson, Form, Id};
use crate::problem::Problem;
use crate::respond::{PageResult, see_other, service_error};

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new().route(
        "/ipp-assessments/{id}/red-flag-override",
        post(override_red_flag),
    )
}

pub fn page_routes() -> Router<AppState> {
    Router::new().route(
        "/ipp-assessments/{id}/red-flag-override",
        post(override_red_flag_page),
    )
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    /// Why the partner may move up despite the red flag (recorded, internal).
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/ipp-assessments/{id}/red-flag-override", tag = "recruitment",
    request_body = OverrideInput,
    responses((status = 200, body = IppAssessment), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "No red flag, or already overridden"), (status = 422, body = Problem)))]
pub async fn override_red_flag(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<Json<IppAssessment>, Problem> {
    let assessment = state
        .services
        .override_ipp_red_flag(&auth.actor, id, &input.reason)
        .await?;
    Ok(Json(assessment))
}

async fn override_red_flag_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let assessment = state
        .services
        .override_ipp_red_flag(&auth.actor, id, &form.get("reason"))
        .await
        .map_err(service_error)?;
    Ok(see_other(&format!(
        "/partners/{}#qualification",
        assessment.partner_id
    )))
}
