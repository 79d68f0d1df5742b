//! The registrations list, the registration form, and the registration page's forms:
//! submit, decide, assign, extend, log an activity, close, and confirm a win or a joint
//! activity for credit.

use crate::AppState;
use crate::auth::PageAuth;
use crate::deal_page::{deal_result, deal_view};
use crate::deals::api::{ExtensionDecision, ExtensionInput};
use crate::extract::{Form, PageId, query_or_errors};
use crate::layout::{Errors, Layout, Opt, region_filter_options, select_one, tier_options};
use crate::respond::{PageResult, page_or_errors, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::deals::registration::{DealInput, ForecastCategory, Stage, Status};
use domain::partners::{PartnerType, Region};
use domain::permissions::Action;
use domain::validation::Choice;
use services::deals::credit::WinConfirmationInput;
use services::deals::{ActivityInput, DealClose, DealDecision, DealQuery, DealView};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/deals", get(deal_list).post(register_deal))
        .route("/deals/new", get(new_deal))
        .route("/deals/{id}", get(deal_page))
        .route("/deals/{id}/submit", post(submit_deal))
        .route("/deals/{id}/decision", post(decide_deal))
        .route("/deals/{id}/assignment", post(assign_deal))
        .route("/deals/{id}/extension", post(request_extension))
        .route("/deals/{id}/extension/decision", post(decide_extension))
        .route("/deals/{id}/activities", post(log_activity))
        .route("/deals/{id}/close", post(close_deal))
        .route("/deals/{id}/win-confirmation", post(confirm_win))
        .route(
            "/deals/{id}/activities/{activity}/confirmation",
            post(confirm_activity),
        )
}

#[derive(Template)]
#[template(path = "deals/deals.html")]
struct DealsPage {
    layout: Layout,
    rows: Vec<DealView>,
    query: DealQuery,
    statuses: Vec<Opt>,
    tiers: Vec<Opt>,
    partner_types: Vec<Opt>,
    regions: Vec<Opt>,
    owners: Vec<Opt>,
    forecasts: Vec<Opt>,
    errors: Errors,
    next_link: Option<String>,
    can_register: bool,
    can_import: bool,
    can_edit: bool,
    internal: bool,
}

async fn deal_list(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<Query<DealQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "limit");
    let page = page_or_errors(state.services.deals(&auth.actor, &query).await, &mut errors)?;
    let next_link = page.next_cursor.map(|cursor| {
        let pairs = query.filter_pairs();
        let filters: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::layout::next_page_link("/deals", &filters, &cursor)
    });
    let internal = auth.actor.may(Action::ReadInternal);
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let owners = if internal {
        state
            .services
            .list_partner_owners(&auth.actor)
            .await
            .map_err(service_error)?
            .into_iter()
            .map(|u| Opt {
                selected: query.owner.trim() == u.id.to_string(),
                value: u.id.to_string(),
                label: u.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let view = DealsPage {
        layout: auth.layout("Deal registrations"),
        rows: page.items,
        statuses: select_one::<Status>(&query.status),
        tiers: tier_options(&program, query.tier.trim()),
        partner_types: select_one::<PartnerType>(query.partner_type.trim()),
        regions: region_filter_options(&query.region),
        owners,
        forecasts: select_one::<ForecastCategory>(query.forecast.trim()),
        errors: Errors::from(errors),
        next_link,
        can_register: auth.actor.may(Action::WorkDeals),
        can_import: auth.actor.may(Action::ImportDirectPipeline),
        can_edit: auth.actor.may(Action::ManageDeals),
        internal,
        query,
    };
    Ok(render(view))
}

#[derive(Template)]
#[template(path = "deals/deal_form.html")]
struct DealForm {
    layout: Layout,
    csrf_token: String,
    input: DealInput,
    errors: Errors,
    /// Internal users choose the partner; partner users register for their own.
    partners: Vec<Opt>,
    partner_id: String,
    regions: Vec<Opt>,
    stages: Vec<Opt>,
    /// A gate or other refusal, shown above the form.
    problem: Option<String>,
}

async fn deal_form(
    state: &AppState,
    auth: &PageAuth,
    input: DealInput,
    partner_id: String,
    errors: Vec<domain::FieldError>,
    problem: Option<String>,
) -> PageResult {
    let partners = if auth.actor.may(Action::ReadInternal) {
        crate::choices::partner_options(state, &auth.actor, &partner_id).await?
    } else {
        Vec::new()
    };
    let status = if errors.is_empty() && problem.is_none() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = DealForm {
        layout: auth.layout("Register a deal"),
        csrf_token: auth.csrf_token.clone(),
        regions: select_one::<Region>(&input.region),
        stages: select_one::<Stage>(if input.stage.is_empty() {
            "discovery"
        } else {
            &input.stage
        }),
        input,
        errors: Errors::from(errors),
        partners,
        partner_id,
        problem,
    };
    Ok((status, render(view)).into_response())
}

async fn new_deal(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    if !auth.actor.may(Action::WorkDeals) {
        return Err(service_error(services::Error::Forbidden(
            "only the partner's people and partner managers register deals".into(),
        )));
    }
    let partner_id = auth
        .actor
        .partner_id
        .map(|p| p.to_string())
        .unwrap_or_default();
    let input = DealInput {
        probability: "20".into(),
        ..Default::default()
    };
    deal_form(&state, &auth, input, partner_id, Vec::new(), None).await
}

async fn register_deal(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // Who registers for whom and which button was pressed are read apart from the deal itself.
    let input: DealInput = form.input(&["partner_id", "action"])?;
    let partner_text = match auth.actor.partner_id {
        Some(own) => own.to_string(),
        None => form.get("partner_id"),
    };
    let Ok(partner_id) = Uuid::parse_str(&partner_text) else {
        let error = domain::FieldError {
            field: "partner_id".into(),
            message: "choose the partner".into(),
        };
        return deal_form(&state, &auth, input, partner_text, vec![error], None).await;
    };
    let submit = form.get("action") != "draft";
    match state
        .services
        .register_deal(&auth.actor, partner_id, &input, submit)
        .await
    {
        Ok(deal) => Ok(see_other(&format!("/deals/{}", deal.id))),
        Err(services::Error::Invalid(errors)) => {
            deal_form(&state, &auth, input, partner_text, errors, None).await
        }
        // The role may register, so the refusal is an eligibility gate: say what is missing.
        Err(services::Error::Forbidden(why)) if auth.actor.may(Action::WorkDeals) => {
            deal_form(&state, &auth, input, partner_text, Vec::new(), Some(why)).await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn deal_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    deal_view(&state, &auth, id, Vec::new()).await
}

async fn submit_deal(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state.services.submit_deal(&auth.actor, id).await;
    deal_result(&state, &auth, id, result).await
}

async fn decide_deal(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let decision: DealDecision = form.input(&[])?;
    let result = state.services.decide_deal(&auth.actor, id, &decision).await;
    deal_result(&state, &auth, id, result).await
}

async fn assign_deal(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: services::deals::AssignmentInput = form.input(&[])?;
    let result = state.services.assign_deal(&auth.actor, id, &input).await;
    deal_result(&state, &auth, id, result).await
}

async fn request_extension(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .request_extension(&auth.actor, id, &form.input::<ExtensionInput>(&[])?.reason)
        .await;
    deal_result(&state, &auth, id, result).await
}

async fn decide_extension(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .decide_extension(
            &auth.actor,
            id,
            form.input::<ExtensionDecision>(&[])?.approve,
        )
        .await;
    deal_result(&state, &auth, id, result).await
}

async fn log_activity(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: ActivityInput = form.input(&[])?;
    let result = state.services.log_activity(&auth.actor, id, &input).await;
    deal_result(&state, &auth, id, result).await
}

async fn close_deal(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: DealClose = form.input(&[])?;
    let result = state.services.close_deal(&auth.actor, id, &input).await;
    deal_result(&state, &auth, id, result).await
}

async fn confirm_win(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: WinConfirmationInput = form.input(&[])?;
    let result = state.services.confirm_win(&auth.actor, id, &input).await;
    deal_result(&state, &auth, id, result).await
}

async fn confirm_activity(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId((id, activity)): PageId<(Uuid, Uuid)>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let result = state
        .services
        .confirm_activity(&auth.actor, id, activity)
        .await;
    deal_result(&state, &auth, id, result).await
}
