//! The partner list, the partner form, a partner's page and its stage,
//! archive and restore buttons.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId, query_or_errors};
use crate::layout::{Errors, Layout, Opt, options, region_filter_options, tier_options};
use crate::partner_page::{PartnerPageForms, PartnerRow, Tab, partner_view};
use crate::partners::api::StageChange;
use crate::respond::{PageResult, page_or_errors, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use domain::partners::{GtmModel, LifecycleStage, Partner, PartnerInput, PartnerType, Region};
use domain::permissions::{self, Action};
use domain::{Choice, FieldError};
use services::partners::PartnerQuery;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/partners", get(partner_list).post(create_partner))
        .route("/partners/new", get(new_partner))
        .route("/partners/{id}", get(partner_page).post(update_partner))
        .route("/partners/{id}/edit", get(edit_partner))
        .route("/partners/{id}/tier", section(Tab::Tier))
        .route("/partners/{id}/evaluations", section(Tab::Evaluations))
        .route("/partners/{id}/onboarding", section(Tab::Onboarding))
        .route("/partners/{id}/enablement", section(Tab::Enablement))
        .route("/partners/{id}/contacts", section(Tab::Contacts))
        .route("/partners/{id}/timeline", section(Tab::Timeline))
        .route("/partners/{id}/stage", post(change_stage))
        .route("/partners/{id}/archive", post(archive_partner))
        .route("/partners/{id}/restore", post(restore_partner))
}

#[derive(Template)]
#[template(path = "partners/partners.html")]
struct PartnerListPage {
    layout: Layout,
    q: String,
    tiers: Vec<Opt>,
    stages: Vec<Opt>,
    types: Vec<Opt>,
    regions: Vec<Opt>,
    owners: Vec<Opt>,
    sorts: Vec<Opt>,
    archived: bool,
    in_program: bool,
    /// The health bands to filter by (internal users).
    health: Vec<Opt>,
    rows: Vec<PartnerRow>,
    next_link: Option<String>,
    first_link: Option<String>,
    can_create: bool,
    /// Partner users see only their own organisation: nothing to filter.
    show_filters: bool,
    errors: Errors,
}

fn query_string(query: &PartnerQuery, cursor: &str) -> String {
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("q", &query.q),
        ("tier", &query.tier),
        ("stage", &query.stage),
        ("type", &query.partner_type),
        ("region", &query.region),
        ("owner", &query.owner),
        ("sort", &query.sort),
        ("health", &query.health),
    ] {
        if !value.is_empty() {
            pairs.append_pair(key, value);
        }
    }
    for (key, on) in [
        ("archived", query.archived),
        ("in_program", query.in_program),
    ] {
        if on {
            pairs.append_pair(key, "true");
        }
    }
    if !cursor.is_empty() {
        pairs.append_pair("cursor", cursor);
    }
    pairs.finish()
}

async fn partner_list(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<Query<PartnerQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "q");
    let page = page_or_errors(
        state.services.list_partners(&auth.actor, &query).await,
        &mut errors,
    )?;
    let owners = if auth.actor.may(Action::ReadInternal) {
        state
            .services
            .list_partner_owners(&auth.actor)
            .await
            .map_err(service_error)?
    } else {
        Vec::new()
    };
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let one = |v: &String| vec![v.clone()];
    let view = PartnerListPage {
        layout: auth.layout("Partners"),
        q: query.q.clone(),
        tiers: tier_options(&program, &query.tier),
        stages: options::<LifecycleStage>(&one(&query.stage)),
        types: options::<PartnerType>(&one(&query.partner_type)),
        regions: region_filter_options(&query.region),
        owners: owners
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.name.clone(),
                selected: query.owner == u.id.to_string(),
            })
            .collect(),
        sorts: [
            ("name", "Name A–Z"),
            ("-name", "Name Z–A"),
            ("-updated", "Recently updated"),
            ("updated", "Least recently updated"),
        ]
        .iter()
        .map(|(v, l)| Opt {
            value: (*v).into(),
            label: (*l).into(),
            selected: query.sort == *v,
        })
        .collect(),
        archived: query.archived,
        in_program: query.in_program,
        health: domain::insight::Band::ALL
            .iter()
            .map(|band| (band.key(), band.label()))
            .chain([(services::partners::NO_BAND, "No data yet")])
            .map(|(key, label)| Opt {
                value: key.into(),
                label: label.into(),
                selected: query.health.trim() == key,
            })
            .collect(),
        rows: page
            .items
            .iter()
            .map(|p| PartnerRow::from(p, &program, &auth.zone()))
            .collect(),
        next_link: page
            .next_cursor
            .map(|c| format!("/partners?{}", query_string(&query, &c))),
        first_link: (!query.cursor.is_empty())
            .then(|| format!("/partners?{}", query_string(&query, ""))),
        can_create: auth.actor.may(Action::ManagePartners),
        show_filters: auth.actor.may(Action::ReadInternal),
        errors: Errors::from(errors),
    };
    Ok(render(view))
}

#[derive(Template)]
#[template(path = "partners/partner_form.html")]
struct PartnerFormPage {
    layout: Layout,
    action: String,
    cancel: String,
    is_new: bool,
    csrf_token: String,
    input: PartnerInput,
    domains: String,
    industries: String,
    types: Vec<Opt>,
    models: Vec<Opt>,
    regions: Vec<Opt>,
    tiers: Vec<Opt>,
    /// On edit: the tier's name (it changes through tier decisions, not this form).
    current_tier: String,
    stages: Vec<Opt>,
    owners: Vec<Opt>,
    errors: Errors,
}

async fn partner_form(
    state: &AppState,
    auth: &PageAuth,
    partner: Option<&Partner>,
    input: PartnerInput,
    errors: Vec<FieldError>,
) -> PageResult {
    let owners = state
        .services
        .list_partner_owners(&auth.actor)
        .await
        .map_err(service_error)?;
    let owner = input.owner_id.map(|id| id.to_string()).unwrap_or_default();
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let stage_choices: Vec<Opt> = match partner {
        Some(p) => {
            let mut allowed = vec![p.stage];
            allowed.extend_from_slice(p.stage.next_stages());
            allowed
                .iter()
                .map(|s| Opt {
                    value: s.as_str().into(),
                    label: s.label().into(),
                    selected: input.stage == s.as_str(),
                })
                .collect()
        }
        None => options::<LifecycleStage>(std::slice::from_ref(&input.stage))
            .into_iter()
            .filter(|o| o.value != "exited")
            .collect(),
    };
    let view = PartnerFormPage {
        layout: auth.layout(
            partner
                .map(|p| format!("Edit {}", p.display_name))
                .unwrap_or_else(|| "New partner".into()),
        ),
        action: partner
            .map(|p| format!("/partners/{}", p.id))
            .unwrap_or_else(|| "/partners".into()),
        cancel: partner
            .map(|p| format!("/partners/{}", p.id))
            .unwrap_or_else(|| "/partners".into()),
        is_new: partner.is_none(),
        csrf_token: auth.csrf_token.clone(),
        domains: input.domains.join(", "),
        industries: input.industries.join(", "),
        types: options::<PartnerType>(std::slice::from_ref(&input.partner_type)),
        models: options::<GtmModel>(std::slice::from_ref(&input.gtm_model)),
        regions: options::<Region>(&input.regions),
        tiers: tier_options(&program, &input.tier),
        current_tier: partner
            .map(|p| program.tier_name(&p.tier).to_owned())
            .unwrap_or_default(),
        stages: stage_choices,
        owners: owners
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.name.clone(),
                selected: owner == u.id.to_string(),
            })
            .collect(),
        input,
        errors: Errors::from(errors),
    };
    let status = if view.errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(view)).into_response())
}

async fn new_partner(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    if !auth.actor.may(Action::ManagePartners) {
        return Err(service_error(services::Error::Forbidden(
            "only admins and partner managers create partners".into(),
        )));
    }
    let input = PartnerInput {
        tier: "registered".into(),
        stage: "prospect".into(),
        owner_id: auth
            .actor
            .user_id
            .filter(|_| permissions::owns_partners_created(auth.actor.role)),
        ..Default::default()
    };
    partner_form(&state, &auth, None, input, Vec::new()).await
}

/// Reads the partner form; an owner that is not an id is reported like any other bad field
/// (read apart, as serde would refuse the whole form).
fn partner_input(form: &Form) -> Result<(PartnerInput, Vec<FieldError>), Response> {
    let owner_text = form.get("owner_id");
    let mut errors = Vec::new();
    let owner_id = if owner_text.trim().is_empty() {
        None
    } else {
        Uuid::parse_str(owner_text.trim())
            .map_err(|_| {
                errors.push(FieldError {
                    field: "owner_id".into(),
                    message: "choose an owner from the list".into(),
                })
            })
            .ok()
    };
    let input = PartnerInput {
        owner_id,
        ..form.input(&["owner_id"])?
    };
    Ok((input, errors))
}

async fn create_partner(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let (input, errors) = partner_input(&form)?;
    if !errors.is_empty() {
        return partner_form(&state, &auth, None, input, errors).await;
    }
    match state.services.create_partner(&auth.actor, &input).await {
        Ok(partner) => Ok(see_other(&format!("/partners/{}", partner.id))),
        Err(services::Error::Invalid(errors)) => {
            partner_form(&state, &auth, None, input, errors).await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn edit_partner(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
) -> PageResult {
    let partner = state
        .services
        .get_partner(&auth.actor, id)
        .await
        .map_err(service_error)?;
    if !auth.actor.may(Action::ManagePartners) {
        return Err(service_error(services::Error::Forbidden(
            "only admins and partner managers edit partners".into(),
        )));
    }
    partner_form(
        &state,
        &auth,
        Some(&partner),
        partner.to_input(),
        Vec::new(),
    )
    .await
}

async fn update_partner(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let partner = state
        .services
        .get_partner(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let (input, errors) = partner_input(&form)?;
    if !errors.is_empty() {
        return partner_form(&state, &auth, Some(&partner), input, errors).await;
    }
    match state.services.update_partner(&auth.actor, id, &input).await {
        Ok(_) => Ok(see_other(&format!("/partners/{id}"))),
        Err(services::Error::Invalid(errors)) => {
            partner_form(&state, &auth, Some(&partner), input, errors).await
        }
        Err(other) => Err(service_error(other)),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TimelineParams {
    before: String,
    quarter: String,
}

/// The partner page's overview. The page's older addresses still lead where they did: a
/// quarter to edit opens the tier section, an older timeline page the timeline.
async fn partner_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    Query(q): Query<TimelineParams>,
) -> PageResult {
    let tab = if !q.quarter.is_empty() {
        Tab::Tier
    } else if !q.before.is_empty() {
        Tab::Timeline
    } else {
        Tab::Overview
    };
    show_section(&state, &auth, id, tab, q).await
}

/// A section of the partner page at its own address.
fn section(tab: Tab) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              auth: PageAuth,
              PageId(id): PageId,
              Query(q): Query<TimelineParams>| async move {
            show_section(&state, &auth, id, tab, q).await
        },
    )
}

async fn show_section(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    tab: Tab,
    q: TimelineParams,
) -> PageResult {
    let forms = PartnerPageForms {
        quarter: q.quarter,
        ..Default::default()
    };
    partner_view(state, auth, id, tab, &q.before, forms).await
}

async fn change_stage(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // Confirming an exit is the page's own check box; the API's caller means what it sends.
    let change: StageChange = form.input(&["confirm_exit"])?;
    let to = LifecycleStage::parse(change.stage.trim());
    let changed = if to.is_some_and(LifecycleStage::ends_access)
        && form.get("confirm_exit") != "yes"
    {
        let mut errors = vec![FieldError {
            field: "confirm_exit".into(),
            message: "tick the box to confirm: every sign-in and API token of this partner's \
                      people ends at once"
                .into(),
        }];
        if let Some(problem) = to.and_then(|to| to.note_problem(&change.note)) {
            errors.push(FieldError {
                field: "note".into(),
                message: problem.into(),
            });
        }
        Err(services::Error::Invalid(errors))
    } else {
        // The stage the form was shown at: someone else's move since makes it stale (409).
        state
            .services
            .change_partner_stage_from(&auth.actor, id, &change.from, &change.stage, &change.note)
            .await
    };
    match changed {
        Ok(_) => Ok(see_other(&format!("/partners/{id}"))),
        Err(services::Error::Invalid(stage_errors)) => {
            partner_view(
                &state,
                &auth,
                id,
                Tab::Overview,
                "",
                PartnerPageForms {
                    stage_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn archive_partner(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    state
        .services
        .archive_partner(&auth.actor, id)
        .await
        .map_err(service_error)?;
    Ok(see_other(&format!("/partners/{id}")))
}

async fn restore_partner(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    state
        .services
        .restore_partner(&auth.actor, id)
        .await
        .map_err(service_error)?;
    Ok(see_other(&format!("/partners/{id}")))
}
