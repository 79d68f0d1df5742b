//! The partner page's certification forms: recording one (with its evidence file), enrolling
//! a person, and ticking an enrolment's requirements.

use crate::AppState;
use crate::auth::PageAuth;
use crate::enablement::api::{EnrollInput, RequirementInput};
use crate::extract::{Form, FormWithFile, PageId, upload_limit};
use crate::partner_page::{Section, evidence_of, form_partner, section_result};
use crate::respond::{PageResult, service_error};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/partners/{id}/certifications",
            post(record_certification).layer(upload_limit()),
        )
        .route("/partners/{id}/enrollments", post(enroll))
        .route("/enrollments/{id}/requirements", post(tick_requirement))
}

async fn record_certification(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    request: axum::extract::Request,
) -> PageResult {
    let sent = FormWithFile::read(request, "evidence_file").await?;
    let form = &sent.form;
    auth.verify_csrf(&form.csrf())?;
    let mut input: domain::enablement::RecordInput = form.input(&["evidence_file"])?;
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    // Check the record before storing its file, so a refused record leaves no orphan upload.
    let result = match input.validate(&program.certifications, auth.actor.today()) {
        Err(errors) => Err(services::Error::Invalid(errors)),
        Ok(_) => match evidence_of(&state, &auth, id, &sent.file, &input.evidence).await {
            Ok(evidence) => {
                input.evidence = evidence;
                state
                    .services
                    .record_certification(&auth.actor, id, &input)
                    .await
            }
            Err(e) => Err(e),
        },
    };
    section_result(&state, &auth, id, Section::Certifications, result).await
}

async fn enroll(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let enrollment: EnrollInput = form.input(&[])?;
    let result = state
        .services
        .enroll(
            &auth.actor,
            id,
            &enrollment.contact_id,
            &enrollment.certification,
        )
        .await;
    section_result(&state, &auth, id, Section::Certifications, result).await
}

async fn tick_requirement(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let partner_id = form_partner(&form)?;
    let tick: RequirementInput = form.input(&["partner_id"])?;
    let result = state
        .services
        .tick_requirement(&auth.actor, id, &tick.requirement, tick.done)
        .await;
    section_result(&state, &auth, partner_id, Section::Certifications, result).await
}
