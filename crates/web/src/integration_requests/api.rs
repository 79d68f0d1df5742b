//! Integration requests in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::problem::Problem;
use crate::respond::{ApiResult, FormatParam, report_download};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::integration_requests::Form;
use services::integration_requests::{
    IntegrationRequest, IntegrationRequests, Merge, Move, RankingQuery,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_integration_requests))
        .routes(routes!(export_integration_requests))
        .routes(routes!(submit_integration_request))
        .routes(routes!(integration_request))
        .routes(routes!(move_integration_request))
        .routes(routes!(merge_integration_requests))
}

#[utoipa::path(get, path = "/integration-requests", tag = "integration_requests", params(RankingQuery),
    responses((status = 200, body = IntegrationRequests, description = "Our people: every request ranked by revenue at stake in the program currency; a partner's people: their organisation's, without internal fields"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_integration_requests(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<RankingQuery>,
) -> ApiResult<IntegrationRequests> {
    Ok(Json(
        state
            .services
            .list_integration_requests(&auth.actor, &query)
            .await?,
    ))
}

#[utoipa::path(get, path = "/integration-requests/ranking", tag = "integration_requests", params(FormatParam),
    responses((status = 200, content_type = "text/csv", description = "The ranked list as CSV or XLSX (`format`); our people only"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn export_integration_requests(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<FormatParam>,
) -> Result<Response, Problem> {
    let table = state.services.integration_requests_table(&auth.actor);
    Ok(report_download("integration-requests", &format.format, table).await?)
}

#[utoipa::path(post, path = "/partners/{id}/integration-requests", tag = "integration_requests", request_body = Form,
    responses((status = 201, body = IntegrationRequest), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "Field errors, a customer's named by its place: customers[1].amount")))]
async fn submit_integration_request(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<Form>,
) -> Result<impl IntoResponse, Problem> {
    let request = state
        .services
        .submit_integration_request(&auth.actor, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

#[utoipa::path(get, path = "/integration-requests/{id}", tag = "integration_requests",
    responses((status = 200, body = IntegrationRequest, description = "A partner's people never get Product's note, the revenue ranking or another partner's customers"), (status = 404, body = Problem)))]
async fn integration_request(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<IntegrationRequest> {
    Ok(Json(
        state.services.integration_request(&auth.actor, id).await?,
    ))
}

#[utoipa::path(post, path = "/integration-requests/{id}/moves", tag = "integration_requests", request_body = Move,
    responses((status = 200, body = IntegrationRequest), (status = 403, body = Problem, description = "Not an admin nor on a deciding team"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Not from the request's state, or changed since `version`"), (status = 422, body = Problem)))]
async fn move_integration_request(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<Move>,
) -> ApiResult<IntegrationRequest> {
    Ok(Json(
        state
            .services
            .move_integration_request(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/integration-requests/{id}/merges", tag = "integration_requests", request_body = Merge,
    responses((status = 200, body = IntegrationRequest, description = "The surviving request, its revenue now summed with the duplicate's"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "Either request changed or was merged meanwhile"), (status = 422, body = Problem)))]
async fn merge_integration_requests(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<Merge>,
) -> ApiResult<IntegrationRequest> {
    Ok(Json(
        state
            .services
            .merge_integration_requests(&auth.actor, id, &input)
            .await?,
    ))
}
