//! What browsers are told about our pages, and where a sign-in may send the browser next.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use domain::roles::Role;
use store::Backend;

const FORM: &str = "application/x-www-form-urlencoded";

/// The sign-in form's cookie and token, to post it many times.
async fn login_form(f: &Fixture) -> (String, String) {
    let (_, headers, body) = f
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    (
        cookie_value(&headers, "partneros_login"),
        hidden_csrf(&body),
    )
}

fn sign_in_request(
    form: &(String, String),
    email: &str,
    password: &str,
    next: &str,
) -> Request<Body> {
    let (cookie, csrf) = form;
    Request::post("/login")
        .header("content-type", FORM)
        .header("cookie", format!("partneros_login={cookie}"))
        .body(Body::from(format!(
            "csrf_token={csrf}&email={}&password={}&next={}",
            urlenc(email),
            urlenc(password),
            urlenc(next)
        )))
        .unwrap()
}

fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn pages_and_api_answers_carry_security_headers() {
    let f = Fixture::new(Backend::Sqlite).await;
    let (session, _) = f.sign_in("admin@vendor.test").await;
    let partner = format!("/partners/{}", f.partner_b);
    for path in ["/login", "/partners", partner.as_str(), "/static/app.js"] {
        let (status, headers, _) = f.page(&session, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(
            header(&headers, "content-security-policy"),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(header(&headers, "x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header(&headers, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(header(&headers, "referrer-policy"), "same-origin", "{path}");
    }
    let request = Request::get("/api/v1/me")
        .header("authorization", format!("Bearer {}", f.token(Role::Admin)))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = f.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    );
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "x-frame-options"), "DENY");
    let (status, headers, _) = f
        .page(&session, &format!("/attachments/{}", f.attachment_b))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "content-security-policy"),
        "sandbox",
        "downloads keep their own policy"
    );
}

#[tokio::test]
async fn pages_have_no_inline_script_style_or_handler() {
    let f = Fixture::new(Backend::Sqlite).await;
    let (session, _) = f.sign_in("admin@vendor.test").await;
    // Partner B's page shows a 3C/4C evaluation, drawn with a bar.
    let (status, _, html) = f
        .page(&session, &format!("/partners/{}", f.partner_b))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<meter"), "the 3C/4C score is drawn");
    for forbidden in [
        " style=",
        "<script>",
        " onclick=",
        " onchange=",
        " onsubmit=",
        "javascript:",
    ] {
        assert!(
            !html.contains(forbidden),
            "{forbidden} would be refused by the CSP"
        );
    }
}

#[tokio::test]
async fn a_next_that_is_not_a_path_here_goes_to_the_start_page() {
    let f = Fixture::new(Backend::Sqlite).await;
    let form = login_form(&f).await;
    for next in [
        "/partners\r\nSet-Cookie: stolen=1",
        "/partners\n",
        "https://evil.example/",
        "//evil.example/",
    ] {
        let (status, headers, _) = f
            .send(sign_in_request(&form, "admin@vendor.test", PASSWORD, next))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(header(&headers, "location"), "/", "{next:?}");
    }
    let (_, headers, _) = f
        .send(sign_in_request(
            &form,
            "admin@vendor.test",
            PASSWORD,
            "/deals?q=a%20b",
        ))
        .await;
    assert_eq!(header(&headers, "location"), "/deals?q=a%20b");
}
