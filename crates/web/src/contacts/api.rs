//! A partner's contacts in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiJson, ApiQuery, Id, merge_patch};
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::partners::{Contact, ContactInput};
use serde::Deserialize;
use services::{Page, PageQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contacts, add_contact))
        .routes(routes!(get_contact, update_contact))
        .routes(routes!(archive_contact))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ArchivedParam {
    /// Include archived records.
    pub archived: bool,
}

#[utoipa::path(get, path = "/partners/{id}/contacts", tag = "contacts", params(ArchivedParam, PageQuery),
    responses((status = 200, body = Page<Contact>, description = "By name"), (status = 422, body = Problem)))]
async fn list_contacts(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiQuery(q): ApiQuery<ArchivedParam>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Page<Contact>> {
    Ok(Json(
        state
            .services
            .list_contacts(&auth.actor, id, q.archived, &page.request()?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/partners/{id}/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 422, body = Problem)))]
async fn add_contact(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<impl IntoResponse, Problem> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.add_contact(&auth.actor, id, &input).await?),
    ))
}

#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts", responses((status = 200, body = Contact), (status = 404, body = Problem)))]
async fn get_contact(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Contact> {
    Ok(Json(state.services.get_contact(&auth.actor, id).await?))
}

#[utoipa::path(patch, path = "/contacts/{id}", tag = "contacts", request_body(content = ContactInput, description = "Only the fields to change"),
    responses((status = 200, body = Contact), (status = 422, body = Problem)))]
async fn update_contact(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> ApiResult<Contact> {
    let current = state.services.get_contact(&auth.actor, id).await?;
    let as_input = ContactInput {
        name: current.name,
        role: current.role,
        email: current.email.unwrap_or_default(),
        phone: current.phone,
    };
    let input: ContactInput = merge_patch(&as_input, patch)?;
    Ok(Json(
        state
            .services
            .update_contact(&auth.actor, id, &input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/contacts/{id}/archive", tag = "contacts", responses((status = 200, body = Contact)))]
async fn archive_contact(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Contact> {
    Ok(Json(state.services.archive_contact(&auth.actor, id).await?))
}
