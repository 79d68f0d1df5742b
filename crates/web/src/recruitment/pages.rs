//! The partner page's qualification forms: an IPP assessment, overriding its red flag, a 3C/4C
//! evaluation and sharing it with the partner.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::partner_page::{PartnerPageForms, Tab, partner_view};
use crate::recruitment::api::{OverrideInput, ShareInput};
use crate::respond::{PageResult, see_other, service_error};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;

/// How the IPP form names a criterion's score: `score.KEY`.
const SCORE_PREFIX: &str = "score.";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/partners/{id}/ipp", post(assess_ipp))
        .route("/partners/{id}/3c4c", post(evaluate_3c4c))
        .route("/3c4c/{id}/share", post(share_3c4c))
        .route(
            "/ipp-assessments/{id}/red-flag-override",
            post(override_red_flag_page),
        )
}

async fn assess_ipp(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // Scores come as one field per criterion (`score.KEY`), not one map.
    let input = domain::program::ipp::IppInput {
        scores: form.prefixed(SCORE_PREFIX),
        ..form.input(&[SCORE_PREFIX])?
    };
    match state.services.assess_ipp(&auth.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/partners/{id}/evaluations"))),
        Err(services::Error::Invalid(ipp_errors)) => {
            let forms = PartnerPageForms {
                ipp: Some(input),
                ipp_errors,
                ..Default::default()
            };
            partner_view(&state, &auth, id, Tab::Evaluations, "", forms).await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn evaluate_3c4c(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: domain::program::scoring_3c4c::EvaluationInput = form.input(&[])?;
    match state.services.evaluate_3c4c(&auth.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/partners/{id}/evaluations"))),
        Err(services::Error::Invalid(evaluation_errors)) => {
            let forms = PartnerPageForms {
                evaluation: Some(input),
                evaluation_errors,
                ..Default::default()
            };
            partner_view(&state, &auth, id, Tab::Evaluations, "", forms).await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn share_3c4c(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let evaluation = state
        .services
        .share_3c4c(&auth.actor, id, form.input::<ShareInput>(&[])?.shared)
        .await
        .map_err(service_error)?;
    Ok(see_other(&format!(
        "/partners/{}/evaluations",
        evaluation.partner_id
    )))
}

async fn override_red_flag_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let assessment = state
        .services
        .override_ipp_red_flag(&auth.actor, id, &form.input::<OverrideInput>(&[])?.reason)
        .await
        .map_err(service_error)?;
    Ok(see_other(&format!(
        "/partners/{}/evaluations",
        assessment.partner_id
    )))
}
