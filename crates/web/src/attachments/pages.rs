//! Downloading a partner's attachment from the portal (the links on the partner page).

use crate::AppState;
use crate::auth::PageAuth;
use crate::respond::{PageResult, attachment_response, service_error};
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/attachments/{id}", get(download_attachment))
        .route("/attachments/{id}/{name}", get(download_attachment))
}

/// A file attached to a partner, for whoever may see the partner. Served as a download,
/// never rendered inline, so an uploaded page cannot run in the portal's origin.
async fn download_attachment(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(params): Path<Vec<(String, String)>>,
) -> PageResult {
    let id = params
        .iter()
        .find(|(k, _)| k == "id")
        .and_then(|(_, v)| Uuid::parse_str(v).ok())
        .ok_or_else(|| service_error(services::Error::NotFound))?;
    let (meta, data) = state
        .services
        .download_attachment(&auth.actor, id)
        .await
        .map_err(service_error)?;
    Ok(attachment_response(&meta, data))
}
