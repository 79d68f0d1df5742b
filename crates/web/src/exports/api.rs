//! The CSV exports in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::problem::Problem;
use crate::respond::csv_download;
use axum::extract::State;
use axum::response::Response;
use domain::deals::direct::DirectKind;
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

#[utoipa::path(get, path = "/deals/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "Every registration the caller may see, in the import's columns, streamed; cells a spreadsheet would run as formulas start with '")))]
async fn export_deals(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, Problem> {
    let export = state.services.export_deals(&auth.actor).await?;
    Ok(csv_download("registrations.csv", export))
}

#[utoipa::path(get, path = "/direct-opportunities/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "The direct pipeline in its import's columns, streamed"), (status = 403, body = Problem)))]
async fn export_opportunities(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Response, Problem> {
    let export = state
        .services
        .export_direct(&auth.actor, DirectKind::Opportunities)
        .await?;
    Ok(csv_download("direct-opportunities.csv", export))
}

#[utoipa::path(get, path = "/customer-accounts/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "The customer accounts in their import's columns, streamed"), (status = 403, body = Problem)))]
async fn export_accounts(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Response, Problem> {
    let export = state
        .services
        .export_direct(&auth.actor, DirectKind::Accounts)
        .await?;
    Ok(csv_download("customer-accounts.csv", export))
}

#[utoipa::path(get, path = "/leads/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "Every lead the caller may see, streamed")))]
async fn export_leads(State(state): State<AppState>, auth: ApiAuth) -> Result<Response, Problem> {
    let export = state.services.export_leads(&auth.actor).await?;
    Ok(csv_download("leads.csv", export))
}
