//! A registration's conflict case in the API.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::extract::ApiJson;
use crate::problem::Problem;
use axum::Json;
use axum::extract::{Path, State};
use services::conflict_cases::{CaseAction, CaseView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(conflict_case, work_conflict_case))
}

#[utoipa::path(get, path = "/deals/{id}/conflict-case", tag = "deals", params(("id" = Uuid, Path)),
    responses((status = 200, body = Option<CaseView>, description = "The registration's conflict case with its deadlines, lateness and escalation level; null when its check was clear"),
        (status = 403, body = Problem, description = "Partners never see conflict cases"), (status = 404, body = Problem)))]
async fn conflict_case(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<Option<CaseView>>, Problem> {
    Ok(Json(state.services.conflict_case(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/deals/{id}/conflict-case", tag = "deals", params(("id" = Uuid, Path)), request_body = CaseAction,
    responses((status = 200, body = CaseView), (status = 422, body = Problem, description = "Bad action, outcome or a resolution without a note"),
        (status = 409, body = Problem, description = "No case, or already resolved"), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn work_conflict_case(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<CaseAction>,
) -> Result<Json<CaseView>, Problem> {
    Ok(Json(
        state
            .services
            .work_conflict_case(&auth.actor, id, &input)
            .await?,
    ))
}
