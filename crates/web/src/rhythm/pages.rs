//! The meetings pages: the list (filtered by kind, paged), the form to record a meeting, and a
//! meeting with its pack and the forms for decisions and action items; the pack's downloads.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::layout::{Errors, Layout, Opt, select_one};
use crate::respond::{PageResult, Refusal, refusal_of, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::FieldError;
use domain::permissions::Action;
use domain::rhythm::{ActionForm, DecisionForm, Kind, MeetingForm};
use domain::time_zone::TimeZone;
use domain::validation::{self, Choice};
use services::rhythm::{MeetingDetail, MeetingQuery, MeetingSummary};
use uuid::Uuid;

use super::export;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list_page).post(create))
        .route("/meetings/new", get(new_page))
        .route("/meetings/{id}", get(meeting_page))
        .route("/meetings/{id}/pack.md", get(markdown))
        .route("/meetings/{id}/pack.html", get(print_html))
        .route("/meetings/{id}/decisions", post(add_decision))
        .route("/meetings/{id}/actions", post(add_action))
        .route(
            "/meetings/{id}/actions/{action_id}/done",
            post(complete_action),
        )
}

/// The kinds of meeting as choices, after a first one for none (`any`).
fn kinds(chosen: &str, any: &str) -> Vec<Opt> {
    let chosen = chosen.trim();
    std::iter::once(Opt {
        value: String::new(),
        label: any.into(),
        selected: chosen.is_empty(),
    })
    .chain(select_one::<Kind>(chosen))
    .collect()
}

fn status_of(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

#[derive(Template)]
#[template(path = "rhythm/list.html")]
struct ListPage {
    layout: Layout,
    meetings: Vec<MeetingSummary>,
    kinds: Vec<Opt>,
    filter_errors: Errors,
    next_link: Option<String>,
    may_run: bool,
}

async fn list_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<MeetingQuery>,
) -> PageResult {
    let (meetings, next, errors) = match state.services.list_meetings(&auth.actor, &query).await {
        Ok(page) => (page.items, page.next_cursor, Vec::new()),
        Err(services::Error::Invalid(bad)) => (Vec::new(), None, bad),
        Err(other) => return Err(service_error(other)),
    };
    let next_link = next.map(|cursor| {
        crate::layout::next_page_link("/meetings", &[("kind", query.kind.trim())], &cursor)
    });
    let view = ListPage {
        layout: auth.layout("Meetings"),
        meetings,
        kinds: kinds(&query.kind, "Every kind"),
        next_link,
        may_run: auth.actor.may(Action::RunMeetings),
        filter_errors: Errors::from(errors.clone()),
    };
    Ok((status_of(&errors), render(view)).into_response())
}

#[derive(Template)]
#[template(path = "rhythm/new.html")]
struct NewPage {
    layout: Layout,
    csrf_token: String,
    input: MeetingForm,
    kinds: Vec<Opt>,
    people: Vec<Opt>,
    errors: Errors,
    /// The meeting of the period already recorded, when this one was refused for it.
    existing: Option<MeetingSummary>,
}

async fn new_view(
    state: &AppState,
    auth: &PageAuth,
    input: MeetingForm,
    errors: Vec<FieldError>,
    existing: Option<MeetingSummary>,
) -> PageResult {
    auth.actor
        .require(Action::RunMeetings)
        .map_err(service_error)?;
    let people = state
        .services
        .meeting_people(&auth.actor)
        .await
        .map_err(service_error)?
        .into_iter()
        .map(|p| Opt {
            selected: input.attendees.contains(&p.id.to_string()),
            value: p.id.to_string(),
            label: p.name,
        })
        .collect();
    let view = NewPage {
        layout: auth.layout("Record a meeting"),
        csrf_token: auth.csrf_token.clone(),
        kinds: kinds(&input.kind, "Choose…"),
        input,
        people,
        errors: Errors::from(errors.clone()),
        existing,
    };
    let status = if view.existing.is_some() {
        StatusCode::CONFLICT
    } else {
        status_of(&errors)
    };
    Ok((status, render(view)).into_response())
}

async fn new_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let input = MeetingForm {
        held_on: auth.actor.today().to_string(),
        attendees: auth
            .actor
            .user_id
            .map(|id| id.to_string())
            .into_iter()
            .collect(),
        ..Default::default()
    };
    new_view(&state, &auth, input, Vec::new(), None).await
}

async fn create(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let input: MeetingForm = auth.checked_form(&body)?;
    match state.services.create_meeting(&auth.actor, &input).await {
        Ok(id) => Ok(see_other(&format!("/meetings/{id}"))),
        Err(services::Error::Invalid(errors)) => new_view(&state, &auth, input, errors, None).await,
        Err(services::Error::Conflict(why)) => {
            // The refusal names the meeting of the period; the form links to it by its title.
            let existing = match (Kind::parse(&input.kind), validation::date(&input.held_on)) {
                (Some(kind), Ok(day)) => state
                    .services
                    .meeting_of_period(&auth.actor, kind, day)
                    .await
                    .map_err(service_error)?,
                _ => None,
            };
            match existing {
                Some(existing) => new_view(&state, &auth, input, Vec::new(), Some(existing)).await,
                None => Err(service_error(services::Error::Conflict(why))),
            }
        }
        Err(other) => Err(service_error(other)),
    }
}

#[derive(Template)]
#[template(path = "rhythm/meeting.html")]
struct MeetingPage {
    layout: Layout,
    csrf_token: String,
    detail: MeetingDetail,
    zone: TimeZone,
    may_run: bool,
    me: Option<Uuid>,
    people: Vec<Opt>,
    /// The form that failed ("decision" or "action"), its input and errors.
    failed: String,
    decision: DecisionForm,
    action: ActionForm,
    errors: Errors,
    problems: Vec<String>,
}

impl MeetingPage {
    /// Whether the "mark done" button shows: those who run meetings tick any item, our
    /// people their own (the service asks the same).
    fn may_tick(&self, owner: &Uuid) -> bool {
        self.may_run || self.me.as_ref() == Some(owner)
    }
}

struct Failed {
    form: &'static str,
    decision: DecisionForm,
    action: ActionForm,
    refusal: Refusal,
}

impl Failed {
    fn none() -> Failed {
        Failed {
            form: "",
            decision: DecisionForm::default(),
            action: ActionForm::default(),
            refusal: Refusal::default(),
        }
    }
}

async fn meeting_view(state: &AppState, auth: &PageAuth, id: Uuid, failed: Failed) -> PageResult {
    let detail = state
        .services
        .meeting(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let may_run = auth.actor.may(Action::RunMeetings);
    let people = if may_run {
        std::iter::once(Opt {
            value: String::new(),
            label: "Choose…".into(),
            selected: failed.action.owner_id.is_empty(),
        })
        .chain(
            state
                .services
                .meeting_people(&auth.actor)
                .await
                .map_err(service_error)?
                .into_iter()
                .map(|p| Opt {
                    selected: failed.action.owner_id == p.id.to_string(),
                    value: p.id.to_string(),
                    label: p.name,
                }),
        )
        .collect()
    } else {
        Vec::new()
    };
    let status = failed.refusal.status();
    let view = MeetingPage {
        layout: auth.layout(detail.meeting.title.clone()),
        csrf_token: auth.csrf_token.clone(),
        detail,
        zone: auth.zone(),
        may_run,
        me: auth.actor.user_id,
        people,
        failed: failed.form.into(),
        decision: failed.decision,
        action: failed.action,
        errors: Errors::from(failed.refusal.errors),
        problems: failed.refusal.problems,
    };
    Ok((status, render(view)).into_response())
}

async fn meeting_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    meeting_view(&state, &auth, id, Failed::none()).await
}

async fn markdown(State(state): State<AppState>, auth: PageAuth, PageId(id): PageId) -> PageResult {
    let detail = state.services.meeting(&auth.actor, id).await;
    let detail = detail.map_err(service_error)?;
    Ok(export::markdown_download(
        &state.services,
        &detail,
        &auth.zone(),
    ))
}

async fn print_html(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    let detail = state.services.meeting(&auth.actor, id).await;
    let detail = detail.map_err(service_error)?;
    Ok(export::print_html(&state.services, &detail, auth.zone()))
}

/// After a form on a meeting: back to it, or the meeting again with what was wrong.
async fn after<T>(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    failed: Failed,
    result: services::Result<T>,
) -> PageResult {
    match refusal_of(result)? {
        None => Ok(see_other(&format!("/meetings/{id}"))),
        Some(refusal) => meeting_view(state, auth, id, Failed { refusal, ..failed }).await,
    }
}

async fn add_decision(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: DecisionForm = auth.checked_form(&body)?;
    let result = state
        .services
        .add_meeting_decision(&auth.actor, id, &input)
        .await;
    let failed = Failed {
        form: "decision",
        decision: input,
        ..Failed::none()
    };
    after(&state, &auth, id, failed, result).await
}

async fn add_action(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: ActionForm = auth.checked_form(&body)?;
    let result = state
        .services
        .add_meeting_action(&auth.actor, id, &input)
        .await;
    let failed = Failed {
        form: "action",
        action: input,
        ..Failed::none()
    };
    after(&state, &auth, id, failed, result).await
}

async fn complete_action(
    State(state): State<AppState>,
    auth: PageAuth,
    Path((id, action_id)): Path<(Uuid, Uuid)>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .complete_meeting_action(&auth.actor, id, action_id)
        .await;
    let failed = Failed {
        form: "done",
        ..Failed::none()
    };
    after(&state, &auth, id, failed, result).await
}
