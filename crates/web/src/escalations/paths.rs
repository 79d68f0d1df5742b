//! The escalation paths page: the ladder and the topics' executives from program.toml, who
//! holds each title, and the administrators' form naming them.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::Form;
use crate::layout::{Errors, Layout};
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
use domain::validation::Choice;
use services::PageRequest;
use services::escalations::{TitleHolderInput, TitleView};
use services::teams::MemberView;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/escalation-paths", get(paths_page).post(name_holder))
}

struct Row {
    title: TitleView,
    /// "1, 2" or empty.
    steps: String,
    /// "Channel conflict, MDF" or empty.
    topics: String,
}

#[derive(Template)]
#[template(path = "escalations/paths.html")]
struct PathsPage {
    layout: Layout,
    csrf_token: String,
    rows: Vec<Row>,
    manage: bool,
    people: Vec<MemberView>,
    /// The title whose form failed, with its errors or conflict.
    failed: String,
    errors: Errors,
    problem: Option<String>,
}

async fn paths_view(
    state: &AppState,
    auth: &PageAuth,
    status: StatusCode,
    failed: String,
    errors: Vec<FieldError>,
    problem: Option<String>,
) -> PageResult {
    let titles = state
        .services
        .escalation_titles(&auth.actor, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let manage = auth.actor.may(Action::ManageTeams);
    let people = if manage {
        state
            .services
            .internal_people(&auth.actor)
            .await
            .map_err(service_error)?
    } else {
        Vec::new()
    };
    let rows = titles
        .into_iter()
        .map(|title| Row {
            steps: title
                .steps
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            topics: title
                .topics
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join(", "),
            title,
        })
        .collect();
    let view = PathsPage {
        layout: auth.layout("Escalation paths"),
        csrf_token: auth.csrf_token.clone(),
        rows,
        manage,
        people,
        failed,
        errors: Errors::from(errors),
        problem,
    };
    Ok((status, render(view)).into_response())
}

async fn paths_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    paths_view(
        &state,
        &auth,
        StatusCode::OK,
        String::new(),
        Vec::new(),
        None,
    )
    .await
}

async fn name_holder(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let title = form.get("title");
    let input = TitleHolderInput {
        title: title.clone(),
        user_id: Uuid::parse_str(form.get("user_id").trim()).ok(),
        version: form.get("version").trim().parse().ok(),
    };
    match state.services.name_title_holder(&auth.actor, &input).await {
        Ok(()) => Ok(see_other("/escalation-paths")),
        Err(services::Error::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            paths_view(&state, &auth, status, title, errors, None).await
        }
        Err(services::Error::Conflict(why)) => {
            let status = StatusCode::CONFLICT;
            paths_view(&state, &auth, status, title, Vec::new(), Some(why)).await
        }
        Err(other) => Err(service_error(other)),
    }
}
