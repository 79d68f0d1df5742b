//! What browsers are told about our pages, how failed attempts are slowed, and where a
//! sign-in may send the browser next.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::*;
use domain::roles::Role;
use store::Backend;
use tower::ServiceExt;

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
async fn the_api_docs_are_swagger_ui_from_this_site_with_their_own_policy() {
    let f = Fixture::new(Backend::Sqlite).await;
    let (session, _) = f.sign_in("admin@vendor.test").await;
    let (_, _, nav) = f.page(&session, "/partners").await;
    assert!(
        nav.contains(r#"<a href="/api/docs/">API</a>"#),
        "the portal links the docs"
    );
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    // The viewer's files are kept and served gzip-compressed (every browser reads that).
    let router = f.router.clone();
    let fetch = |path: &'static str| {
        let router = router.clone();
        async move {
            use http_body_util::BodyExt;
            use std::io::Read;
            use tower::ServiceExt;
            let response = router
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let (status, headers) = (response.status(), response.headers().clone());
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            let mut text = String::new();
            if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_string(&mut text)
                    .unwrap();
            } else {
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            (status, headers, text)
        }
    };
    let (status, headers, _) = f.send(get("/api/docs")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let (status, headers, html) = fetch("/api/docs/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("swagger-ui-bundle.js") && !html.contains("http"),
        "{html}"
    );
    assert_eq!(
        header(&headers, "content-security-policy"),
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        "scripts only from here; inline styles, which Swagger UI applies"
    );
    assert_eq!(header(&headers, "x-frame-options"), "DENY");
    let (status, _, script) = fetch("/api/docs/swagger-initializer.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        script.contains(r#""url": "/api/v1/openapi.json""#)
            && script.contains(r#""validatorUrl": "none""#),
        "{script}"
    );
    let (status, headers, bundle) = fetch("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the viewer's files are served from the binary"
    );
    assert!(header(&headers, "content-type").contains("javascript"));
    assert!(
        bundle.contains("SwaggerUIBundle"),
        "the file itself, readable once unzipped"
    );
}

#[tokio::test]
async fn pages_have_no_inline_script_style_or_handler() {
    let f = Fixture::new(Backend::Sqlite).await;
    let (session, _) = f.sign_in("admin@vendor.test").await;
    // Partner B's page shows a 3C/4C evaluation, drawn with a bar.
    let (status, _, html) = f
        .page(&session, &format!("/partners/{}/evaluations", f.partner_b))
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
async fn the_rightmost_forwarded_address_is_throttled() {
    let f = Fixture::new(Backend::Sqlite).await;
    let router = web::router(web::AppState {
        services: f.services.clone(),
        secure_cookies: false,
        trust_proxy: true,
    });
    let form = login_form(&f).await;
    let mut statuses = Vec::new();
    for i in 0..40 {
        let mut request = sign_in_request(&form, &format!("nobody{i}@x.test"), "wrong", "/");
        // The client writes whatever it likes first; our proxy appends what it saw.
        request.headers_mut().insert(
            "x-forwarded-for",
            format!("10.{i}.0.1, 203.0.113.7").parse().unwrap(),
        );
        let response = router.clone().oneshot(request).await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
        }
        statuses.push(response.status());
    }
    assert_eq!(
        statuses[..10],
        [StatusCode::UNAUTHORIZED; 10],
        "ten free failures"
    );
    let answered = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    // Each wait is a second or more; only a machine stalling that long lets one more through.
    assert!(answered <= 12, "then the address waits: {statuses:?}");
    assert_eq!(statuses[39], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_throttled_sign_in_says_when_to_retry() {
    let f = Fixture::new(Backend::Sqlite).await;
    let form = login_form(&f).await;
    for _ in 0..5 {
        let (status, _, _) = f
            .send(sign_in_request(&form, "admin@vendor.test", "wrong", "/"))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, body) = f
        .send(sign_in_request(&form, "admin@vendor.test", PASSWORD, "/"))
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the account is locked"
    );
    let wait: u64 = header(&headers, "retry-after").parse().unwrap();
    assert!(
        (890..=900).contains(&wait),
        "until the first failure is 15 minutes old: {wait}"
    );
    assert!(body.contains("Try again in 15 minutes"), "{body}");
}

#[tokio::test]
async fn bad_bearer_tokens_are_throttled() {
    let f = Fixture::new(Backend::Sqlite).await;
    let good = f.token(Role::PartnerManager).to_owned();
    assert_eq!(
        f.api(Some(&good), Method::GET, "/api/v1/me", None).await.0,
        StatusCode::OK
    );
    for i in 0..10 {
        let (status, _) = f
            .api(
                Some(&format!("pos_guess{i}")),
                Method::GET,
                "/api/v1/me",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {i} is free");
    }
    // The first wait is a second: the next guess is refused unless the machine stalls that long.
    let mut refused = None;
    for i in 10..13 {
        let request = Request::get("/api/v1/me")
            .header("authorization", format!("Bearer pos_guess{i}"))
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = f.send(request).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(header(&headers, "retry-after").parse::<u64>().unwrap());
            break;
        }
    }
    let wait = refused.expect("bad tokens past the free ones are refused");
    assert!((1..=4).contains(&wait), "{wait}");
    assert_eq!(
        f.api(Some(&good), Method::GET, "/api/v1/me", None).await.0,
        StatusCode::OK,
        "a good token is not held up"
    );
}

#[tokio::test]
async fn password_change_and_reset_end_api_tokens() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let f = Fixture::new(backend).await;
        let own = f.token(Role::PartnerManager).to_owned();
        let (status, body) = f
            .api(
                Some(&own),
                Method::POST,
                "/api/v1/me/password",
                Some(&format!(
                    r#"{{"current_password":"{PASSWORD}","new_password":"a brand new password"}}"#
                )),
            )
            .await;
        assert!(status.is_success(), "{status} {body}");
        let (status, _) = f.api(Some(&own), Method::GET, "/api/v1/me", None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: changed password"
        );

        let theirs = f.token(Role::Executive).to_owned();
        assert_eq!(
            f.api(Some(&theirs), Method::GET, "/api/v1/me", None)
                .await
                .0,
            StatusCode::OK
        );
        let id = f.actor(Role::Executive).user_id.unwrap();
        let (status, body) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::POST,
                &format!("/api/v1/users/{id}/reset-password"),
                Some(r#"{"password":"reset by the admin"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = f.api(Some(&theirs), Method::GET, "/api/v1/me", None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: reset password"
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
        assert_eq!(header(&headers, "location"), "/home", "{next:?}");
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
