//! The integration request pages: the list (ranked by revenue at stake for our people, a
//! partner's own requests for its people), the form to submit one, and a request with the
//! deciding teams' move and merge forms. Each side gets the shape the services return for it.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::layout::{Errors, Layout, Opt};
use crate::respond::{
    FormatParam, PageResult, Refusal, refusal_of, render, report_download, see_other, service_error,
};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::FieldError;
use domain::integration_requests::{CustomerForm, Form as RequestForm};
use domain::permissions::Action;
use domain::validation::Choice;
use services::integration_requests::{
    IntegrationRequest, IntegrationRequests, Merge, Move, PartnerRequestView, RankingQuery,
    RequestView,
};
use uuid::Uuid;

/// The customer rows the form offers (the API takes up to fifty).
const CUSTOMER_ROWS: usize = 5;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/integration-requests", get(list_page).post(submit))
        .route("/integration-requests/new", get(new_page))
        .route("/integration-requests/ranking", get(export))
        .route("/integration-requests/{id}", get(request_page))
        .route("/integration-requests/{id}/moves", post(move_request))
        .route("/integration-requests/{id}/merges", post(merge))
}

#[derive(Template)]
#[template(path = "integration_requests/list.html")]
struct ListPage {
    layout: Layout,
    ours: Vec<RequestView>,
    theirs: Vec<PartnerRequestView>,
    internal: bool,
    next_link: Option<String>,
    can_submit: bool,
}

async fn list_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<RankingQuery>,
) -> PageResult {
    let (ours, theirs, next) = match state
        .services
        .list_integration_requests(&auth.actor, &query)
        .await
        .map_err(service_error)?
    {
        IntegrationRequests::Ours(page) => (page.items, Vec::new(), page.next_cursor),
        IntegrationRequests::Partners(page) => (Vec::new(), page.items, page.next_cursor),
    };
    let next_link =
        next.map(|cursor| crate::layout::next_page_link("/integration-requests", &[], &cursor));
    let view = ListPage {
        layout: auth.layout("Integration requests"),
        ours,
        theirs,
        internal: auth.actor.is_internal(),
        next_link,
        can_submit: auth.actor.may(Action::SubmitIntegrationRequests),
    };
    Ok(render(view).into_response())
}

async fn export(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(format): Query<FormatParam>,
) -> PageResult {
    let table = state.services.integration_requests_table(&auth.actor);
    report_download("integration-requests", &format.format, table)
        .await
        .map_err(service_error)
}

/// One customer row of the form with its errors.
struct CustomerRow {
    index: usize,
    input: CustomerForm,
    name_error: Option<String>,
    amount_error: Option<String>,
    currency_error: Option<String>,
}

#[derive(Template)]
#[template(path = "integration_requests/new.html")]
struct NewPage {
    layout: Layout,
    csrf_token: String,
    input: RequestForm,
    rows: Vec<CustomerRow>,
    /// Our people choose the partner; a partner's people submit for their own.
    partners: Vec<Opt>,
    errors: Errors,
}

async fn new_view(
    state: &AppState,
    auth: &PageAuth,
    input: RequestForm,
    partner_id: String,
    errors: Vec<FieldError>,
) -> PageResult {
    auth.actor
        .require(Action::SubmitIntegrationRequests)
        .map_err(service_error)?;
    let partners = if auth.actor.is_internal() {
        crate::choices::partner_options(state, &auth.actor, &partner_id).await?
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = Errors::from(errors);
    let error = |i: usize, field: &str| {
        errors
            .get(&format!("customers[{i}].{field}"))
            .map(str::to_owned)
    };
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    // Each row offers the program currency, as the service reads an empty one; another can
    // be typed over it.
    let rows = (0..CUSTOMER_ROWS)
        .map(|i| CustomerRow {
            index: i,
            input: match input.customers.get(i) {
                Some(typed) if !typed.currency.trim().is_empty() => typed.clone(),
                typed => CustomerForm {
                    currency: program.currency.clone(),
                    ..typed.cloned().unwrap_or_default()
                },
            },
            name_error: error(i, "name"),
            amount_error: error(i, "amount"),
            currency_error: error(i, "currency"),
        })
        .collect();
    let view = NewPage {
        layout: auth.layout("Request an integration"),
        csrf_token: auth.csrf_token.clone(),
        input,
        rows,
        partners,
        errors,
    };
    Ok((status, render(view)).into_response())
}

async fn new_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    new_view(
        &state,
        &auth,
        RequestForm::default(),
        String::new(),
        Vec::new(),
    )
    .await
}

/// The form's fields as the service's input: the filled customer rows, in order.
fn request_form(form: &Form) -> RequestForm {
    let customers = (0..CUSTOMER_ROWS)
        .map(|i| CustomerForm {
            name: form.get(&format!("customer_{i}_name")),
            amount: form.get(&format!("customer_{i}_amount")),
            currency: form.get(&format!("customer_{i}_currency")),
            deal_id: None,
        })
        .filter(|c| !(c.name.trim().is_empty() && c.amount.trim().is_empty()))
        .collect();
    RequestForm {
        title: form.get("title"),
        description: form.get("description"),
        system: form.get("system"),
        customers,
    }
}

fn request_id(seen: &IntegrationRequest) -> Uuid {
    match seen {
        IntegrationRequest::Ours(r) => r.id,
        IntegrationRequest::Partners(r) => r.id,
    }
}

async fn submit(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = request_form(&form);
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
        .submit_integration_request(&auth.actor, partner, &input)
        .await
    {
        Ok(seen) => Ok(see_other(&format!(
            "/integration-requests/{}",
            request_id(&seen)
        ))),
        Err(services::Error::Invalid(errors)) => {
            new_view(&state, &auth, input, chosen, errors).await
        }
        Err(other) => Err(service_error(other)),
    }
}

#[derive(Template)]
#[template(path = "integration_requests/request.html")]
struct RequestPage {
    layout: Layout,
    csrf_token: String,
    ours: Option<RequestView>,
    theirs: Option<PartnerRequestView>,
    /// The form that failed, so its errors show next to its fields.
    failed: String,
    /// The duplicate's reference as typed into the merge form, kept when it is refused.
    duplicate: String,
    errors: Errors,
    problems: Vec<String>,
}

/// The form that failed: its name, and the reference typed into the merge form.
struct Failed<'a>(&'a str, String);

async fn request_view(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    Failed(failed, duplicate): Failed<'_>,
    refusal: Refusal,
) -> PageResult {
    let seen = state
        .services
        .integration_request(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let (ours, theirs, title) = match seen {
        IntegrationRequest::Ours(r) => {
            let title = r.reference.clone();
            (Some(*r), None, title)
        }
        IntegrationRequest::Partners(r) => {
            let title = r.reference.clone();
            (None, Some(r), title)
        }
    };
    let status = refusal.status();
    let view = RequestPage {
        layout: auth.layout(format!("Integration request {title}")),
        csrf_token: auth.csrf_token.clone(),
        ours,
        theirs,
        failed: failed.into(),
        duplicate,
        errors: Errors::from(refusal.errors),
        problems: refusal.problems,
    };
    Ok((status, render(view)).into_response())
}

async fn request_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    request_view(
        &state,
        &auth,
        id,
        Failed("", String::new()),
        Refusal::default(),
    )
    .await
}

/// A write's outcome as a page: back to the request, its field errors next to the form's
/// fields, or a refusal (409) above the forms.
async fn after(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    failed: Failed<'_>,
    outcome: services::Result<IntegrationRequest>,
) -> PageResult {
    match refusal_of(outcome)? {
        None => Ok(see_other(&format!("/integration-requests/{id}"))),
        Some(refusal) => request_view(state, auth, id, failed, refusal).await,
    }
}

async fn move_request(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = Move {
        transition: form.get("transition"),
        version: form.get("version").parse().ok(),
        reason: form.get("reason"),
        internal_note: form.get("internal_note"),
    };
    let outcome = state
        .services
        .move_integration_request(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, Failed("move", String::new()), outcome).await
}

async fn merge(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = Merge {
        duplicate: form.get("duplicate"),
        duplicate_id: None,
        duplicate_version: None,
        version: form.get("version").parse().ok(),
    };
    let outcome = state
        .services
        .merge_integration_requests(&auth.actor, id, &input)
        .await;
    after(&state, &auth, id, Failed("merge", input.duplicate), outcome).await
}
