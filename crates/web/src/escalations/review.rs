//! A case's post-resolution review: its page (the review, or the form to write or edit it)
//! and its API. Our people only; a partner's people get "not found" from the service.

use crate::AppState;
use crate::auth::{ApiAuth, PageAuth};
use crate::extract::{ApiJson, Id, PageId};
use crate::layout::{Errors, Layout};
use crate::problem::Problem;
use crate::respond::{
    ApiResult, PageResult, Refusal, refusal_of, render, see_other, service_error,
};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::escalations::ReviewForm;
use services::escalations::{Escalation, ReviewView, may_write_review};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route(
        "/escalations/{id}/review",
        get(review_page).post(write_review),
    )
}

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(escalation_review, put_escalation_review))
}

#[derive(Template)]
#[template(path = "escalations/review.html")]
struct ReviewPage {
    layout: Layout,
    csrf_token: String,
    case_id: Uuid,
    reference: String,
    /// The case is resolved or closed: a review may be written.
    over: bool,
    review: Option<ReviewView>,
    may_write: bool,
    /// The form as typed (or the review as stored), with the version it edits.
    input: ReviewForm,
    errors: Errors,
    problems: Vec<String>,
}

async fn review_view(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    typed: Option<ReviewForm>,
    refusal: Refusal,
) -> PageResult {
    let review = state
        .services
        .escalation_review(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let Escalation::Ours(detail) = state
        .services
        .escalation(&auth.actor, id)
        .await
        .map_err(service_error)?
    else {
        return Err(service_error(services::Error::NotFound));
    };
    let case = detail.case;
    let input = typed.unwrap_or_else(|| match &review {
        Some(r) => ReviewForm {
            what_happened: r.what_happened.clone(),
            root_cause: r.root_cause.clone(),
            lessons: r.lessons.clone(),
            prevention: r.prevention.clone(),
            follow_ups: r.follow_ups.clone(),
            version: Some(r.version),
        },
        None => ReviewForm::default(),
    });
    let status = refusal.status();
    let view = ReviewPage {
        layout: auth.layout(format!("Review of {}", case.reference)),
        csrf_token: auth.csrf_token.clone(),
        case_id: case.id,
        reference: case.reference,
        over: domain::escalations::reviewable(case.state),
        review,
        may_write: may_write_review(&auth.actor, case.owner_id),
        input,
        errors: Errors::from(refusal.errors),
        problems: refusal.problems,
    };
    Ok((status, render(view)).into_response())
}

async fn review_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    review_view(&state, &auth, id, None, Refusal::default()).await
}

async fn write_review(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: ReviewForm = auth.checked_form(&body)?;
    let result = state
        .services
        .write_escalation_review(&auth.actor, id, &input)
        .await;
    match refusal_of(result)? {
        None => Ok(see_other(&format!("/escalations/{id}/review"))),
        Some(refusal) => review_view(&state, &auth, id, Some(input), refusal).await,
    }
}

#[utoipa::path(get, path = "/escalations/{id}/review", tag = "escalations",
    responses((status = 200, body = Option<ReviewView>, description = "The case's post-resolution review, null while none is written (our people only)"),
        (status = 404, body = Problem, description = "No such case, or asked by a partner's people")))]
async fn escalation_review(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
) -> ApiResult<Option<ReviewView>> {
    Ok(Json(
        state.services.escalation_review(&auth.actor, id).await?,
    ))
}

#[utoipa::path(put, path = "/escalations/{id}/review", tag = "escalations", request_body = ReviewForm,
    responses((status = 200, body = ReviewView, description = "Written, or edited at `version`"),
        (status = 403, body = Problem, description = "Neither the case's owner nor an administrator"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The case is not resolved or closed, or the review changed since `version`"),
        (status = 422, body = Problem)))]
async fn put_escalation_review(
    State(state): State<AppState>,
    auth: ApiAuth,
    Id(id): Id,
    ApiJson(input): ApiJson<ReviewForm>,
) -> ApiResult<ReviewView> {
    Ok(Json(
        state
            .services
            .write_escalation_review(&auth.actor, id, &input)
            .await?,
    ))
}
