//! Leads in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::deals::leads::LeadInput;
use serde::Deserialize;
use services::leads::LeadView;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_leads))
        .routes(routes!(submit_lead))
        .routes(routes!(accept_lead))
        .routes(routes!(reject_lead))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct LeadParams {
    /// One partner's leads (internal users).
    partner: Option<Uuid>,
    /// submitted, accepted or rejected
    status: Option<String>,
}

#[utoipa::path(get, path = "/leads", tag = "deals", params(LeadParams, PageQuery),
    responses((status = 200, body = Page<LeadView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_leads(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<LeadParams>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<LeadView>> {
    Ok(Json(
        state
            .services
            .leads(
                &auth.actor,
                params.partner,
                params.status.as_deref(),
                &page.request()?,
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/leads", tag = "deals", request_body = LeadInput,
    responses((status = 201, body = LeadView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn submit_lead(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<LeadInput>,
) -> Result<impl IntoResponse, Problem> {
    let lead = state.services.submit_lead(&auth.actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(lead)))
}

#[utoipa::path(post, path = "/leads/{id}/accept", tag = "deals",
    responses((status = 200, body = LeadView, description = "Accepted: `deal_id` is the approved registration credited to the partner"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn accept_lead(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<LeadView> {
    Ok(Json(state.services.accept_lead(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RejectInput {
    pub(crate) reason: String,
}

#[utoipa::path(post, path = "/leads/{id}/reject", tag = "deals", request_body = RejectInput,
    responses((status = 200, body = LeadView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn reject_lead(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<RejectInput>,
) -> ApiResult<LeadView> {
    Ok(Json(
        state
            .services
            .reject_lead(&auth.actor, id, &input.reason)
            .await?,
    ))
}
