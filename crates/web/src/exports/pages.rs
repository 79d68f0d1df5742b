//! The portal's download links.

use crate::AppState;
use crate::auth::PageAuth;
use crate::respond::{PageResult, csv_download, service_error};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use domain::deals::direct::DirectKind;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/deals/export.csv", get(deals_file))
        .route("/leads/export.csv", get(leads_file))
        .route("/direct-opportunities/export.csv", get(opportunities_file))
        .route("/customer-accounts/export.csv", get(accounts_file))
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
