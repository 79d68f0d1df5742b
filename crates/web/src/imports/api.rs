//! The CSV imports in the API: 200 with the report when checked or written, 422 with every
//! bad row.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::{ApiQuery, IMPORT_LIMIT_BYTES};
use crate::problem::Problem;
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use services::imports::ImportReport;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_facts).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
        .routes(routes!(import_certifications).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
        .routes(routes!(import_deals).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
        .routes(routes!(import_leads).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
        .routes(routes!(import_opportunities).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
        .routes(routes!(import_accounts).layer(DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check every row and report, writing nothing.
    #[serde(default)]
    dry_run: bool,
}

/// The answer to an import: 200 when checked or written, 422 with every bad row.
fn import_response(report: ImportReport) -> impl IntoResponse {
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, Json(report))
}

#[utoipa::path(post, path = "/facts/import", tag = "program", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "Header: partner, quarter and any of sourced_revenue, qbrs, co_marketing, certified_people, advanced_certified_people, customer_references, executive_sponsor, ipp_score"),
    responses((status = 200, body = ImportReport, description = "Imported, or checked on a dry run"),
        (status = 422, body = ImportReport, description = "Bad rows, listed by line; nothing was written"),
        (status = 403, body = Problem)))]
async fn import_facts(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_facts(&auth.actor, &body, params.dry_run, &|_, _| {})
        .await?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)))
}

#[utoipa::path(post, path = "/certifications/import", tag = "enablement", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "Header: partner, email, name (optional), certification, date, score"),
    responses((status = 200, body = ImportReport, description = "Imported, or checked on a dry run"),
        (status = 422, body = ImportReport, description = "Bad rows, listed by line; nothing was written"),
        (status = 403, body = Problem)))]
async fn import_certifications(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_certifications(&auth.actor, &body, params.dry_run)
        .await?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)))
}

#[utoipa::path(post, path = "/deals/import", tag = "deals", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The columns of GET /api/v1/deals/export; reference is optional (it updates that registration)"),
    responses((status = 200, body = ImportReport, description = "Imported, or checked on a dry run"),
        (status = 422, body = ImportReport, description = "Bad rows, listed by line; nothing was written"),
        (status = 403, body = Problem)))]
async fn import_deals(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_deals(&auth.actor, &body, params.dry_run, &|_| {})
        .await?;
    Ok(import_response(report))
}

#[utoipa::path(post, path = "/leads/import", tag = "deals", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The export's columns: partner, company, contact_name, contact_email, need, and any of reference (updates that lead), website, estimated_value, currency, status (submitted, accepted, rejected), accept_by, rejection_reason, counts_against_quota (false)"),
    responses((status = 200, body = ImportReport, description = "Imported, or checked on a dry run"),
        (status = 422, body = ImportReport, description = "Bad rows, listed by line; nothing was written"),
        (status = 403, body = Problem)))]
async fn import_leads(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_leads(&auth.actor, &body, params.dry_run)
        .await?;
    Ok(import_response(report))
}

#[utoipa::path(post, path = "/direct-opportunities/import", tag = "deals", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "Header: reference, customer, and any of website, owner, stage, amount, currency, status (open, won, lost)"),
    responses((status = 200, body = ImportReport, description = "Imported, or checked on a dry run"),
        (status = 422, body = ImportReport, description = "Bad rows, listed by line; nothing was written"),
        (status = 403, body = Problem)))]
async fn import_opportunities(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_direct(
            &auth.actor,
            domain::deals::direct::DirectKind::Opportunities,
            &body,
            params.dry_run,
        )
        .await?;
    Ok(import_response(report))
}

#[utoipa::path(post, path = "/customer-accounts/import", tag = "deals", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "Header: account, name, and any of website, owner"),
    responses((status = 200, body = ImportReport, description = "Imported, or checked on a dry run"),
        (status = 422, body = ImportReport, description = "Bad rows, listed by line; nothing was written"),
        (status = 403, body = Problem)))]
async fn import_accounts(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: String,
) -> Result<impl IntoResponse, Problem> {
    let report = state
        .services
        .import_direct(
            &auth.actor,
            domain::deals::direct::DirectKind::Accounts,
            &body,
            params.dry_run,
        )
        .await?;
    Ok(import_response(report))
}
