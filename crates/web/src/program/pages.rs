//! The program page (the version in force, the tier distribution, applying a new version with
//! its errors by line) and the what-if simulation page.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::Form;
use crate::layout::{Errors, Layout};
use crate::program::api::{NewProgramVersion, SimulationInput};
use crate::respond::{PageResult, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::FieldError;
use domain::permissions::Action;
use services::PageRequest;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/program", get(program_page).post(apply_program))
        .route(
            "/program/simulate",
            get(simulate_page).post(simulate_program),
        )
}

#[derive(Template)]
#[template(path = "program/program.html")]
struct ProgramPage {
    layout: Layout,
    csrf_token: String,
    in_force: i64,
    distribution: Vec<(String, i64)>,
    versions: Vec<services::program::ProgramVersion>,
    can_apply: bool,
    can_import: bool,
    source: String,
    effective_from: String,
    note: String,
    /// Problems in the file, one per line of the file they concern.
    source_errors: Vec<String>,
    errors: Errors,
}

struct ProgramForm {
    source: Option<String>,
    effective_from: String,
    note: String,
    errors: Vec<FieldError>,
}

async fn program_view(state: &AppState, auth: &PageAuth, form: ProgramForm) -> PageResult {
    let versions = state
        .services
        .program_versions(&auth.actor, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let (in_force, _) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let distribution = state
        .services
        .tier_distribution(&auth.actor)
        .await
        .map_err(service_error)?;
    let status = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let latest = versions
        .first()
        .map(|v| v.source.clone())
        .unwrap_or_else(|| domain::program::DEFAULT_PROGRAM.to_owned());
    let view = ProgramPage {
        layout: auth.layout("Partner program"),
        csrf_token: auth.csrf_token.clone(),
        in_force,
        distribution,
        can_apply: auth.actor.may(Action::ActivateProgram),
        can_import: auth.actor.may(Action::RunTierProgram),
        source: form.source.unwrap_or(latest),
        effective_from: form.effective_from,
        note: form.note,
        source_errors: form
            .errors
            .iter()
            .filter(|e| e.field == "source")
            .map(|e| e.message.clone())
            .collect(),
        errors: Errors::from(form.errors),
        versions,
    };
    Ok((status, render(view)).into_response())
}

async fn program_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    program_view(
        &state,
        &auth,
        ProgramForm {
            source: None,
            effective_from: String::new(),
            note: String::new(),
            errors: Vec::new(),
        },
    )
    .await
}

async fn apply_program(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let NewProgramVersion {
        source,
        effective_from,
        note,
    } = form.input(&[])?;
    match state
        .services
        .apply_program(&auth.actor, &source, &effective_from, &note)
        .await
    {
        Ok(_) => Ok(see_other("/program")),
        Err(services::Error::Invalid(errors)) => {
            program_view(
                &state,
                &auth,
                ProgramForm {
                    source: Some(source),
                    effective_from,
                    note,
                    errors,
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

#[derive(Template)]
#[template(path = "program/program_simulate.html")]
struct SimulatePage {
    layout: Layout,
    csrf_token: String,
    source: String,
    source_errors: Vec<String>,
    report: Option<services::tiers::SimulationReport>,
}

async fn simulate_view(
    state: &AppState,
    auth: &PageAuth,
    source: Option<String>,
    report: Option<services::tiers::SimulationReport>,
    source_errors: Vec<String>,
) -> PageResult {
    let source = match source {
        Some(text) => text,
        None => state
            .services
            .program_versions(&auth.actor, &PageRequest::first(1))
            .await
            .map_err(service_error)?
            .items
            .first()
            .map(|v| v.source.clone())
            .unwrap_or_else(|| domain::program::DEFAULT_PROGRAM.to_owned()),
    };
    let status = if source_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = SimulatePage {
        layout: auth.layout("What if: simulate a program change"),
        csrf_token: auth.csrf_token.clone(),
        source,
        source_errors,
        report,
    };
    Ok((status, render(view)).into_response())
}

async fn simulate_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    simulate_view(&state, &auth, None, None, Vec::new()).await
}

async fn simulate_program(
    State(state): State<AppState>,
    auth: PageAuth,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let SimulationInput { source } = form.input(&[])?;
    match state.services.simulate_program(&auth.actor, &source).await {
        Ok(report) => simulate_view(&state, &auth, Some(source), Some(report), Vec::new()).await,
        Err(services::Error::Invalid(errors)) => {
            let messages = errors.into_iter().map(|e| e.message).collect();
            simulate_view(&state, &auth, Some(source), None, messages).await
        }
        Err(other) => Err(service_error(other)),
    }
}
