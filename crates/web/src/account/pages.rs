//! Signing in and out (with the sign-in form's own CSRF cookie and the rate limit), and the
//! account page: password, time zone and API tokens.

use crate::AppState;
use crate::account::api::{AccountChange, NewToken, PasswordChange};
use crate::auth::{self, PageAuth};
use crate::extract::{Form, PageId, first};
use crate::format::moment;
use crate::layout::{Errors, Layout};
use crate::respond::{PageResult, render, see_other, service_error};
use crate::security;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::FieldError;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/time-zone", post(set_time_zone))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    csrf_token: String,
    error: Option<String>,
}

fn login_form(
    state: &AppState,
    status: StatusCode,
    email: String,
    next: String,
    error: Option<String>,
) -> Response {
    let csrf_token = Uuid::new_v4().simple().to_string();
    let page = LoginPage {
        layout: Layout {
            title: "Sign in".into(),
            nav: None,
        },
        email,
        next: security::safe_next(&next),
        csrf_token: csrf_token.clone(),
        error,
    };
    let cookie = auth::set_cookie(state, auth::LOGIN_CSRF_COOKIE, &csrf_token, Some(3600));
    (status, [(header::SET_COOKIE, cookie)], render(page)).into_response()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NextParam {
    next: String,
}

async fn login_page(State(state): State<AppState>, Query(q): Query<NextParam>) -> Response {
    login_form(&state, StatusCode::OK, String::new(), q.next, None)
}

/// The sign-in form as posted; a field missing (or a body that is no form) reads as empty, a
/// repeated one as its first value.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SignInForm {
    #[serde(deserialize_with = "first")]
    email: String,
    #[serde(deserialize_with = "first")]
    password: String,
    #[serde(deserialize_with = "first")]
    next: String,
    #[serde(deserialize_with = "first")]
    csrf_token: String,
}

async fn login(State(state): State<AppState>, mut parts: Parts, body: Bytes) -> Response {
    let form: SignInForm = serde_html_form::from_bytes(&body).unwrap_or_default();
    let SignInForm {
        email,
        password,
        next,
        csrf_token,
    } = form;
    let expected = auth::cookie(&parts, auth::LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::same_secret(expected, &csrf_token) {
        return login_form(
            &state,
            StatusCode::FORBIDDEN,
            email,
            next,
            Some("The sign-in form expired. Please try again.".into()),
        );
    }
    let ip = auth::client_ip(&mut parts, &state).await;
    let previous = auth::cookie(&parts, auth::SESSION_COOKIE);
    match state
        .services
        .sign_in(&email, &password, &ip, previous)
        .await
    {
        Ok(session) => {
            let cookie = auth::set_cookie(&state, auth::SESSION_COOKIE, &session.token, None);
            let clear = auth::set_cookie(&state, auth::LOGIN_CSRF_COOKIE, "", Some(0));
            let mut response = see_other(&security::safe_next(&next));
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie.parse().expect("cookie is a header value"),
            );
            response.headers_mut().append(
                header::SET_COOKIE,
                clear.parse().expect("cookie is a header value"),
            );
            response
        }
        Err(services::Error::Invalid(errors)) => {
            let message = errors
                .into_iter()
                .next()
                .map(|e| e.message)
                .unwrap_or_default();
            login_form(
                &state,
                StatusCode::UNAUTHORIZED,
                email,
                next,
                Some(capitalise(&message)),
            )
        }
        Err(services::Error::RateLimited { retry_after_secs }) => {
            let wait = security::wait_text(retry_after_secs);
            let text = format!("Too many failed sign-ins. Try again in {wait}.");
            let page = login_form(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                email,
                next,
                Some(text),
            );
            security::retry_after(page, retry_after_secs)
        }
        Err(other) => service_error(other),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn logout(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    state
        .services
        .sign_out(&auth.session_token)
        .await
        .map_err(service_error)?;
    let clear = auth::set_cookie(&state, auth::SESSION_COOKIE, "", Some(0));
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    csrf_token: String,
    email: String,
    tokens: Vec<TokenView>,
    new_secret: Option<String>,
    password_errors: Errors,
    token_errors: Errors,
    zone_errors: Errors,
    time_zone: String,
    zones: Vec<String>,
    notice: Option<String>,
}

pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Default)]
struct AccountForms {
    new_secret: Option<String>,
    password_errors: Vec<FieldError>,
    token_errors: Vec<FieldError>,
    zone_errors: Vec<FieldError>,
    time_zone: Option<String>,
    notice: Option<String>,
}

async fn account_view(state: &AppState, auth: &PageAuth, forms: AccountForms) -> PageResult {
    let zone = auth.zone();
    let tokens = state
        .services
        .list_api_tokens(&auth.actor, &services::PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let has_errors = !(forms.password_errors.is_empty()
        && forms.token_errors.is_empty()
        && forms.zone_errors.is_empty());
    let view = AccountPage {
        layout: auth.layout("Your account"),
        csrf_token: auth.csrf_token.clone(),
        email: auth.user.email.clone(),
        tokens: tokens
            .iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name.clone(),
                prefix: t.prefix.clone(),
                created: moment(&t.created_at, &zone),
                last_used: t
                    .last_used_at
                    .as_ref()
                    .map(|at| moment(at, &zone))
                    .unwrap_or_else(|| "never".into()),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        new_secret: forms.new_secret,
        password_errors: Errors::from(forms.password_errors),
        token_errors: Errors::from(forms.token_errors),
        zone_errors: Errors::from(forms.zone_errors),
        time_zone: forms
            .time_zone
            .unwrap_or_else(|| auth.user.time_zone.clone()),
        zones: domain::time_zone::names()
            .iter()
            .map(|name| name.to_string())
            .collect(),
        notice: forms.notice,
    };
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, [(header::CACHE_CONTROL, "no-store")], render(view)).into_response())
}

async fn account_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    account_view(&state, &auth, AccountForms::default()).await
}

async fn change_password(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // Typing the new password twice is the page's own check; the API takes it once.
    let change: PasswordChange = form.input(&["confirm_password"])?;
    if change.new_password != form.get("confirm_password") {
        let password_errors = vec![FieldError {
            field: "confirm_password".into(),
            message: "does not match the new password".into(),
        }];
        return account_view(
            &state,
            &auth,
            AccountForms {
                password_errors,
                ..Default::default()
            },
        )
        .await;
    }
    match state
        .services
        .change_own_password(
            &auth.actor,
            &change.current_password,
            &change.new_password,
            true,
        )
        .await
    {
        Ok(Some(session)) => {
            let cookie = auth::set_cookie(&state, auth::SESSION_COOKIE, &session.token, None);
            Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to("/account?changed=1"),
            )
                .into_response())
        }
        Ok(None) => Ok(see_other("/login")),
        Err(services::Error::Invalid(password_errors)) => {
            account_view(
                &state,
                &auth,
                AccountForms {
                    password_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn set_time_zone(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let AccountChange { time_zone } = form.input(&[])?;
    match state
        .services
        .set_own_time_zone(&auth.actor, &time_zone)
        .await
    {
        Ok(_) => Ok(see_other("/account")),
        Err(services::Error::Invalid(zone_errors)) => {
            account_view(
                &state,
                &auth,
                AccountForms {
                    zone_errors,
                    time_zone: Some(time_zone),
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn create_token(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    match state
        .services
        .create_api_token(&auth.actor, &form.input::<NewToken>(&[])?.name)
        .await
    {
        Ok((_, secret)) => {
            account_view(
                &state,
                &auth,
                AccountForms {
                    new_secret: Some(secret),
                    ..Default::default()
                },
            )
            .await
        }
        Err(services::Error::Invalid(token_errors)) => {
            account_view(
                &state,
                &auth,
                AccountForms {
                    token_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    let token = state
        .services
        .revoke_api_token(&auth.actor, id)
        .await
        .map_err(service_error)?;
    account_view(
        &state,
        &auth,
        AccountForms {
            notice: Some(format!("Token '{}' revoked.", token.name)),
            ..Default::default()
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::SignInForm;

    #[test]
    fn the_sign_in_form_reads_its_fields_by_name() {
        let form: SignInForm = serde_html_form::from_bytes(
            b"email=a%40b.test&password=p+w%26&next=%2Fdeals%3Fq%3D1&csrf_token=t&extra=1",
        )
        .unwrap();
        assert_eq!(form.email, "a@b.test");
        assert_eq!(form.password, "p w&");
        assert_eq!(form.next, "/deals?q=1");
        assert_eq!(form.csrf_token, "t");
        let first: SignInForm = serde_html_form::from_bytes(b"email=x&email=y").unwrap();
        assert_eq!(
            first.email, "x",
            "a repeated field reads as its first value"
        );
        let none: SignInForm = serde_html_form::from_bytes(b"").unwrap();
        assert!(none.email.is_empty() && none.csrf_token.is_empty());
    }
}
