//! CSV downloads, in the API and the portal. Each streams a [`CsvExport`] chunk by chunk
//! as the client takes it: services decide who may read what before the first byte; a
//! failure after it ends the download early (the body is cut, so the client sees an
//! incomplete transfer, never a shorter file that looks complete) and is logged here.

use crate::AppState;
use crate::auth::{ApiAuth, PageAuth};
use crate::problem::Problem;
use crate::respond::{PageResult, csv_download, service_error};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::deals::direct::DirectKind;

/// Routes under `/api/v1`.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/deals/export", get(export_deals))
        .route("/direct-opportunities/export", get(export_opportunities))
        .route("/customer-accounts/export", get(export_accounts))
        .route("/leads/export", get(export_leads))
}

/// The portal's download links.
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/deals/export.csv", get(deals_file))
        .route("/leads/export.csv", get(leads_file))
        .route("/direct-opportunities/export.csv", get(opportunities_file))
        .route("/customer-accounts/export.csv", get(accounts_file))
}

#[utoipa::path(get, path = "/api/v1/deals/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "Every registration the caller may see, in the import's columns, streamed; cells a spreadsheet would run as formulas start with '")))]
pub(crate) async fn export_deals(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Response, Problem> {
    let export = state.services.export_deals(&auth.actor).await?;
    Ok(csv_download("registrations.csv", export))
}

#[utoipa::path(get, path = "/api/v1/direct-opportunities/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "The direct pipeline in its import's columns, streamed"), (status = 403, body = Problem)))]
pub(crate) async fn export_opportunities(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Response, Problem> {
    let export = state
        .services
        .export_direct(&auth.actor, DirectKind::Opportunities)
        .await?;
    Ok(csv_download("direct-opportunities.csv", export))
}

#[utoipa::path(get, path = "/api/v1/customer-accounts/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "The customer accounts in their import's columns, streamed"), (status = 403, body = Problem)))]
pub(crate) async fn export_accounts(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Response, Problem> {
    let export = state
        .services
        .export_direct(&auth.actor, DirectKind::Accounts)
        .await?;
    Ok(csv_download("customer-accounts.csv", export))
}

#[utoipa::path(get, path = "/api/v1/leads/export", tag = "deals",
    responses((status = 200, content_type = "text/csv", body = String, description = "Every lead the caller may see, streamed")))]
pub(crate) async fn export_leads(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> Result<Response, Problem> {
    let export = state.services.export_leads(&auth.actor).await?;
    Ok(csv_download("leads.csv", export))
}

async fn deals_file(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let export = state
        .services
        .export_deals(&auth.actor)
        .await
        .map_err(service_error)?;
    Ok(csv_download("registrations.csv", export))
}

async fn leads_file(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let export = state
        .services
        .export_leads(&auth.actor)
        .await
        .map_err(service_error)?;
    Ok(csv_download("leads.csv", export))
}

async fn direct_file(
    state: &AppState,
    auth: &PageAuth,
    kind: DirectKind,
    filename: &'static str,
) -> PageResult {
    let export = state
        .services
        .export_direct(&auth.actor, kind)
        .await
        .map_err(service_error)?;
    Ok(csv_download(filename, export))
}

async fn opportunities_file(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    direct_file(
        &state,
        &auth,
        DirectKind::Opportunities,
        "direct-opportunities.csv",
    )
    .await
}

async fn accounts_file(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    direct_file(&state, &auth, DirectKind::Accounts, "customer-accounts.csv").await
}
