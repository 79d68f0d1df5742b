//! The partner page's onboarding section: ticking an item (with an uploaded file or a link as
//! evidence) and recording a health check.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, FormWithFile, PageId, upload_limit};
use crate::onboarding::api::{HealthCheckInput, TickInput};
use crate::partner_page::{Section, evidence_of, form_partner, section_result};
use crate::respond::PageResult;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/onboarding-items/{id}/tick",
            post(tick_onboarding_item).layer(upload_limit()),
        )
        .route("/partners/{id}/health-checks", post(record_health_check))
}

async fn tick_onboarding_item(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    request: axum::extract::Request,
) -> PageResult {
    let sent = FormWithFile::read(request, "evidence_file").await?;
    let form = &sent.form;
    auth.verify_csrf(&form.csrf())?;
    let partner_id = form_partner(form)?;
    let tick: TickInput = form.input(&["partner_id", "evidence_file"])?;
    let result = match evidence_of(&state, &auth, partner_id, &sent.file, &tick.evidence).await {
        Ok(evidence) => {
            state
                .services
                .tick_onboarding_item(&auth.actor, id, tick.done, &evidence)
                .await
        }
        Err(e) => Err(e),
    };
    section_result(&state, &auth, partner_id, Section::Onboarding, result).await
}

async fn record_health_check(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let check: HealthCheckInput = form.input(&[])?;
    let result = state
        .services
        .record_health_check(&auth.actor, id, check.day, &check.status, &check.note)
        .await;
    section_result(&state, &auth, id, Section::Onboarding, result).await
}
