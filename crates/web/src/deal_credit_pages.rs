//! The registration page's confirmations: one of our people confirms a partner's reported win
//! (with its amount) or a partner's joint activity, so either counts for credit.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use services::deal_credit::WinConfirmationInput;
use uuid::Uuid;

use crate::AppState;
use crate::auth::PageAuth;
use crate::deal_page::deal_result;
use crate::extract::Form;
use crate::respond::PageResult;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals/{id}/win-confirmation", post(confirm_win))
        .route(
            "/deals/{id}/activities/{activity}/confirmation",
            post(confirm_activity),
        )
}

async fn confirm_win(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = WinConfirmationInput {
        amount: form.get("amount"),
    };
    let result = state.services.confirm_win(&auth.actor, id, &input).await;
    deal_result(&state, &auth, id, result).await
}

async fn confirm_activity(
    State(state): State<AppState>,
    auth: PageAuth,
    Path((id, activity)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .confirm_activity(&auth.actor, id, activity)
        .await;
    deal_result(&state, &auth, id, result).await
}
