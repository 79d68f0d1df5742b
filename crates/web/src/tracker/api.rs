//! The performance tracker in the API: the paged view and its downloads.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::respond::{FormatParam, report_download};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use services::tracker::{TrackerQuery, TrackerView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tracker))
        .routes(routes!(tracker_export))
}

#[utoipa::path(get, path = "/tracker", tag = "insight", params(TrackerQuery),
    responses((status = 200, body = TrackerView, description = "Every partner in the program, a page at a time"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn tracker(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<TrackerQuery>,
) -> Result<Json<TrackerView>, Problem> {
    Ok(Json(state.services.tracker(&auth.actor, &query).await?))
}

#[utoipa::path(get, path = "/tracker/export", tag = "insight", params(FormatParam, TrackerQuery),
    responses((status = 200, content_type = "text/csv", description = "The whole tracker as CSV or XLSX (`format`)"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn tracker_export(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<FormatParam>,
    ApiQuery(query): ApiQuery<TrackerQuery>,
) -> Result<Response, Problem> {
    let table = state.services.tracker_table(&auth.actor, &query);
    Ok(report_download("performance-tracker", &format.format, table).await?)
}
