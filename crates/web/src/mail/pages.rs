//! The mail pages: one's delivery choice (`/account/mail`) and the outbox (`/outbox`).

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, query_or_errors};
use crate::format::moment;
use crate::layout::{Errors, Layout};
use crate::respond::{PageResult, page_or_errors, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::{Choice, FieldError};
use services::mail::{Delivery, MailState, OutboxQuery, SECURITY_KINDS};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/account/mail", get(preference_page).post(set_preference))
        .route("/outbox", get(outbox_page))
        .route("/outbox/discard-queued", post(discard_queued))
        .route("/outbox/{id}/{action}", post(act_on_mail))
}

#[derive(Template)]
#[template(path = "mail/preference.html")]
struct PreferencePage {
    layout: Layout,
    csrf_token: String,
    chosen: String,
    choices: Vec<(&'static str, &'static str)>,
    saved: bool,
    errors: Errors,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: bool,
}

async fn preference_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(q): Query<Saved>,
) -> PageResult {
    let chosen = state
        .services
        .mail_preference(&auth.actor)
        .await
        .map_err(service_error)?;
    preference_view(
        &auth,
        chosen.delivery.as_str().to_owned(),
        q.saved,
        Vec::new(),
    )
}

fn preference_view(
    auth: &PageAuth,
    chosen: String,
    saved: bool,
    errors: Vec<FieldError>,
) -> PageResult {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = PreferencePage {
        layout: auth.layout("Notifications by mail"),
        csrf_token: auth.csrf_token.clone(),
        chosen,
        choices: Delivery::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        saved,
        errors: Errors::from(errors),
    };
    Ok((status, render(view)).into_response())
}

async fn set_preference(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let delivery = form.get("delivery");
    match state
        .services
        .set_mail_preference(&auth.actor, &delivery)
        .await
    {
        Ok(_) => Ok(see_other("/account/mail?saved=true")),
        Err(services::Error::Invalid(errors)) => preference_view(&auth, delivery, false, errors),
        Err(other) => Err(service_error(other)),
    }
}

#[derive(Template)]
#[template(path = "mail/outbox.html")]
struct OutboxPage {
    layout: Layout,
    csrf_token: String,
    query: OutboxQuery,
    states: Vec<(&'static str, &'static str)>,
    rows: Vec<OutboxRowView>,
    next_link: Option<String>,
    smtp: bool,
    errors: Errors,
}

struct OutboxRowView {
    id: Uuid,
    when: String,
    recipient: String,
    subject: String,
    link: String,
    status: String,
    attempts: i64,
    last_error: String,
    /// When a queued mail is next tried (stored, so the same from every server).
    next_try: String,
    sent: String,
    failed: bool,
    discardable: bool,
}

async fn outbox_page(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<Query<OutboxQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "limit");
    let page = page_or_errors(
        state.services.outbox(&auth.actor, &query).await,
        &mut errors,
    )?;
    let next_link = page.next_cursor.map(|cursor| {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("state", &query.state), ("recipient", &query.recipient)] {
            if !v.is_empty() {
                pairs.append_pair(k, v);
            }
        }
        pairs.append_pair("cursor", &cursor);
        format!("/outbox?{}", pairs.finish())
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let zone = auth.zone();
    let rows = page
        .items
        .into_iter()
        .map(|m| OutboxRowView {
            id: m.id,
            when: moment(&m.created_at, &zone),
            recipient: m.recipient,
            subject: m.subject,
            link: m.link,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            next_try: if m.state == MailState::Queued {
                moment(&m.next_attempt_at, &zone)
            } else {
                String::new()
            },
            sent: m.sent_at.map(|t| moment(&t, &zone)).unwrap_or_default(),
            failed: m.state == MailState::Failed,
            discardable: m.state == MailState::Queued && !SECURITY_KINDS.contains(&m.kind.as_str()),
        })
        .collect();
    let view = OutboxPage {
        layout: auth.layout("Outbox"),
        csrf_token: auth.csrf_token.clone(),
        query,
        states: MailState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        rows,
        next_link,
        smtp: state.services.config.mail.smtp.is_some(),
        errors: Errors::from(errors),
    };
    Ok((status, render(view)).into_response())
}

/// Retry (a failed mail) or discard (a queued one); either way the queue is shown next.
async fn act_on_mail(
    State(state): State<AppState>,
    auth: PageAuth,
    Path((id, action)): Path<(Uuid, String)>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let services = &state.services;
    match action.as_str() {
        "retry" => services.retry_mail(&auth.actor, id).await,
        "discard" => services.discard_mail(&auth.actor, id).await,
        _ => Err(services::Error::NotFound),
    }
    .map_err(service_error)?;
    Ok(see_other("/outbox?state=queued"))
}

async fn discard_queued(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    state
        .services
        .discard_queued_mail(&auth.actor)
        .await
        .map_err(service_error)?;
    Ok(see_other("/outbox?state=discarded"))
}
