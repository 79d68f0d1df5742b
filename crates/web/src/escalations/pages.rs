//! The escalation pages: the list with its filters, the form to raise a case, and a case with
//! its log and the forms to write in it and move it. Each side gets the shape the services
//! return for it.

use crate::AppState;
use crate::auth::PageAuth;
use crate::choices::partner_options;
use crate::extract::{Form, PageId};
use crate::layout::{Errors, Layout, Opt, next_page_link};
use crate::respond::{PageResult, Refusal, refusal_of, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::FieldError;
use domain::escalations::{Category, State as CaseState, Urgency};
use domain::permissions::Action;
use domain::time_zone::TimeZone;
use domain::validation::Choice;
use services::escalations::{
    ActionInput, CaseDetail, CaseView, EntryInput, Escalation, EscalationQuery, Escalations, Move,
    PartnerCaseDetail, PartnerCaseView, Reassign,
};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/escalations", get(list_page).post(submit))
        .route("/escalations/new", get(new_page))
        .route("/escalations/{id}", get(case_page))
        .route("/escalations/{id}/moves", post(move_case))
        .route("/escalations/{id}/updates", post(post_update))
        .route("/escalations/{id}/notes", post(post_note))
        .route("/escalations/{id}/actions", post(add_action))
        .route(
            "/escalations/{id}/actions/{action_id}/done",
            post(complete_action),
        )
        .route("/escalations/{id}/owner", post(reassign))
}

fn options<T: Choice>(chosen: &str, any: &str) -> Vec<Opt> {
    std::iter::once(("", any))
        .chain(T::ALL.iter().map(|c| (c.as_str(), c.label())))
        .map(|(value, label)| Opt {
            value: value.into(),
            label: label.into(),
            selected: value == chosen.trim(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "escalations/list.html")]
struct ListPage {
    layout: Layout,
    zone: TimeZone,
    /// Our people's rows, with their clocks.
    ours: Vec<CaseView>,
    /// A partner's people's rows.
    theirs: Vec<PartnerCaseView>,
    internal: bool,
    states: Vec<Opt>,
    categories: Vec<Opt>,
    urgencies: Vec<Opt>,
    breached: bool,
    quarter: String,
    unreviewed: bool,
    filter_errors: Errors,
    next_link: Option<String>,
    can_submit: bool,
}

async fn list_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<EscalationQuery>,
) -> PageResult {
    let (ours, theirs, next, errors) =
        match state.services.list_escalations(&auth.actor, &query).await {
            Ok(Escalations::Ours(page)) => (page.items, Vec::new(), page.next_cursor, Vec::new()),
            Ok(Escalations::Partners(page)) => {
                (Vec::new(), page.items, page.next_cursor, Vec::new())
            }
            Err(services::Error::Invalid(bad)) => (Vec::new(), Vec::new(), None, bad),
            Err(other) => return Err(service_error(other)),
        };
    let next_link = next.map(|cursor| {
        let filters = [
            ("state", query.state.as_str()),
            ("category", query.category.as_str()),
            ("urgency", query.urgency.as_str()),
            ("partner_id", query.partner_id.as_str()),
            ("breached", query.breached.as_str()),
            ("quarter", query.quarter.as_str()),
            ("unreviewed", query.unreviewed.as_str()),
        ];
        next_page_link("/escalations", &filters, &cursor)
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = ListPage {
        layout: auth.layout("Escalations"),
        zone: auth.zone(),
        ours,
        theirs,
        internal: auth.actor.is_internal(),
        states: options::<CaseState>(&query.state, "Any state"),
        categories: options::<Category>(&query.category, "Any category"),
        urgencies: options::<Urgency>(&query.urgency, "Any urgency"),
        breached: query.breached.trim() == "true",
        quarter: query.quarter.trim().to_owned(),
        unreviewed: query.unreviewed.trim() == "true",
        filter_errors: Errors::from(errors),
        next_link,
        can_submit: auth.actor.may(Action::WorkEscalations),
    };
    Ok((status, render(view)).into_response())
}

#[derive(Template)]
#[template(path = "escalations/new.html")]
struct NewPage {
    layout: Layout,
    csrf_token: String,
    input: domain::escalations::Form,
    /// Our people choose the partner; a partner's people raise for their own.
    partners: Vec<Opt>,
    categories: Vec<Opt>,
    urgencies: Vec<Opt>,
    errors: Errors,
}

async fn new_view(
    state: &AppState,
    auth: &PageAuth,
    input: domain::escalations::Form,
    partner_id: String,
    errors: Vec<FieldError>,
) -> PageResult {
    auth.actor
        .require(Action::WorkEscalations)
        .map_err(service_error)?;
    let partners = if auth.actor.is_internal() {
        partner_options(state, &auth.actor, &partner_id).await?
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = NewPage {
        layout: auth.layout("Raise an escalation"),
        csrf_token: auth.csrf_token.clone(),
        categories: options::<Category>(&input.category, "Choose…"),
        urgencies: options::<Urgency>(&input.urgency, "Choose…"),
        input,
        partners,
        errors: Errors::from(errors),
    };
    Ok((status, render(view)).into_response())
}

async fn new_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let input = domain::escalations::Form {
        occurred_on: auth.actor.today().to_string(),
        ..Default::default()
    };
    new_view(&state, &auth, input, String::new(), Vec::new()).await
}

async fn submit(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: domain::escalations::Form = form.input(&["partner_id"])?;
    let chosen = form.get("partner_id");
    let partner = auth
        .actor
        .partner_id
        .or_else(|| Uuid::parse_str(chosen.trim()).ok());
    let Some(partner) = partner else {
        let error = FieldError {
            field: "partner_id".into(),
            message: "choose the partner".into(),
        };
        return new_view(&state, &auth, input, chosen, vec![error]).await;
    };
    match state
        .services
        .submit_escalation(&auth.actor, partner, &input)
        .await
    {
        Ok(seen) => Ok(see_other(&format!("/escalations/{}", case_id(&seen)))),
        Err(services::Error::Invalid(errors)) => {
            new_view(&state, &auth, input, chosen, errors).await
        }
        Err(other) => Err(service_error(other)),
    }
}

fn case_id(seen: &Escalation) -> Uuid {
    match seen {
        Escalation::Ours(d) => d.case.id,
        Escalation::Partners(d) => d.case.id,
    }
}

#[derive(Template)]
#[template(path = "escalations/case.html")]
struct CasePage {
    layout: Layout,
    csrf_token: String,
    zone: TimeZone,
    ours: Option<CaseDetail>,
    theirs: Option<PartnerCaseDetail>,
    /// The form that failed, so its errors show next to its fields.
    failed: String,
    errors: Errors,
    problems: Vec<String>,
    may_reassign: bool,
    may_write: bool,
    owners: Vec<Opt>,
}

async fn case_view(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    failed: &str,
    refusal: Refusal,
) -> PageResult {
    let seen = state
        .services
        .escalation(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let (ours, theirs, title) = match seen {
        Escalation::Ours(d) => {
            let title = d.case.reference.clone();
            (Some(d), None, title)
        }
        Escalation::Partners(d) => {
            let title = d.case.reference.clone();
            (None, Some(d), title)
        }
    };
    let may_reassign = auth.actor.may(Action::ManagePartners) && ours.is_some();
    let owners = if may_reassign {
        state
            .services
            .escalation_owners(&auth.actor)
            .await
            .map_err(service_error)?
            .into_iter()
            .map(|(id, name)| Opt {
                selected: ours.as_ref().is_some_and(|d| d.case.owner_id == Some(id)),
                value: id.to_string(),
                label: name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = refusal.status();
    let view = CasePage {
        layout: auth.layout(format!("Escalation {title}")),
        csrf_token: auth.csrf_token.clone(),
        zone: auth.zone(),
        ours,
        theirs,
        failed: failed.into(),
        errors: Errors::from(refusal.errors),
        problems: refusal.problems,
        may_reassign,
        may_write: auth.actor.may(Action::WorkEscalations),
        owners,
    };
    Ok((status, render(view)).into_response())
}

/// A case by its id, or by its reference (`/escalations/ESC-000020`, as people copy it from
/// a notification), which redirects to the case's address.
async fn case_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<String>,
) -> PageResult {
    match Uuid::parse_str(&id) {
        Ok(id) => case_view(&state, &auth, id, "", Refusal::default()).await,
        Err(_) => {
            let id = state
                .services
                .escalation_by_reference(&auth.actor, &id)
                .await
                .map_err(service_error)?;
            Ok(see_other(&format!("/escalations/{id}")))
        }
    }
}

/// After a form on a case: back to the case, or the case again with what was wrong.
async fn after<T>(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    failed: &str,
    result: services::Result<T>,
) -> PageResult {
    match refusal_of(result)? {
        None => Ok(see_other(&format!("/escalations/{id}"))),
        Some(refusal) => case_view(state, auth, id, failed, refusal).await,
    }
}

async fn move_case(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: Move = auth.checked_form(&body)?;
    let result = state
        .services
        .move_escalation(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, "move", result).await
}

async fn post_update(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: EntryInput = auth.checked_form(&body)?;
    let result = state
        .services
        .post_escalation_update(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, "update", result).await
}

async fn post_note(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: EntryInput = auth.checked_form(&body)?;
    let result = state
        .services
        .post_escalation_note(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, "note", result).await
}

async fn add_action(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: ActionInput = auth.checked_form(&body)?;
    let result = state
        .services
        .add_escalation_action(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, "action", result).await
}

async fn complete_action(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId((id, action_id)): PageId<(Uuid, Uuid)>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .complete_escalation_action(&auth.actor, id, action_id)
        .await;
    after(&state, &auth, id, "done", result).await
}

async fn reassign(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = Reassign {
        owner_id: Uuid::parse_str(form.get("owner_id").trim()).ok(),
        version: form.get("version").trim().parse().ok(),
    };
    let result = state
        .services
        .reassign_escalation(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, "owner", result).await
}
