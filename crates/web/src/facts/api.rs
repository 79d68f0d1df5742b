//! A partner's tier facts in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use domain::program::history::QuarterFactsInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(partner_facts, set_partner_facts))
}

/// A partner's tier facts: every recorded quarter and the quarter evaluated today.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct FactsView {
    /// The current quarter; the tier engine reads it and the three before it.
    as_of: String,
    /// Oldest first, each number with its source (records, won deals, an assessment, typed).
    quarters: Vec<services::facts::QuarterView>,
    /// Won deals the revenue leaves out for want of a rate, per currency.
    wins_not_counted: Vec<domain::deals::revenue::NotCounted>,
}

#[utoipa::path(get, path = "/partners/{id}/facts", tag = "program", responses((status = 200, body = FactsView), (status = 404, body = Problem)))]
async fn partner_facts(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<FactsView> {
    Ok(Json(FactsView {
        as_of: services::clock::current_quarter().to_string(),
        quarters: state.services.partner_quarters(&auth.actor, id).await?,
        wins_not_counted: state.services.wins_not_counted(&auth.actor, id).await?,
    }))
}

#[utoipa::path(put, path = "/partners/{id}/facts", tag = "program", request_body = QuarterFactsInput,
    responses((status = 200, body = QuarterFactsInput), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_partner_facts(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<QuarterFactsInput>,
) -> ApiResult<QuarterFactsInput> {
    Ok(Json(
        state
            .services
            .set_quarter_facts(&auth.actor, id, &input)
            .await?
            .to_input(),
    ))
}
