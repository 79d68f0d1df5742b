//! Tier evaluations, proposals and decisions in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use services::jobs::JobView;
use services::program::TierReport;
use services::tiers::{Decision, TierProposal};
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(evaluate_partner))
        .routes(routes!(partner_proposals))
        .routes(routes!(set_tier))
        .routes(routes!(tier_proposals))
        .routes(routes!(decide_proposal))
        .routes(routes!(tier_evaluation_runs, run_tier_evaluation))
}

#[utoipa::path(get, path = "/partners/{id}/evaluation", tag = "program", responses((status = 200, body = TierReport), (status = 404, body = Problem)))]
async fn evaluate_partner(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<TierReport> {
    Ok(Json(
        state.services.evaluate_partner(&auth.actor, id).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ProposalQuery {
    /// in_play (default: notices and open proposals, oldest first) or decided (newest
    /// decision first).
    #[serde(default)]
    status: String,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    cursor: String,
    /// Page size, 1–200 (default 50).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/tier-proposals", tag = "tiers", params(ProposalQuery),
    responses((status = 200, body = Page<TierProposal>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn tier_proposals(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<ProposalQuery>,
) -> ApiResult<Page<TierProposal>> {
    let page = PageQuery {
        cursor: query.cursor,
        limit: query.limit,
    };
    Ok(Json(
        state
            .services
            .tier_proposals(&auth.actor, &query.status, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(get, path = "/partners/{id}/tier-proposals", tag = "tiers", params(PageQuery),
    responses((status = 200, body = Page<TierProposal>, description = "Newest first"), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn partner_proposals(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<TierProposal>> {
    Ok(Json(
        state
            .services
            .partner_proposals(&auth.actor, id, &page.request()?)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionInput {
    /// approve, reject or override
    pub(crate) decision: String,
    /// The tier key to put the partner in (override only).
    #[serde(default)]
    pub(crate) tier: String,
    /// Why; required to reject or override.
    #[serde(default)]
    pub(crate) note: String,
}

#[utoipa::path(post, path = "/tier-proposals/{id}/decision", tag = "tiers", request_body = DecisionInput,
    responses((status = 200, body = TierProposal), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Already decided, or in remediation"), (status = 422, body = Problem)))]
async fn decide_proposal(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<TierProposal> {
    let decision = Decision::parse(&input.decision)?;
    Ok(Json(
        state
            .services
            .decide_proposal(&auth.actor, id, decision, &input.tier, &input.note)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TierInput {
    /// A tier key of the program in force.
    pub(crate) tier: String,
    /// Why (required).
    #[serde(default)]
    pub(crate) note: String,
}

#[utoipa::path(post, path = "/partners/{id}/tier", tag = "tiers", request_body = TierInput,
    responses((status = 200, body = TierProposal, description = "Recorded as a decided manual proposal"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn set_tier(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<TierInput>,
) -> ApiResult<TierProposal> {
    Ok(Json(
        state
            .services
            .set_tier_manually(&auth.actor, id, &input.tier, &input.note)
            .await?,
    ))
}

#[utoipa::path(post, path = "/tier-evaluations", tag = "tiers",
    responses((status = 200, body = JobView, description = "The finished run"), (status = 403, body = Problem)))]
async fn run_tier_evaluation(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<JobView> {
    Ok(Json(
        state.services.run_tier_evaluation_now(&auth.actor).await?,
    ))
}

#[utoipa::path(get, path = "/tier-evaluations", tag = "tiers", params(PageQuery),
    responses((status = 200, body = Page<JobView>, description = "Newest first"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn tier_evaluation_runs(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<JobView>> {
    Ok(Json(
        state
            .services
            .tier_evaluation_runs(&auth.actor, &page.request()?)
            .await?,
    ))
}
