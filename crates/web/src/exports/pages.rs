//! The portal's download links: `/deals/export.csv`, `/deals/export.xlsx` and so on.

use super::download;
use crate::AppState;
use crate::auth::PageAuth;
use crate::respond::{PageResult, service_error};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use services::exports::ExportList::{self, Accounts, Deals, Leads, Opportunities};
use services::reports::Format::{self, Csv, Xlsx};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/deals/export.csv",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Deals, Csv)),
        )
        .route(
            "/deals/export.xlsx",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Deals, Xlsx)),
        )
        .route(
            "/leads/export.csv",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Leads, Csv)),
        )
        .route(
            "/leads/export.xlsx",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Leads, Xlsx)),
        )
        .route(
            "/direct-opportunities/export.csv",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Opportunities, Csv)),
        )
        .route(
            "/direct-opportunities/export.xlsx",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Opportunities, Xlsx)),
        )
        .route(
            "/customer-accounts/export.csv",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Accounts, Csv)),
        )
        .route(
            "/customer-accounts/export.xlsx",
            get(|state: State<AppState>, auth: PageAuth| file(state, auth, Accounts, Xlsx)),
        )
}

async fn file(
    State(state): State<AppState>,
    auth: PageAuth,
    list: ExportList,
    format: Format,
) -> PageResult {
    let export = state
        .services
        .export(&auth.actor, list, format)
        .await
        .map_err(service_error)?;
    Ok(download(list, export))
}
