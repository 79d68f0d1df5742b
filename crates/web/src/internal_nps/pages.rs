//! The internal NPS page: the question with its answer form while the asker has not
//! answered, and the round's aggregates (never who said what).

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::Form;
use crate::layout::{Errors, Layout};
use crate::respond::{PageResult, Refusal, refusal_of, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::permissions::Action;
use services::internal_nps::{AnswerForm, InternalNpsView};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/internal-nps", get(survey_page).post(answer))
        .route("/internal-nps/rounds", post(open_round))
}

#[derive(Template)]
#[template(path = "internal_nps/survey.html")]
struct SurveyPage {
    layout: Layout,
    csrf_token: String,
    survey: InternalNpsView,
    input: AnswerForm,
    errors: Errors,
    problems: Vec<String>,
    may_open: bool,
}

async fn view(
    state: &AppState,
    auth: &PageAuth,
    input: AnswerForm,
    refusal: Refusal,
) -> PageResult {
    let survey = state
        .services
        .internal_nps(&auth.actor)
        .await
        .map_err(service_error)?;
    let status = refusal.status();
    let page = SurveyPage {
        layout: auth.layout("Internal NPS"),
        csrf_token: auth.csrf_token.clone(),
        survey,
        input,
        errors: Errors::from(refusal.errors),
        problems: refusal.problems,
        may_open: auth.actor.may(Action::OpenInternalNpsRound),
    };
    Ok((status, render(page)).into_response())
}

async fn survey_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    view(&state, &auth, AnswerForm::default(), Refusal::default()).await
}

async fn answer(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = AnswerForm {
        score: form.get("score"),
        comment: form.get("comment"),
    };
    let result = state
        .services
        .answer_internal_nps(&auth.actor, &input)
        .await;
    match refusal_of(result)? {
        None => Ok(see_other("/internal-nps")),
        Some(refusal) => view(&state, &auth, input, refusal).await,
    }
}

async fn open_round(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state.services.open_internal_nps_round(&auth.actor).await;
    match refusal_of(result)? {
        None => Ok(see_other("/internal-nps")),
        Some(refusal) => view(&state, &auth, AnswerForm::default(), refusal).await,
    }
}
