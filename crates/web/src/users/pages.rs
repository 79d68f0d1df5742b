//! The users page (everyone for admins, their organisation for partner admins) and the
//! partner page's form that gives a partner's person a portal account.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::layout::{Errors, Layout, Opt};
use crate::partner_page::{PartnerPageForms, Tab, partner_view};
use crate::respond::{PageResult, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::users::NewUserInput;
use domain::{Choice, FieldError};
use services::PageRequest;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(users_page).post(create_user))
        .route("/users/{id}/disable", post(disable_user))
        .route("/users/{id}/enable", post(enable_user))
        .route("/partners/{id}/users", post(add_portal_user))
}

#[derive(Template)]
#[template(path = "users/users.html")]
struct UsersPage {
    layout: Layout,
    csrf_token: String,
    users: Vec<UserView>,
    roles: Vec<Opt>,
    email: String,
    name: String,
    errors: Errors,
    partner_side: bool,
}

pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: &'static str,
    pub partner_link: Option<String>,
    pub disabled: bool,
    /// Whether the account lets its holder in, in words.
    pub access: &'static str,
    pub is_me: bool,
}

async fn users_view(
    state: &AppState,
    auth: &PageAuth,
    input: NewUserInput,
    errors: Vec<FieldError>,
) -> PageResult {
    let users = state
        .services
        .list_users(&auth.actor, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let role = auth.actor.role;
    let assignable = domain::permissions::assignable_on_users_list(role);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = UsersPage {
        layout: auth.layout("Users"),
        csrf_token: auth.csrf_token.clone(),
        users: users
            .iter()
            .map(|entry| {
                let u = &entry.user;
                UserView {
                    id: u.id,
                    email: u.email.clone(),
                    name: u.name.clone(),
                    role: u.role.label(),
                    partner_link: u.partner_id.map(|p| format!("/partners/{p}")),
                    disabled: u.disabled_at.is_some(),
                    access: entry.access.label(),
                    is_me: Some(u.id) == auth.actor.user_id,
                }
            })
            .collect(),
        roles: assignable
            .iter()
            .map(|r| Opt {
                value: r.as_str().into(),
                label: r.label().into(),
                selected: input.role == r.as_str(),
            })
            .collect(),
        email: input.email,
        name: input.name,
        errors: Errors::from(errors),
        partner_side: role.is_partner_side(),
    };
    Ok((status, render(view)).into_response())
}

async fn users_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    users_view(&state, &auth, NewUserInput::default(), Vec::new()).await
}

async fn create_user(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // A partner's own people add colleagues to their own organisation only.
    let input = NewUserInput {
        partner_id: auth.actor.partner_id,
        ..form.input(&["partner_id"])?
    };
    match state.services.create_user(&auth.actor, &input).await {
        Ok(_) => Ok(see_other("/users")),
        Err(services::Error::Invalid(errors)) => users_view(&state, &auth, input, errors).await,
        Err(other) => Err(service_error(other)),
    }
}

async fn disable_user(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    state
        .services
        .set_user_disabled(&auth.actor, id, true)
        .await
        .map_err(service_error)?;
    Ok(see_other("/users"))
}

async fn enable_user(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    state
        .services
        .set_user_disabled(&auth.actor, id, false)
        .await
        .map_err(service_error)?;
    Ok(see_other("/users"))
}

async fn add_portal_user(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input = NewUserInput {
        partner_id: Some(id),
        ..form.input(&["partner_id"])?
    };
    match state.services.create_user(&auth.actor, &input).await {
        Ok(_) => Ok(see_other(&format!("/partners/{id}/contacts#users"))),
        Err(services::Error::Invalid(user_errors)) => {
            partner_view(
                &state,
                &auth,
                id,
                Tab::Contacts,
                "",
                PartnerPageForms {
                    user_email: input.email,
                    user_name: input.name,
                    user_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}
