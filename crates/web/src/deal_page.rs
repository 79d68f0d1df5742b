//! A deal registration's page: the registration, its decisions, pipeline, activities, outcome,
//! confirmations for credit and a link to its conflict case (an escalation case, worked on
//! its own page). The features whose forms sit on it (`deals`, `pipeline`) answer through
//! [`deal_result`]: back to the page, or the page again with what was wrong.

use crate::AppState;
use crate::auth::PageAuth;
use crate::layout::{Layout, Opt, select_one};
use crate::respond::{PageResult, form_problems, render, see_other, service_error};
use askama::Template;
use axum::response::IntoResponse;
use domain::Choice;
use domain::deals::registration::{ForecastCategory, Stage, Status};
use domain::permissions::Action;
use services::deals::{ActivityView, DealView};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "deal.html")]
struct DealPage {
    layout: Layout,
    csrf_token: String,
    d: DealView,
    activities: Vec<ActivityView>,
    can_decide: bool,
    /// Admins and partner managers: decide extension requests.
    can_manage: bool,
    can_work: bool,
    stages: Vec<Opt>,
    forecasts: Vec<Opt>,
    errors: Vec<String>,
    /// Internal users who may be assigned as AE or SE (editors only), the assigned selected.
    ae_people: Vec<Opt>,
    se_people: Vec<Opt>,
    /// A won registration: whether we confirmed the win.
    win: Option<services::deals::credit::WinStatus>,
    /// Our people who confirm wins and partners' joint calls.
    can_confirm: bool,
}

pub(crate) async fn deal_view(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    errors: Vec<String>,
) -> PageResult {
    let d = state
        .services
        .deal(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let activities = state
        .services
        .deal_activities(&auth.actor, id, &services::PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let people: Vec<Opt> = if auth.actor.may(Action::ManageDeals) {
        state
            .services
            .assignable_people(&auth.actor)
            .await
            .map_err(service_error)?
            .into_iter()
            .map(|(id, label)| Opt {
                value: id.to_string(),
                label,
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mark = |chosen: Option<Uuid>| -> Vec<Opt> {
        people
            .iter()
            .map(|p| Opt {
                value: p.value.clone(),
                label: p.label.clone(),
                selected: chosen.is_some_and(|id| id.to_string() == p.value),
            })
            .collect()
    };
    let (ae_people, se_people) = (mark(d.ae_user_id), mark(d.se_user_id));
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = DealPage {
        layout: auth.layout(format!("{} · {}", d.reference, d.customer_name)),
        csrf_token: auth.csrf_token.clone(),
        can_decide: auth.actor.may(Action::ManageDeals) && matches!(d.status, Status::Submitted),
        can_manage: auth.actor.may(Action::ManageDeals),
        can_work: auth.actor.may(Action::WorkDeals),
        win: state
            .services
            .win_status(&auth.actor, id)
            .await
            .map_err(service_error)?,
        can_confirm: auth.actor.may(Action::ConfirmCredit),
        stages: select_one::<Stage>(d.stage.as_deref().unwrap_or_default()),
        forecasts: select_one::<ForecastCategory>(&d.forecast_category),
        d,
        activities,
        errors,
        ae_people,
        se_people,
    };
    Ok((status, render(view)).into_response())
}

/// Back to the registration's page, or the page again with what was wrong.
pub(crate) async fn deal_result<T>(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    result: services::Result<T>,
) -> PageResult {
    let Some(errors) = form_problems(result)? else {
        return Ok(see_other(&format!("/deals/{id}")));
    };
    deal_view(state, auth, id, errors).await
}
