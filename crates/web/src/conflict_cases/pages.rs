//! The registration page's conflict case form.

use crate::AppState;
use crate::auth::PageAuth;
use crate::deal_page::deal_result;
use crate::extract::Form;
use crate::respond::PageResult;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/deals/{id}/conflict-case", post(work_conflict_case))
}

async fn work_conflict_case(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let action: services::conflict_cases::CaseAction = form.input(&[])?;
    let result = state
        .services
        .work_conflict_case(&auth.actor, id, &action)
        .await;
    deal_result(&state, &auth, id, result).await
}
