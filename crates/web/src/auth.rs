//! Who is calling: session cookies for people, bearer tokens for machines, and the CSRF
//! defences (same-origin check, per-session form token, API header token).

use crate::AppState;
use crate::layout::{Layout, Nav};
use crate::problem::Problem;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_client_ip::RightmostXForwardedFor;
use domain::Choice;
use domain::permissions::Action;
use domain::time_zone::TimeZone;
use services::Actor;

pub const SESSION_COOKIE: &str = "partneros_session";
/// Double-submit token protecting the sign-in form, which has no session yet.
pub const LOGIN_CSRF_COOKIE: &str = "partneros_login";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of the request's cookie `name`, from its `Cookie` headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name_raw() == Some(name))
        .and_then(|c| c.value_raw())
}

/// A `Set-Cookie` value: the whole site's, out of scripts' reach, sent on same-site requests
/// and top-level navigations; `Secure` when served over TLS. `Max-Age=0` deletes it.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> String {
    let mut cookie = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax);
    if let Some(age) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(age));
    }
    if state.secure_cookies {
        cookie = cookie.secure(true);
    }
    cookie.to_string()
}

/// Compares secrets in time independent of where they differ (`subtle`'s constant-time
/// equality; only the length, which is not secret, ends it early).
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The client's address for rate limits. Behind `--trust-proxy` it is the rightmost
/// `X-Forwarded-For` entry: the one our proxy appended, whereas every entry to its left came
/// from the client and could be anything. Without that header: the connection's address.
pub async fn client_ip(parts: &mut Parts, state: &AppState) -> String {
    if state.trust_proxy
        && let Ok(RightmostXForwardedFor(ip)) =
            RightmostXForwardedFor::from_request_parts(parts, state).await
    {
        return ip.to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses state-changing requests that a browser says come from another site.
pub async fn origin_check(request: Request, next: Next) -> Response {
    if is_unsafe(request.method()) {
        let headers = request.headers();
        let cross_site =
            headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .filter(|o| *o != "null")
            .map(|o| o.split_once("://").map(|(_, rest)| rest).unwrap_or(o));
        let foreign_origin =
            matches!((origin_host, host), (Some(origin), Some(host)) if origin != host);
        if cross_site || foreign_origin {
            return Problem::new(StatusCode::FORBIDDEN, "csrf", "cross-site request refused")
                .into_response();
        }
    }
    next.run(request).await
}

/// An API caller: a bearer token, or a browser session that also sends its CSRF token.
pub struct ApiAuth {
    pub actor: Actor,
}

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let services = &state.services;
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let secret = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("")
                .trim()
                .to_owned();
            let ip = client_ip(parts, state).await;
            let actor = services.token_actor(&secret, &ip).await?;
            return Ok(ApiAuth { actor });
        }
        let token = cookie(parts, SESSION_COOKIE).ok_or(services::Error::Unauthenticated)?;
        let session = services.session(token).await?;
        if is_unsafe(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, &session.csrf_token) {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "a browser session must send its CSRF token in the X-CSRF-Token header",
                ));
            }
        }
        Ok(ApiAuth {
            actor: session.actor,
        })
    }
}

/// A signed-in person on a portal page. Without a valid session: back to the sign-in page.
pub struct PageAuth {
    pub actor: Actor,
    pub user: domain::users::User,
    pub csrf_token: String,
    pub session_token: String,
    /// Shown in the navigation.
    pub unread_notifications: i64,
}

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let to_login = || {
            let next = if parts.method == Method::GET {
                next
            } else {
                "/"
            };
            Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
        };
        let Some(token) = cookie(parts, SESSION_COOKIE).map(str::to_owned) else {
            return Err(to_login());
        };
        let session = match state.services.session(&token).await {
            Ok(session) => session,
            Err(services::Error::Unauthenticated) => return Err(to_login()),
            Err(other) => return Err(Problem::from(other).into_response()),
        };
        let unread_notifications = state
            .services
            .unread_notifications(&session.actor)
            .await
            .map_err(|e| Problem::from(e).into_response())?;
        Ok(PageAuth {
            actor: session.actor,
            user: session.user,
            csrf_token: session.csrf_token,
            session_token: token,
            unread_notifications,
        })
    }
}

impl PageAuth {
    /// The frame of a page for this person: the title, and the navigation their role may use.
    pub fn layout(&self, title: impl Into<String>) -> Layout {
        let role = self.actor.role;
        Layout {
            title: title.into(),
            nav: Some(Nav {
                user_name: self.user.name.clone(),
                role: role.label(),
                csrf_token: self.csrf_token.clone(),
                internal: Action::ReadInternal.allows(role),
                manages_users: Action::ManageUsers.allows(role),
                admin: Action::ReadAuditLog.allows(role),
                unread_notifications: self.unread_notifications,
            }),
        }
    }

    /// The signed-in user's time zone (UTC when their stored one is unknown).
    pub fn zone(&self) -> TimeZone {
        TimeZone::named_or_utc(&self.user.time_zone)
    }

    /// A posted form's fields as `T`, once its CSRF token is checked (see `verify_csrf`).
    pub(crate) fn checked_form<T: serde::de::DeserializeOwned>(
        &self,
        body: &axum::body::Bytes,
    ) -> Result<T, Response> {
        let form = crate::extract::Form::parse(body);
        self.verify_csrf(&form.csrf())?;
        form.input(&[])
    }

    /// Every form post carries the session's token; a mismatch changes nothing.
    pub fn verify_csrf(&self, submitted: &str) -> Result<(), Response> {
        if same_secret(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(crate::respond::error_page(
                StatusCode::FORBIDDEN,
                "This form has expired or did not come from PartnerOS. Go back, reload the page and try again.",
            ))
        }
    }
}

/// Everything but RFC 3986's unreserved characters and `/` is escaped: a path (with its query)
/// becomes one query value that still reads as a path.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

pub fn urlencode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn cookies_read_and_set() {
        let parts = axum::http::Request::builder()
            .header(header::COOKIE, "a=1; partneros_session=abc")
            .header(header::COOKIE, "b=2")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert_eq!(cookie(&parts, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&parts, "b"), Some("2"));
        assert_eq!(cookie(&parts, "partneros"), None);
    }

    #[test]
    fn urlencode_keeps_paths_readable() {
        assert_eq!(
            urlencode("/partners?q=a b&x=1"),
            "/partners%3Fq%3Da%20b%26x%3D1"
        );
    }
}
