//! The exports in the API: `GET …/export` is CSV, `GET …/export?format=xlsx` a workbook.

use super::download;
use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use axum::extract::State;
use axum::response::Response;
use services::exports::ExportList;
use services::reports::Format;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_deals))
        .routes(routes!(export_opportunities))
        .routes(routes!(export_accounts))
        .routes(routes!(export_leads))
}

/// The file format of an export.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportFormat {
    /// csv (the default) or xlsx
    format: Option<String>,
}

async fn export(
    state: AppState,
    auth: ApiAuth,
    list: ExportList,
    format: ExportFormat,
) -> Result<Response, Problem> {
    let format = match format.format.as_deref() {
        None => Format::Csv,
        Some(text) => Format::parse(text)
            .ok_or_else(|| services::Error::field("format", "must be csv or xlsx"))?,
    };
    let file = state.services.export(&auth.actor, list, format).await?;
    Ok(download(list, file))
}

#[utoipa::path(get, path = "/deals/export", tag = "deals", params(ExportFormat),
    responses(
        (status = 200, description = "Every registration the caller may see, in the import's columns, streamed; cells a spreadsheet would run as formulas start with '; with `format=xlsx`, the same rows and columns as a workbook, amounts and days as numbers",
            content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = Problem, description = "`format` is neither csv nor xlsx, or the list has more rows than a sheet holds (use the CSV)")))]
async fn export_deals(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<ExportFormat>,
) -> Result<Response, Problem> {
    export(state, auth, ExportList::Deals, format).await
}

#[utoipa::path(get, path = "/direct-opportunities/export", tag = "deals", params(ExportFormat),
    responses(
        (status = 200, description = "The direct pipeline in its import's columns, streamed; with `format=xlsx`, the same as a workbook",
            content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = Problem),
        (status = 422, body = Problem, description = "`format` is neither csv nor xlsx, or the list has more rows than a sheet holds (use the CSV)")))]
async fn export_opportunities(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<ExportFormat>,
) -> Result<Response, Problem> {
    export(state, auth, ExportList::Opportunities, format).await
}

#[utoipa::path(get, path = "/customer-accounts/export", tag = "deals", params(ExportFormat),
    responses(
        (status = 200, description = "The customer accounts in their import's columns, streamed; with `format=xlsx`, the same as a workbook",
            content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = Problem),
        (status = 422, body = Problem, description = "`format` is neither csv nor xlsx, or the list has more rows than a sheet holds (use the CSV)")))]
async fn export_accounts(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<ExportFormat>,
) -> Result<Response, Problem> {
    export(state, auth, ExportList::Accounts, format).await
}

#[utoipa::path(get, path = "/leads/export", tag = "deals", params(ExportFormat),
    responses(
        (status = 200, description = "Every lead the caller may see, streamed; with `format=xlsx`, the same rows and columns as a workbook, amounts and days as numbers",
            content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = Problem, description = "`format` is neither csv nor xlsx, or the list has more rows than a sheet holds (use the CSV)")))]
async fn export_leads(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<ExportFormat>,
) -> Result<Response, Problem> {
    export(state, auth, ExportList::Leads, format).await
}
