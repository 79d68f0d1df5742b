//! "My work" and a work item's page with its comments and the take and assign forms.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::PageId;
use crate::layout::{Errors, Layout, Opt};
use crate::respond::{PageResult, Refusal, refusal_of, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::time_zone::TimeZone;
use domain::validation::Choice;
use domain::work::EntryKind;
use services::work::{
    AssignInput, CommentInput, MyWorkEntry, MyWorkQuery, TakeInput, WorkItemDetail,
};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/my-work", get(my_work_page))
        .route("/work/{id}", get(item_page))
        .route("/work/{id}/comments", post(comment))
        .route("/work/{id}/take", post(take))
        .route("/work/{id}/assign", post(assign))
}

/// A filter's choices: "any" first, then each (value, label).
fn choices(chosen: &str, any: &str, each: &[(&str, &str)]) -> Vec<Opt> {
    std::iter::once(("", any))
        .chain(each.iter().copied())
        .map(|(value, label)| Opt {
            value: value.into(),
            label: label.into(),
            selected: value == chosen.trim(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "work/my_work.html")]
struct MyWorkPage {
    layout: Layout,
    zone: TimeZone,
    entries: Vec<MyWorkEntry>,
    scopes: Vec<Opt>,
    kinds: Vec<Opt>,
    slas: Vec<Opt>,
    filter_errors: Errors,
    next_link: Option<String>,
    /// The program's `due_soon_percent`: the share of the time allowed the legend names.
    due_soon_percent: u32,
}

async fn my_work_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<MyWorkQuery>,
) -> PageResult {
    let (entries, next, errors) = match state.services.my_work(&auth.actor, &query).await {
        Ok(page) => (page.items, page.next_cursor, Vec::new()),
        Err(services::Error::Invalid(bad)) => (Vec::new(), None, bad),
        Err(other) => return Err(service_error(other)),
    };
    let next_link = next.map(|cursor| {
        let filters = [
            ("scope", query.scope.as_str()),
            ("kind", query.kind.as_str()),
            ("sla", query.sla.as_str()),
        ];
        crate::layout::next_page_link("/my-work", &filters, &cursor)
    });
    let kinds: Vec<(&str, &str)> = EntryKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let view = MyWorkPage {
        due_soon_percent: program.policies.slas.due_soon_percent,
        layout: auth.layout("My work"),
        zone: auth.zone(),
        entries,
        scopes: choices(
            &query.scope,
            "Mine, my teams' and escalated to me",
            &[
                ("mine", "Assigned to me"),
                ("teams", "My teams' queues"),
                ("escalated", "Escalated to me"),
            ],
        ),
        kinds: choices(&query.kind, "Any kind", &kinds),
        slas: choices(
            &query.sla,
            "Any SLA state",
            &[
                ("breached", "Breached"),
                ("due_soon", "Due soon"),
                ("on_track", "On track"),
                ("paused", "Paused"),
            ],
        ),
        filter_errors: Errors::from(errors),
        next_link,
    };
    Ok((status, render(view)).into_response())
}

#[derive(Template)]
#[template(path = "work/item.html")]
struct ItemPage {
    layout: Layout,
    zone: TimeZone,
    csrf_token: String,
    detail: WorkItemDetail,
    /// The form that failed ("comment", "assign"), with its field errors.
    failed: String,
    errors: Errors,
    problems: Vec<String>,
    body: String,
}

async fn item_view(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    failed: &str,
    refusal: Refusal,
    body: String,
) -> PageResult {
    let detail = state
        .services
        .work_item(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let status = refusal.status();
    let view = ItemPage {
        layout: auth.layout(detail.item.title.clone()),
        zone: auth.zone(),
        csrf_token: auth.csrf_token.clone(),
        detail,
        failed: failed.into(),
        errors: Errors::from(refusal.errors),
        problems: refusal.problems,
        body,
    };
    Ok((status, render(view)).into_response())
}

async fn item_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    item_view(&state, &auth, id, "", Refusal::default(), String::new()).await
}

/// After a form on an item: back to it, or the item again with what went wrong.
async fn after<T>(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    failed: &str,
    body: String,
    result: services::Result<T>,
) -> PageResult {
    match refusal_of(result)? {
        None => Ok(see_other(&format!("/work/{id}"))),
        Some(refusal) => item_view(state, auth, id, failed, refusal, body).await,
    }
}

async fn comment(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: CommentInput = auth.checked_form(&body)?;
    let result = state
        .services
        .comment_on_work(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, "comment", input.body, result).await
}

async fn take(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: TakeInput = auth.checked_form(&body)?;
    let result = state.services.take_work(&auth.actor, id, &input).await;
    after(&state, &auth, id, "take", String::new(), result).await
}

async fn assign(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let input: AssignInput = auth.checked_form(&body)?;
    let result = state.services.assign_work(&auth.actor, id, &input).await;
    after(&state, &auth, id, "assign", String::new(), result).await
}
