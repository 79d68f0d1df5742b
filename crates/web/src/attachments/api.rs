//! Uploading and downloading a partner's attachments in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiQuery, Id};
use crate::problem::Problem;
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use services::attachments::AttachmentView;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_attachment).layer(DefaultBodyLimit::max(
            services::attachments::MAX_ATTACHMENT_BYTES + 1,
        )))
        .routes(routes!(download_attachment))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadParams {
    /// The file's name, e.g. "nda-signed.pdf".
    filename: String,
}

#[utoipa::path(post, path = "/partners/{id}/attachments", tag = "enablement", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, at most 10 MB; its Content-Type is kept"),
    responses((status = 201, body = AttachmentView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, description = "Larger than 10 MB"), (status = 422, body = Problem)))]
async fn upload_attachment(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(params): ApiQuery<UploadParams>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<impl IntoResponse, Problem> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let view = state
        .services
        .upload_attachment(&auth.actor, id, &params.filename, content_type, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/attachments/{id}", tag = "enablement",
    responses((status = 200, description = "The file, as a download"), (status = 404, body = Problem)))]
async fn download_attachment(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> Result<axum::response::Response, Problem> {
    let (meta, data) = state.services.download_attachment(&auth.actor, id).await?;
    Ok(crate::respond::attachment_response(&meta, data))
}
