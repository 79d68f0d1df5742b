//! Teams, the RACI matrix and the stakeholder map in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::teams::StakeholderInput;
use serde::Deserialize;
use services::teams::{LeadInput, MemberInput, RaciActivity, StakeholderEntry, TeamView};
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read_raci_matrix))
        .routes(routes!(read_stakeholder_map))
        .routes(routes!(read_team))
        .routes(routes!(add_team_member))
        .routes(routes!(remove_team_member))
        .routes(routes!(name_team_lead))
        .routes(routes!(edit_stakeholder_entry))
}

#[utoipa::path(get, path = "/raci", tag = "teams", params(PageQuery),
    responses((status = 200, body = Page<RaciActivity>, description = "The program's RACI matrix, activity by activity, each part with its letter and its word"),
        (status = 403, body = Problem, description = "Partners never see it"), (status = 422, body = Problem)))]
async fn read_raci_matrix(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<RaciActivity>> {
    Ok(Json(
        state.services.raci(&auth.actor, &page.request()?).await?,
    ))
}

#[utoipa::path(get, path = "/stakeholder-map", tag = "teams", params(PageQuery),
    responses((status = 200, body = Page<StakeholderEntry>, description = "Every team's decision maker, concerns, blockers, champion and alignment figures (a figure nothing records yet has no value)"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn read_stakeholder_map(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<StakeholderEntry>> {
    Ok(Json(
        state
            .services
            .stakeholder_map(&auth.actor, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(get, path = "/teams/{key}", tag = "teams", params(("key" = String, Path, description = "A RACI team key: sales, marketing, product, finance, legal, customer_success, partner_manager, executive")),
    responses((status = 200, body = TeamView), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn read_team(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(key): Path<String>,
) -> ApiResult<TeamView> {
    Ok(Json(state.services.team(&auth.actor, &key).await?))
}

#[utoipa::path(post, path = "/teams/{key}/members", tag = "teams", params(("key" = String, Path)), request_body = MemberInput,
    responses((status = 201, body = TeamView), (status = 422, body = Problem, description = "Not an account, a partner-side or a disabled account"),
        (status = 409, body = Problem, description = "On the team already"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn add_team_member(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(key): Path<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<impl IntoResponse, Problem> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .add_team_member(&auth.actor, &key, &input)
                .await?,
        ),
    ))
}

#[utoipa::path(delete, path = "/teams/{key}/members/{user_id}", tag = "teams", params(("key" = String, Path), ("user_id" = Uuid, Path)),
    responses((status = 200, body = TeamView), (status = 409, body = Problem, description = "Not on the team"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn remove_team_member(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path((key, user_id)): Path<(String, Uuid)>,
) -> ApiResult<TeamView> {
    Ok(Json(
        state
            .services
            .remove_team_member(&auth.actor, &key, user_id)
            .await?,
    ))
}

#[utoipa::path(put, path = "/teams/{key}/lead", tag = "teams", params(("key" = String, Path)), request_body = LeadInput,
    responses((status = 200, body = TeamView), (status = 422, body = Problem, description = "Not a member"),
        (status = 409, body = Problem, description = "Already the lead, or changed meanwhile"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn name_team_lead(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(key): Path<String>,
    ApiJson(input): ApiJson<LeadInput>,
) -> ApiResult<TeamView> {
    Ok(Json(
        state
            .services
            .set_team_lead(&auth.actor, &key, &input)
            .await?,
    ))
}

/// A team's stakeholder map entry as the API takes it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StakeholderBody {
    /// The `stakeholder.version` read with the team.
    pub version: i64,
    #[serde(default)]
    pub decision_maker: String,
    #[serde(default)]
    pub cares_about: String,
    #[serde(default)]
    pub blockers: String,
    /// One of our accounts, or leave it out and name the champion in `champion_name`.
    #[serde(default)]
    pub champion_user_id: Option<Uuid>,
    #[serde(default)]
    pub champion_name: String,
}

#[utoipa::path(put, path = "/teams/{key}/stakeholder", tag = "teams", params(("key" = String, Path)), request_body = StakeholderBody,
    responses((status = 200, body = TeamView), (status = 422, body = Problem, description = "A field too long, a champion given twice or not one of our people"),
        (status = 409, body = Problem, description = "Edited by someone else since the version read"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn edit_stakeholder_entry(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<StakeholderBody>,
) -> ApiResult<TeamView> {
    let input = StakeholderInput {
        version: body.version.to_string(),
        decision_maker: body.decision_maker,
        cares_about: body.cares_about,
        blockers: body.blockers,
        champion_user_id: body
            .champion_user_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        champion_name: body.champion_name,
    };
    Ok(Json(
        state
            .services
            .edit_stakeholder(&auth.actor, &key, &input)
            .await?,
    ))
}
