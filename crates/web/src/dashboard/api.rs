//! The dashboard in the API: the view and its tables' downloads.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::respond::{FormatParam, report_download};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use services::dashboard::{DashboardQuery, DashboardTable, DashboardView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dashboard))
        .routes(routes!(dashboard_export))
}

/// Which table a download holds.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TableParam {
    /// metrics (default), pipeline_by_tier, pipeline_by_type, pipeline_by_region,
    /// pipeline_by_stage, tiers or health.
    #[serde(default)]
    pub table: String,
}

#[utoipa::path(get, path = "/dashboard", tag = "insight", params(DashboardQuery),
    responses((status = 200, body = DashboardView, description = "The program dashboard of a quarter: one row per metric, group, tier and band (a report, not paged)"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn dashboard(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Json<DashboardView>, Problem> {
    Ok(Json(state.services.dashboard(&auth.actor, &query).await?))
}

#[utoipa::path(get, path = "/dashboard/export", tag = "insight", params(FormatParam, TableParam, DashboardQuery),
    responses((status = 200, content_type = "text/csv", description = "One of the dashboard's tables as CSV or XLSX (`format`)"), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn dashboard_export(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<FormatParam>,
    ApiQuery(table): ApiQuery<TableParam>,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Response, Problem> {
    Ok(download(&state, &auth.actor, &table.table, &format.format, &query).await?)
}

/// One of the dashboard's tables as a file (the page's download and the API's).
pub(crate) async fn download(
    state: &AppState,
    actor: &services::Actor,
    table: &str,
    format: &str,
    query: &DashboardQuery,
) -> Result<Response, services::Error> {
    let which = DashboardTable::parse(table)?;
    let stem = format!("dashboard-{}", which.key().replace('_', "-"));
    let table = state.services.dashboard_table(actor, query, which);
    report_download(&stem, format, table).await
}
