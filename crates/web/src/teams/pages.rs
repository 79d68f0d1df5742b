//! The RACI page, a team's page with its membership forms, the stakeholder map and the form
//! that edits a team's entry on it.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::Form;
use crate::layout::{Errors, Layout, Opt};
use crate::respond::{PageResult, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::FieldError;
use domain::permissions::Action;
use domain::teams::StakeholderInput;
use services::PageRequest;
use services::teams::{LeadInput, MemberInput, MemberView, StakeholderEntry, TeamView};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/raci", get(raci_page))
        .route("/stakeholder-map", get(stakeholder_map_page))
        .route("/teams/{key}", get(team_page))
        .route("/teams/{key}/members", post(add_member))
        .route("/teams/{key}/members/{user_id}/remove", post(remove_member))
        .route("/teams/{key}/lead", post(name_lead))
        .route(
            "/teams/{key}/stakeholder",
            get(stakeholder_form).post(edit_stakeholder),
        )
}

#[derive(Clone)]
struct TeamColumn {
    key: &'static str,
    label: &'static str,
}

struct RaciRow {
    label: String,
    /// One per team column: the part in words (Responsible, …), or empty.
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "teams/raci.html")]
struct RaciPage {
    layout: Layout,
    /// The matrix's columns: the teams some activity names.
    columns: Vec<TeamColumn>,
    /// Every team, for the list of team pages.
    teams: Vec<TeamColumn>,
    rows: Vec<RaciRow>,
    /// (activity, team) where the team taking the activity's work has no one on it.
    unstaffed: Vec<(String, String)>,
}

async fn raci_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let activities = state
        .services
        .raci(&auth.actor, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let teams: Vec<TeamColumn> = domain::teams::ALL
        .into_iter()
        .map(|t| TeamColumn {
            key: t.key(),
            label: domain::teams::label(t),
        })
        .collect();
    // A column no activity names would be empty from top to bottom: it is left out.
    let columns: Vec<TeamColumn> = teams
        .iter()
        .filter(|t| {
            activities
                .iter()
                .any(|a| a.parts.iter().any(|p| p.team == t.key))
        })
        .cloned()
        .collect();
    let unstaffed = activities
        .iter()
        .filter_map(|a| Some((a.label.clone(), a.unstaffed_queue.clone()?)))
        .collect();
    let rows = activities
        .into_iter()
        .map(|a| RaciRow {
            cells: columns
                .iter()
                .map(|t| {
                    a.parts
                        .iter()
                        .find(|p| p.team == t.key)
                        .map(|p| p.word.clone())
                        .unwrap_or_default()
                })
                .collect(),
            label: a.label,
        })
        .collect();
    Ok(render(RaciPage {
        layout: auth.layout("Teams and RACI"),
        columns,
        teams,
        rows,
        unstaffed,
    }))
}

#[derive(Template)]
#[template(path = "teams/team.html")]
struct TeamPage {
    layout: Layout,
    csrf_token: String,
    team: TeamView,
    updated_at: String,
    manage: bool,
    edit_stakeholder: bool,
    candidates: Vec<MemberView>,
    member_errors: Errors,
    lead_errors: Errors,
    problem: Option<String>,
}

/// What went wrong with one of the team page's forms, shown beside it.
#[derive(Default)]
struct TeamForms {
    member: Vec<FieldError>,
    lead: Vec<FieldError>,
    problem: Option<String>,
}

async fn team_view(
    state: &AppState,
    auth: &PageAuth,
    key: &str,
    status: StatusCode,
    forms: TeamForms,
) -> PageResult {
    let team = state
        .services
        .team(&auth.actor, key)
        .await
        .map_err(service_error)?;
    let manage = auth.actor.may(Action::ManageTeams);
    let candidates = if manage {
        state
            .services
            .team_candidates(&auth.actor, key)
            .await
            .map_err(service_error)?
    } else {
        Vec::new()
    };
    let view = TeamPage {
        layout: auth.layout(format!("{} team", team.label)),
        csrf_token: auth.csrf_token.clone(),
        updated_at: team
            .stakeholder
            .updated_at
            .map(|at| crate::format::moment(&at, &auth.zone()))
            .unwrap_or_default(),
        team,
        manage,
        edit_stakeholder: auth.actor.may(Action::EditStakeholderMap),
        candidates,
        member_errors: Errors::from(forms.member),
        lead_errors: Errors::from(forms.lead),
        problem: forms.problem,
    };
    Ok((status, render(view)).into_response())
}

async fn team_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(key): Path<String>,
) -> PageResult {
    team_view(&state, &auth, &key, StatusCode::OK, TeamForms::default()).await
}

/// After a membership form: back to the team, or the page again with what went wrong.
async fn after_team_form<T>(
    state: &AppState,
    auth: &PageAuth,
    key: &str,
    result: services::Result<T>,
    lead_form: bool,
) -> PageResult {
    let (status, forms) = match result {
        Ok(_) => return Ok(see_other(&format!("/teams/{key}#members"))),
        Err(services::Error::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            if lead_form {
                TeamForms {
                    lead: errors,
                    ..Default::default()
                }
            } else {
                TeamForms {
                    member: errors,
                    ..Default::default()
                }
            },
        ),
        Err(services::Error::Conflict(why)) => (
            StatusCode::CONFLICT,
            TeamForms {
                problem: Some(why),
                ..Default::default()
            },
        ),
        Err(other) => return Err(service_error(other)),
    };
    team_view(state, auth, key, status, forms).await
}

async fn add_member(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(key): Path<String>,
    body: Bytes,
) -> PageResult {
    let input: MemberInput = auth.checked_form(&body)?;
    let result = state
        .services
        .add_team_member(&auth.actor, &key, &input)
        .await;
    after_team_form(&state, &auth, &key, result, false).await
}

async fn remove_member(
    State(state): State<AppState>,
    auth: PageAuth,
    Path((key, user_id)): Path<(String, Uuid)>,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    let result = state
        .services
        .remove_team_member(&auth.actor, &key, user_id)
        .await;
    after_team_form(&state, &auth, &key, result, false).await
}

async fn name_lead(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(key): Path<String>,
    body: Bytes,
) -> PageResult {
    let input: LeadInput = auth.checked_form(&body)?;
    let result = state
        .services
        .set_team_lead(&auth.actor, &key, &input)
        .await;
    after_team_form(&state, &auth, &key, result, true).await
}

struct EntryView {
    entry: StakeholderEntry,
    updated_at: String,
}

#[derive(Template)]
#[template(path = "teams/stakeholder_map.html")]
struct StakeholderMapPage {
    layout: Layout,
    entries: Vec<EntryView>,
    edit: bool,
}

async fn stakeholder_map_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let entries = state
        .services
        .stakeholder_map(&auth.actor, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let zone = auth.zone();
    Ok(render(StakeholderMapPage {
        layout: auth.layout("Stakeholder map"),
        entries: entries
            .into_iter()
            .map(|entry| EntryView {
                updated_at: entry
                    .stakeholder
                    .updated_at
                    .map(|at| crate::format::moment(&at, &zone))
                    .unwrap_or_default(),
                entry,
            })
            .collect(),
        edit: auth.actor.may(Action::EditStakeholderMap),
    }))
}

#[derive(Template)]
#[template(path = "teams/stakeholder_form.html")]
struct StakeholderForm {
    layout: Layout,
    csrf_token: String,
    team: TeamView,
    /// When the saved entry was last edited, in the reader's time zone.
    updated_at: String,
    input: StakeholderInput,
    people: Vec<Opt>,
    errors: Errors,
    /// Someone else's edit got there first: what they saved is shown above the form.
    conflict: Option<String>,
}

async fn stakeholder_view(
    state: &AppState,
    auth: &PageAuth,
    key: &str,
    typed: Option<StakeholderInput>,
    errors: Vec<FieldError>,
    conflict: Option<String>,
) -> PageResult {
    // Only those who may edit see the form; others get the refusal, not an empty form.
    if !auth.actor.may(Action::EditStakeholderMap) {
        return Err(service_error(services::Error::Forbidden(
            Action::EditStakeholderMap.refusal(),
        )));
    }
    let team = state
        .services
        .team(&auth.actor, key)
        .await
        .map_err(service_error)?;
    let people = state
        .services
        .internal_people(&auth.actor)
        .await
        .map_err(service_error)?;
    let saved = &team.stakeholder;
    let mut input = typed.unwrap_or_else(|| StakeholderInput {
        version: String::new(),
        decision_maker: saved.decision_maker.clone(),
        cares_about: saved.cares_about.clone(),
        blockers: saved.blockers.clone(),
        champion_user_id: saved
            .champion
            .as_ref()
            .and_then(|c| c.user_id)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        champion_name: saved
            .champion
            .as_ref()
            .filter(|c| c.user_id.is_none())
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    });
    // After a conflict the next save is made knowingly over what is shown as saved.
    if conflict.is_some() || input.version.is_empty() {
        input.version = saved.version.to_string();
    }
    let status = if conflict.is_some() {
        StatusCode::CONFLICT
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = StakeholderForm {
        layout: auth.layout(format!("Stakeholder map: {} team", team.label)),
        csrf_token: auth.csrf_token.clone(),
        people: std::iter::once(Opt {
            value: String::new(),
            label: "No account (name below)".into(),
            selected: input.champion_user_id.is_empty(),
        })
        .chain(people.iter().map(|p| Opt {
            value: p.user_id.to_string(),
            label: format!("{} ({})", p.name, p.email),
            selected: input.champion_user_id == p.user_id.to_string(),
        }))
        .collect(),
        updated_at: team
            .stakeholder
            .updated_at
            .map(|at| crate::format::moment(&at, &auth.zone()))
            .unwrap_or_default(),
        team,
        input,
        errors: Errors::from(errors),
        conflict,
    };
    Ok((status, render(view)).into_response())
}

async fn stakeholder_form(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(key): Path<String>,
) -> PageResult {
    stakeholder_view(&state, &auth, &key, None, Vec::new(), None).await
}

async fn edit_stakeholder(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(key): Path<String>,
    body: Bytes,
) -> PageResult {
    let input: StakeholderInput = auth.checked_form(&body)?;
    match state
        .services
        .edit_stakeholder(&auth.actor, &key, &input)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/teams/{key}#stakeholder"))),
        Err(services::Error::Invalid(errors)) => {
            stakeholder_view(&state, &auth, &key, Some(input), errors, None).await
        }
        Err(services::Error::Conflict(why)) => {
            stakeholder_view(&state, &auth, &key, Some(input), Vec::new(), Some(why)).await
        }
        Err(other) => Err(service_error(other)),
    }
}
