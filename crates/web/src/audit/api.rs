//! The audit log in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::respond::ApiResult;
use axum::Json;
use axum::extract::State;
use domain::audit::AuditEvent;
use services::Page;
use services::audit::AuditQuery;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit))
}

#[utoipa::path(get, path = "/audit", tag = "admin", params(AuditQuery), responses((status = 200, body = Page<AuditEvent>), (status = 403, body = Problem)))]
async fn audit(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Page<AuditEvent>> {
    Ok(Json(state.services.audit_log(&auth.actor, &q).await?))
}
