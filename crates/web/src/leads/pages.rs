//! The leads page: the list, the form to submit one, and accepting or rejecting.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::layout::{Errors, Layout, Opt};
use crate::leads::api::RejectInput;
use crate::respond::{PageResult, form_problems, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::permissions::Action;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/leads", get(leads_page).post(submit_lead))
        .route("/leads/{id}/accept", post(accept_lead))
        .route("/leads/{id}/reject", post(reject_lead))
}

#[derive(Template)]
#[template(path = "leads/leads.html")]
struct LeadsPage {
    layout: Layout,
    csrf_token: String,
    rows: Vec<services::leads::LeadView>,
    next_link: Option<String>,
    /// The status filter's choices, the one shown selected.
    statuses: Vec<Opt>,
    filter_errors: Errors,
    input: domain::deals::leads::LeadInput,
    errors: Errors,
    problems: Vec<String>,
    /// Partner users submit for their organisation; partner managers choose.
    partners: Vec<Opt>,
    can_submit: bool,
    can_decide: bool,
    may_import: bool,
    /// Our people's note on quotas; partners' people get none.
    quota_note: Option<&'static str>,
}

/// The leads page, `MAX_PAGE` newest leads at a time from the list's cursor ("" for the
/// newest), of one status when the list names one.
async fn leads_view(
    state: &AppState,
    auth: &PageAuth,
    list: &LeadsPageQuery,
    input: domain::deals::leads::LeadInput,
    errors: Vec<domain::FieldError>,
    problems: Vec<String>,
) -> PageResult {
    let page = services::PageQuery {
        cursor: list.cursor.clone(),
        limit: Some(services::MAX_PAGE),
    };
    let status = Some(list.status.trim()).filter(|s| !s.is_empty());
    let (rows, filter_errors) = match state
        .services
        .leads(
            &auth.actor,
            None,
            status,
            &page.request().map_err(service_error)?,
        )
        .await
    {
        Ok(rows) => (rows, Vec::new()),
        Err(services::Error::Invalid(bad)) => (
            services::Page {
                items: Vec::new(),
                next_cursor: None,
            },
            bad,
        ),
        Err(other) => return Err(service_error(other)),
    };
    let next_link = rows.next_cursor.map(|cursor| {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        if let Some(status) = status {
            pairs.append_pair("status", status);
        }
        pairs.append_pair("cursor", &cursor);
        format!("/leads?{}", pairs.finish())
    });
    let statuses = [
        ("", "All"),
        ("submitted", "Submitted"),
        ("accepted", "Accepted"),
        ("rejected", "Rejected"),
    ]
    .into_iter()
    .map(|(value, label)| Opt {
        value: value.into(),
        label: label.into(),
        selected: value == status.unwrap_or_default(),
    })
    .collect();
    let partners = if auth.actor.may(Action::ManagePartners) {
        crate::choices::partner_options(state, &auth.actor, "").await?
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() && problems.is_empty() && filter_errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = LeadsPage {
        layout: auth.layout("Partner-sourced leads"),
        csrf_token: auth.csrf_token.clone(),
        rows: rows.items,
        next_link,
        statuses,
        filter_errors: Errors::from(filter_errors),
        input,
        errors: Errors::from(errors),
        problems,
        partners,
        can_submit: auth.actor.may(Action::WorkDeals),
        can_decide: auth.actor.may(Action::DecideLeads),
        may_import: auth.actor.may(Action::ManageDeals),
        quota_note: services::leads::quota_note(&auth.actor),
    };
    Ok((status, render(view)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LeadsPageQuery {
    cursor: String,
    /// submitted, accepted or rejected; every lead when empty.
    status: String,
}

async fn leads_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<LeadsPageQuery>,
) -> PageResult {
    let (input, errors, problems) = Default::default();
    leads_view(&state, &auth, &query, input, errors, problems).await
}

async fn submit_lead(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // Whom the lead is for is read apart: our people choose the partner, its people are it.
    let input: domain::deals::leads::LeadInput = form.input(&["partner_id"])?;
    let partner = match auth.actor.partner_id {
        Some(own) => Some(own),
        None => Uuid::parse_str(&form.get("partner_id")).ok(),
    };
    let Some(partner) = partner else {
        let error = domain::FieldError {
            field: "partner_id".into(),
            message: "choose the partner".into(),
        };
        return leads_view(
            &state,
            &auth,
            &Default::default(),
            input,
            vec![error],
            Vec::new(),
        )
        .await;
    };
    match state
        .services
        .submit_lead(&auth.actor, partner, &input)
        .await
    {
        Ok(_) => Ok(see_other("/leads")),
        Err(services::Error::Invalid(errors)) => {
            leads_view(
                &state,
                &auth,
                &Default::default(),
                input,
                errors,
                Vec::new(),
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn lead_decision<T>(
    state: &AppState,
    auth: &PageAuth,
    result: services::Result<T>,
) -> PageResult {
    let Some(problems) = form_problems(result)? else {
        return Ok(see_other("/leads"));
    };
    leads_view(
        state,
        auth,
        &Default::default(),
        Default::default(),
        Vec::new(),
        problems,
    )
    .await
}

async fn accept_lead(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state.services.accept_lead(&auth.actor, id).await;
    lead_decision(&state, &auth, result).await
}

async fn reject_lead(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .reject_lead(&auth.actor, id, &form.input::<RejectInput>(&[])?.reason)
        .await;
    lead_decision(&state, &auth, result).await
}
