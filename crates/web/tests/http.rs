//! HTTP behaviour of the API and the portal on both databases: validation, problem+json,
//! pagination, OpenAPI, sessions, CSRF, and that refused input changes nothing.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Fixture, hidden_csrf, urlenc};
use domain::roles::Role;
use store::testing::BACKENDS;

async fn each<F, Fut>(test: F)
where
    F: Fn(Fixture) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in BACKENDS {
        test(Fixture::new(backend).await).await;
    }
}

async fn partner_count(f: &Fixture) -> usize {
    let (_, body) = f
        .api(
            Some(f.token(Role::Admin)),
            Method::GET,
            "/api/v1/partners?limit=200&archived=true",
            None,
        )
        .await;
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn api_validation_is_field_level_problem_json_and_stores_nothing() {
    each(|f| async move {
        let pm = f.token(Role::PartnerManager);
        let before = partner_count(&f).await;
        let long = "x".repeat(201);
        let cases = [
            (format!(r#"{{"legal_name":"{long}","partner_type":"si","gtm_model":"resell"}}"#), StatusCode::UNPROCESSABLE_ENTITY, "legal_name"),
            (r#"{"legal_name":"A","partner_type":"si","gtm_model":"resell","domains":["not a domain"]}"#.to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "domains"),
            (r#"{"legal_name":"A","partner_type":"wizard","gtm_model":"resell"}"#.to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "partner_type"),
            (r#"{"legal_name":"A","partner_type":"si","gtm_model":"resell","tier":"diamond"}"#.to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "tier"),
            (r#"{"legal_name":"A","partner_type":"si","gtm_model":"resell","colour":"red"}"#.to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "colour"),
            (r#"{"legal_name": "A", "#.to_owned(), StatusCode::BAD_REQUEST, "EOF"),
        ];
        for (body, status, mentions) in cases {
            let request = Request::post("/api/v1/partners")
                .header("authorization", format!("Bearer {pm}"))
                .header("content-type", "application/json")
                .body(Body::from(body.clone()))
                .unwrap();
            let (got, headers, text) = f.send(request).await;
            assert_eq!(got, status, "{body} -> {text}");
            assert_eq!(headers["content-type"], "application/problem+json");
            assert!(text.contains(mentions), "{text} should mention {mentions}");
        }
        let (status, text) = f.api(Some(pm), Method::POST, &format!("/api/v1/partners/{}/contacts", f.partner_a), Some(r#"{"name":"Ann","email":"ann@"}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let problem: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["errors"][0]["field"], "email");
        let (status, _) = f.api(Some(pm), Method::PATCH, &format!("/api/v1/partners/{}", f.partner_a), Some(r#"{"legal_name":""}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, partner) = f.api(Some(pm), Method::GET, &format!("/api/v1/partners/{}", f.partner_a), None).await;
        assert!(partner.contains("\"legal_name\":\"Alpha Ltd\""), "a refused edit changed nothing");
        let (status, _) = f.api(Some(pm), Method::PATCH, &format!("/api/v1/partners/{}", f.partner_a), Some(r#"{"notes":"QBR booked"}"#)).await;
        assert_eq!(status, StatusCode::OK);
        let (session, _) = f.sign_in("admin@vendor.test").await;
        let (_, _, audit) = f.page(&session, "/audit?entity_type=partner&action=internal_fields_updated").await;
        assert!(audit.contains("<b>notes</b>: — → QBR booked"), "the audit log shows before and after");
        assert_eq!(partner_count(&f).await, before);
        let (status, _) = f.api(Some(pm), Method::GET, "/api/v1/partners?limit=abc", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, text) = f.api(Some(pm), Method::GET, "/api/v1/partners?stage=sleeping", None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("'sleeping' is not one of"));
    })
    .await;
}

#[tokio::test]
async fn api_crud_stage_and_keyset_pages() {
    each(|f| async move {
        let pm = f.token(Role::PartnerManager);
        for i in 0..5 {
            let body = format!(r#"{{"legal_name":"Page Co {i}","partner_type":"msp","gtm_model":"resell","regions":["apac"]}}"#);
            let (status, _) = f.api(Some(pm), Method::POST, "/api/v1/partners", Some(&body)).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let mut names = Vec::new();
        let mut url = "/api/v1/partners?region=apac&limit=2&sort=-name".to_owned();
        loop {
            let (status, body) = f.api(Some(pm), Method::GET, &url, None).await;
            assert_eq!(status, StatusCode::OK);
            let page: serde_json::Value = serde_json::from_str(&body).unwrap();
            names.extend(page["items"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(cursor) => url = format!("/api/v1/partners?region=apac&limit=2&sort=-name&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(names, ["Page Co 4", "Page Co 3", "Page Co 2", "Page Co 1", "Page Co 0"]);
        let path = format!("/api/v1/partners/{}/stage", f.partner_a);
        let (status, _) = f.api(Some(pm), Method::POST, &path, Some(r#"{"stage":"recruiting","note":"signed NDA"}"#)).await;
        assert_eq!(status, StatusCode::OK);
        let (status, text) = f.api(Some(pm), Method::POST, &path, Some(r#"{"stage":"strategic"}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("possible next stages"));
        let (_, timeline) = f.api(Some(pm), Method::GET, &format!("/api/v1/partners/{}/timeline", f.partner_a), None).await;
        assert!(timeline.contains(r#""summary":"Stage changed from Prospect to Recruiting""#));
        assert!(timeline.contains(r#""note":"signed NDA""#), "the note travels with the values: {timeline}");
        let (status, _) = f.api(Some(pm), Method::GET, "/api/v1/partners/not-a-uuid", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn openapi_health_and_unknown_routes() {
    let f = Fixture::new(store::Backend::Sqlite).await;
    let (status, doc) = f.api(None, Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/partners",
        "/api/v1/partners/{id}",
        "/api/v1/partners/{id}/contacts",
        "/api/v1/audit",
        "/api/v1/users",
        "/api/v1/me/tokens",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    assert_eq!(
        f.api(None, Method::GET, "/healthz", None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        f.api(None, Method::GET, "/readyz", None).await.0,
        StatusCode::OK
    );
    let (status, body) = f
        .api(
            Some(f.token(Role::Admin)),
            Method::GET,
            "/api/v1/nothing-here",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("no such API endpoint"));
}

#[tokio::test]
async fn browser_sessions_need_csrf_and_same_origin() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let patch = |csrf_header: Option<String>, origin: Option<&'static str>| {
            let mut request = Request::builder()
                .method(Method::PATCH)
                .uri(format!("/api/v1/partners/{}", f.partner_a))
                .header("cookie", format!("partneros_session={session}"))
                .header("content-type", "application/json")
                .header("host", "partneros.local");
            if let Some(token) = csrf_header {
                request = request.header("x-csrf-token", token);
            }
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            request
                .body(Body::from(r#"{"notes":"via session"}"#))
                .unwrap()
        };
        assert_eq!(f.send(patch(None, None)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            f.send(patch(Some("wrong".into()), None)).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            f.send(patch(Some(csrf.clone()), Some("https://evil.example")))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            f.send(patch(Some(csrf.clone()), Some("http://partneros.local")))
                .await
                .0,
            StatusCode::OK
        );
        // a form post with a wrong token changes nothing
        let (status, _, body) = f
            .post_form(
                &session,
                &format!("/partners/{}/archive", f.partner_a),
                "csrf_token=forged",
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(body.contains("This form has expired"));
        let (_, partner) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::GET,
                &format!("/api/v1/partners/{}", f.partner_a),
                None,
            )
            .await;
        assert!(partner.contains("\"archived_at\":null"));
    })
    .await;
}

#[tokio::test]
async fn every_form_post_refuses_a_wrong_csrf_token() {
    let f = Fixture::new(store::Backend::Sqlite).await;
    let (session, _) = f.sign_in("admin@vendor.test").await;
    let (a, c) = (f.partner_a, f.contact_b);
    let victim = f.victim_b;
    let posts = [
        "/logout".to_owned(),
        "/partners".into(),
        format!("/partners/{a}"),
        format!("/partners/{a}/stage"),
        format!("/partners/{a}/archive"),
        format!("/partners/{a}/restore"),
        format!("/partners/{a}/contacts"),
        format!("/partners/{a}/users"),
        format!("/partners/{a}/facts"),
        format!("/contacts/{c}"),
        format!("/contacts/{c}/archive"),
        "/account/password".into(),
        "/account/tokens".into(),
        "/account/time-zone".into(),
        "/program".into(),
        "/facts/import".into(),
        "/certifications/import".into(),
        format!("/onboarding-items/{}/tick", f.onboarding_item_b),
        format!("/partners/{}/health-checks", f.partner_b),
        "/notifications/read".into(),
        "/deals".into(),
        "/direct-opportunities/import".into(),
        "/customer-accounts/import".into(),
        "/pipeline/snapshots".into(),
        "/rates".into(),
        "/leads".into(),
        "/deals/import".into(),
        "/leads/import".into(),
        format!("/leads/{}/accept", f.lead_b),
        format!("/leads/{}/reject", f.lead_b),
        format!("/deals/{}/submit", f.deal_b),
        format!("/deals/{}/decision", f.deal_b),
        format!("/deals/{}/conflict-case", f.deal_b),
        format!("/deals/{}/close", f.deal_b),
        format!("/deals/{}/assignment", f.deal_b),
        format!("/deals/{}/extension", f.deal_b),
        format!("/deals/{}/extension/decision", f.deal_b),
        format!("/deals/{}/pipeline", f.deal_b),
        format!("/deals/{}/activities", f.deal_b),
        format!("/partners/{a}/certifications"),
        format!("/partners/{a}/enrollments"),
        format!("/enrollments/{}/requirements", f.enrollment_b),
        "/tiers/evaluate".into(),
        "/program/simulate".into(),
        format!("/partners/{a}/ipp"),
        format!("/partners/{a}/3c4c"),
        format!("/3c4c/{}/share", f.evaluation_b),
        format!("/tiers/{}/decide", f.decision_b),
        format!("/partners/{a}/tier"),
        format!("/account/tokens/{}/revoke", f.victim_token),
        "/users".into(),
        format!("/users/{victim}/disable"),
        format!("/users/{victim}/enable"),
    ];
    let audit_before = f
        .services
        .audit_log(f.actor(Role::Admin), &Default::default())
        .await
        .unwrap()
        .items
        .len();
    for path in posts {
        let (status, _, _) = f
            .post_form(&session, &path, "csrf_token=forged&name=X&legal_name=X")
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{path} accepted a forged token"
        );
    }
    let audit_after = f
        .services
        .audit_log(f.actor(Role::Admin), &Default::default())
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(audit_before, audit_after, "nothing changed");
}

/// The status a role should get for a page.
type ExpectedStatus = fn(Role) -> StatusCode;

#[tokio::test]
async fn pages_by_role() {
    let f = Fixture::new(store::Backend::Sqlite).await;
    let (a, b) = (f.partner_a, f.partner_b);
    let pages: Vec<(String, ExpectedStatus)> = vec![
        ("/partners".into(), |_| StatusCode::OK),
        ("/account".into(), |_| StatusCode::OK),
        ("/notifications".into(), |_| StatusCode::OK),
        ("/deals".into(), |_| StatusCode::OK),
        ("/pipeline".into(), |_| StatusCode::OK),
        ("/rates".into(), |r| {
            if r.is_internal() {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/leads".into(), |_| StatusCode::OK),
        ("/leads/export.csv".into(), |_| StatusCode::OK),
        ("/customer-accounts/export.csv".into(), |r| {
            if r.is_internal() {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/deals/export.csv".into(), |_| StatusCode::OK),
        ("/leads/import".into(), |r| {
            if [Role::Admin, Role::PartnerManager].contains(&r) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/deals/import".into(), |r| {
            if [Role::Admin, Role::PartnerManager].contains(&r) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/direct-opportunities/import".into(), |r| {
            if [Role::Admin, Role::PartnerManager, Role::Sales].contains(&r) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/deals/new".into(), |r| {
            if [
                Role::Admin,
                Role::PartnerManager,
                Role::PartnerAdmin,
                Role::PartnerUser,
            ]
            .contains(&r)
            {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/notifications?unread=true".into(), |_| StatusCode::OK),
        (format!("/partners/{a}"), |_| StatusCode::OK),
        (format!("/partners/{b}"), |r| {
            if r.is_partner_side() {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            }
        }),
        ("/partners/new".into(), |r| {
            if [Role::Admin, Role::PartnerManager].contains(&r) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        (format!("/partners/{b}/edit"), |r| match r {
            r if r.is_partner_side() => StatusCode::NOT_FOUND,
            r if [Role::Admin, Role::PartnerManager].contains(&r) => StatusCode::OK,
            _ => StatusCode::FORBIDDEN,
        }),
        ("/users".into(), |r| {
            if [Role::Admin, Role::PartnerAdmin].contains(&r) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
        ("/audit".into(), |r| {
            if r == Role::Admin {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }),
    ];
    for (role, actor, _) in &f.users {
        let (session, _) = f.sign_in(&actor.label).await;
        for (path, expect) in &pages {
            let (status, _, body) = f.page(&session, path).await;
            assert_eq!(status, expect(*role), "{role:?} GET {path}");
            if role.is_partner_side() {
                assert!(!body.contains("Bravo"), "{role:?} saw partner B on {path}");
            }
        }
    }
    for (path, _) in &pages {
        let (status, headers, _) = f
            .send(Request::get(path.as_str()).body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            headers["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next=")
        );
    }
}

#[tokio::test]
async fn a_bad_form_keeps_input_and_shows_the_error_by_the_field() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let form = format!("csrf_token={csrf}&legal_name=Kept+Name+GmbH&domains=not+a+domain&partner_type=si&gtm_model=co_sell&regions=emea&notes=keep+me");
        let (status, _, body) = f.post_form(&session, "/partners", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains(r#"id="domains-error""#) && body.contains("not a valid website domain"));
        assert!(body.contains(r#"value="Kept Name GmbH""#) && body.contains("keep me"));
        assert!(body.contains(r#"value="emea" checked"#));
        let (_, _, list) = f.page(&session, "/partners?q=kept").await;
        assert!(list.contains("No partners match"));
        let good = format!("csrf_token={csrf}&legal_name=Kept+Name+GmbH&domains=kept.de&partner_type=si&gtm_model=co_sell");
        let (status, headers, _) = f.post_form(&session, "/partners", &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = headers["location"].to_str().unwrap().to_owned();
        let contact = format!("csrf_token={csrf}&name=Ann&email=ann%40");
        let (status, _, body) = f.post_form(&session, &format!("{location}/contacts"), &contact).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains(r#"id="contact-email-error""#) && body.contains(r#"value="Ann""#));
        // editing a contact: a bad value is shown by its field, a good one is saved
        let edit = format!("/contacts/{}", f.contact_b);
        let (status, _, body) = f.post_form(&session, &edit, &format!("csrf_token={csrf}&name=Bea+Bravo&phone=call+me")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains(r#"id="contact-phone-error""#) && body.contains(r#"value="call me""#));
        let (status, _, _) = f.post_form(&session, &edit, &format!("csrf_token={csrf}&name=Bea+Bravo&role=CTO&email=bea%40bravo.com")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, contact) = f.api(Some(f.token(Role::Admin)), Method::GET, &format!("/api/v1/contacts/{}", f.contact_b), None).await;
        assert!(contact.contains("\"role\":\"CTO\""), "{contact}");
    })
    .await;
}

#[tokio::test]
async fn sign_in_cookies_rate_limit_expiry_and_sign_out() {
    let f = Fixture::new(store::Backend::Sqlite).await;
    let (_, headers, body) = f
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    let login_cookie = common::cookie_value(&headers, "partneros_login");
    let csrf = hidden_csrf(&body);
    let attempt = |password: &str, csrf: &str| {
        Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("partneros_login={login_cookie}"))
            .body(Body::from(format!(
                "csrf_token={csrf}&email=sales%40test.example&password={}",
                urlenc(password)
            )))
            .unwrap()
    };
    assert_eq!(
        f.send(attempt(common::PASSWORD, "forged")).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, headers, _) = f.send(attempt(common::PASSWORD, &csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set_cookie = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("partneros_session="))
        .unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    let session = common::cookie_value(&headers, "partneros_session");
    let (status, _, _) = f
        .post_form(
            &session,
            "/logout",
            &format!(
                "csrf_token={}",
                hidden_csrf(&f.page(&session, "/account").await.2)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = f.page(&session, "/partners").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed out sessions are gone"
    );
    for _ in 0..5 {
        let (status, _, body) = f.send(attempt("wrong password", &csrf)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("not correct") && body.contains(r#"value="sales@test.example""#));
    }
    let (status, _, body) = f.send(attempt(common::PASSWORD, &csrf)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many failed sign-ins"));
    // an idle session expires
    let (session, _) = f.sign_in("finance@test.example").await;
    let strict = services::Services::new(
        f.services.db.clone(),
        services::Config {
            session_idle: time::Duration::seconds(-1),
            ..Default::default()
        },
    );
    let router = web::router(web::AppState {
        services: strict,
        secure_cookies: false,
        trust_proxy: false,
    });
    let response = tower::ServiceExt::oneshot(
        router,
        Request::get("/partners")
            .header("cookie", format!("partneros_session={session}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn times_are_shown_in_the_users_time_zone() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("sales@test.example").await;
        let (_, _, page) = f.page(&session, "/partners").await;
        assert!(page.contains(" UTC</time>"), "UTC by default");
        let (status, _, page) = f
            .post_form(
                &session,
                "/account/time-zone",
                &format!("csrf_token={csrf}&time_zone=Mars%2FOlympus"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains(r#"id="time_zone-error""#) && page.contains(r#"value="Mars/Olympus""#)
        );
        let (status, _, _) = f
            .post_form(
                &session,
                "/account/time-zone",
                &format!("csrf_token={csrf}&time_zone=Asia%2FTokyo"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f
            .page(&session, &format!("/partners/{}", f.partner_a))
            .await;
        assert!(page.contains(" JST</time>"), "shown in Tokyo time");
        let (status, body) = f
            .api(
                Some(f.token(Role::Sales)),
                Method::PATCH,
                "/api/v1/me",
                Some(r#"{"time_zone":"Nowhere"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("time_zone"));
    })
    .await;
}

#[tokio::test]
async fn every_form_post_does_its_job() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let a = f.partner_a;
        let post = |path: String, form: String| {
            let session = session.clone();
            let f = &f;
            async move { f.post_form(&session, &path, &form).await }
        };
        let token = |form: &str| format!("csrf_token={csrf}&{form}");
        let ok = |(status, _, body): (StatusCode, axum::http::HeaderMap, String)| {
            assert!(status == StatusCode::SEE_OTHER || status == StatusCode::OK, "{status}: {body}");
            body
        };
        ok(post(format!("/partners/{a}/stage"), token("stage=recruiting&note=kick-off")).await);
        ok(post(format!("/partners/{a}/archive"), token("")).await);
        ok(post(format!("/partners/{a}/restore"), token("")).await);
        let edit = token("legal_name=Alpha+Ltd&display_name=Alpha&partner_type=si&gtm_model=resell&stage=recruiting");
        ok(post(format!("/partners/{a}"), edit).await);
        ok(post(format!("/partners/{a}/users"), token("name=Ola&email=ola%40alpha.com&role=partner_admin&password=a+long+enough+password")).await);
        ok(post("/users".into(), token("name=Sid&email=sid%40vendor.test&role=sales&password=a+long+enough+password")).await);
        let created = ok(post("/account/tokens".into(), token("name=Export")).await);
        assert!(created.contains(r#"id="new-token">pos_"#), "the new secret is shown once");
        let admin = f.actor(Role::Admin);
        let listed = f.services.list_api_tokens(admin).await.unwrap();
        let export = listed.iter().find(|t| t.name == "Export").unwrap();
        ok(post(format!("/account/tokens/{}/revoke", export.id), token("")).await);
        ok(post(format!("/users/{}/disable", f.victim_b), token("")).await);
        ok(post(format!("/users/{}/enable", f.victim_b), token("")).await);
        let partner = f.services.get_partner(admin, a).await.unwrap();
        assert_eq!((partner.display_name.as_str(), partner.gtm_model.to_string()), ("Alpha", "resell".to_owned()));
        let users = f.services.list_users(admin).await.unwrap();
        assert!(users.iter().any(|u| u.user.email == "ola@alpha.com" && u.user.partner_id == Some(a)));
        assert!(users.iter().any(|u| u.user.email == "sid@vendor.test" && u.user.partner_id.is_none()));
        assert!(f.services.list_api_tokens(admin).await.unwrap().iter().any(|t| t.name == "Export" && t.revoked_at.is_some()));
        let timeline = f.services.partner_timeline(admin, a, "", None).await.unwrap().items;
        let actions: Vec<&str> = timeline.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.starts_with(&["created", "updated", "restored", "archived", "stage_changed"]), "{actions:?}");
        // changing the password keeps this browser signed in with a new session, ends the others
        let (other_browser, _) = f.sign_in("admin@vendor.test").await;
        let form = token("current_password=a+long+enough+password&new_password=another+long+one&confirm_password=another+long+one");
        let (status, headers, _) = f.post_form(&session, "/account/password", &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let fresh = common::cookie_value(&headers, "partneros_session");
        assert_ne!(fresh, session);
        assert_eq!(f.page(&fresh, "/account").await.0, StatusCode::OK);
        assert_eq!(f.page(&session, "/account").await.0, StatusCode::SEE_OTHER);
        assert_eq!(f.page(&other_browser, "/account").await.0, StatusCode::SEE_OTHER);
        let (status, _, body) = f.post_form(&fresh, "/account/password", "csrf_token=x").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    })
    .await;
}

#[tokio::test]
async fn program_versions_through_the_portal() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let (_, _, page) = f.page(&session, "/program").await;
        assert!(page.contains("The shipped default program is in force"));
        assert!(
            page.contains(
                "<tr><td>Registered</td><td>1</td></tr><tr><td>Bronze</td><td>1</td></tr>"
            ),
            "the fixture partners by tier"
        );
        let bad = domain::program::DEFAULT_PROGRAM.replacen(
            "mdf_per_year = 10000",
            "mdf_per_yr = 10000",
            1,
        );
        let line = bad[..bad.find("mdf_per_yr").unwrap()].matches('\n').count() + 1;
        let form = format!("csrf_token={csrf}&note=typo&source={}", urlenc(&bad));
        let (status, _, page) = f.post_form(&session, "/program", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains(&format!(
                "line {line}, column 1: unknown field `mdf_per_yr`"
            )),
            "the error names its line"
        );
        assert!(
            page.contains("mdf_per_yr = 10000"),
            "the text typed is kept"
        );
        let good = domain::program::DEFAULT_PROGRAM.replacen(
            "discount_percent = 25",
            "discount_percent = 30",
            1,
        );
        let (status, _, _) = f
            .post_form(
                &session,
                "/program",
                &format!(
                    "csrf_token={csrf}&note=richer+platinum&source={}",
                    urlenc(&good)
                ),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, "/program").await;
        assert!(
            page.contains("Version 1 is in force")
                && page.contains("-discount_percent = 25")
                && page.contains("+discount_percent = 30")
        );
        let (status, _, _) = f
            .post_form(
                &session,
                "/program",
                &format!(
                    "csrf_token={csrf}&effective_from=2099-01-01&source={}",
                    urlenc(&good)
                ),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, "/program").await;
        assert!(
            page.contains("Version 1 is in force")
                && page.contains("Version 2 — in force from 2099-01-01")
        );
        let (status, body) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::POST,
                "/api/v1/program/versions",
                Some(&serde_json::json!({"source": bad}).to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("\"field\":\"source\""), "{body}");
        assert_eq!(
            f.services
                .program_versions(f.actor(Role::Admin))
                .await
                .unwrap()
                .len(),
            2,
            "bad files are never stored"
        );
    })
    .await;
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn facts_import_checks_every_row_then_writes_all_or_nothing() {
    each(|f| async move {
        let token = f.token(Role::PartnerManager);
        let a = f.partner_a;
        let bad = format!("partner,quarter,sourced_revenue,certified_people\n{a},2026-Q1,100000,3\nnobody.example,2026-Q1,5,1\n{a},2026-Q2,lots,1\n");
        let (status, body) = f.api(Some(token), Method::POST, "/api/v1/facts/import", Some(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["applied"], false);
        let lines: Vec<(u64, String)> = report["errors"].as_array().unwrap().iter()
            .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap().to_owned())).collect();
        assert_eq!(lines, [(3, "partner".to_owned()), (4, "sourced_revenue".to_owned())]);
        let (_, body) = f.api(Some(token), Method::GET, &format!("/api/v1/partners/{a}/facts"), None).await;
        assert!(body.contains("\"quarters\":[]"), "nothing written: {body}");

        let good = format!("partner,quarter,sourced_revenue,certified_people\n{a},2026-Q1,100000,3\n{a},2026-Q2,\"50,000\",4\n");
        let (status, body) = f.api(Some(token), Method::POST, "/api/v1/facts/import?dry_run=true", Some(&good)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"created\":2") && body.contains("\"applied\":false"), "{body}");
        let (_, body) = f.api(Some(token), Method::GET, &format!("/api/v1/partners/{a}/facts"), None).await;
        assert!(body.contains("\"quarters\":[]"), "a dry run writes nothing: {body}");
        let (status, body) = f.api(Some(token), Method::POST, "/api/v1/facts/import", Some(&good)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"applied\":true") && body.contains("\"partners\":1"), "{body}");
        let (_, body) = f.api(Some(token), Method::GET, &format!("/api/v1/partners/{a}/facts"), None).await;
        let facts: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(facts["quarters"][1]["sourced_revenue"], "50000");

        // The page: a dry run lists problems by line and keeps the text.
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let form = format!("csrf_token={csrf}&action=check&csv={}", urlencode(&bad));
        let (status, _, page) = f.post_form(&session, "/facts/import", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("2 problem(s) in 3 row(s). Nothing was written."), "{page}");
        assert!(page.contains("<td class=\"num\">3</td><td>partner</td><td>no partner with the id, website domain or name &#39;nobody.example&#39;</td>"), "{page}");
        let update = format!("partner,quarter,customer_references\n{a},2026-Q2,7\n");
        let form = format!("csrf_token={csrf}&action=import&csv={}", urlencode(&update));
        let (status, _, page) = f.post_form(&session, "/facts/import", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Imported 1 row(s) for 1 partner(s): 0 new quarter(s), 1 updated."), "{page}");
        let (_, _, page) = f.page(&session, &format!("/partners/{a}")).await;
        assert!(page.contains("Tier facts imported for 2026-Q2"), "the timeline shows the import");
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&user_session, "/facts/import").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn tier_evaluation_on_the_partner_page() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let path = format!("/partners/{}", f.partner_a);
        let (_, _, page) = f.page(&session, &path).await;
        assert!(page.contains("Qualifies today for <b>Registered</b>") && page.contains("to reach Bronze"));
        let bad = format!("csrf_token={csrf}&quarter=&sourced_revenue=lots&certified_people=4&advanced_certified_people=1&customer_references=10&qbrs=four");
        let (status, _, page) = f.post_form(&session, &format!("{path}/facts"), &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="sourced_revenue-error""#) && page.contains("four&#39; is not a whole number"));
        assert!(page.contains(r#"value="lots""#) && page.contains(r#"value="four""#), "typed text is kept");
        // Two quarters: the evaluation adds the revenue of the last four.
        let now = services::facts::current_quarter();
        let earlier = now.previous().previous();
        let good = format!(
            "csrf_token={csrf}&quarter={earlier}&sourced_revenue=300000&certified_people=2&qbrs=2&co_marketing=1"
        );
        let (status, _, _) = f.post_form(&session, &format!("{path}/facts"), &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let good = format!(
            "csrf_token={csrf}&quarter=&sourced_revenue=80000&certified_people=4&advanced_certified_people=2&customer_references=10&qbrs=2&executive_sponsor=vp&co_marketing=1&ipp_score=70&cert.technical_advanced=2"
        );
        let (status, _, _) = f.post_form(&session, &format!("{path}/facts"), &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &path).await;
        assert!(page.contains("Qualifies today for <b>Silver</b>"), "evaluated with the new facts");
        assert!(page.contains("$120,000 more closed-won revenue and 1 more certified person to reach Gold."), "380,000 over two quarters");
        assert!(page.contains(&format!("<td>{earlier}</td><td class=\"num\">300000 <small>(typed)</small></td>")), "history lists each quarter");
        assert!(page.contains(&format!("Evaluated for {now} against program version 0")));
        assert!(page.contains("<td>Technical — Advanced 2</td>"), "certification counts are listed");
        assert!(page.contains("<dt>Deal registration protection</dt><dd>0 days</dd>"), "the current tier's benefits are listed");
        let (_, _, page) = f.page(&session, &format!("{path}?quarter={earlier}")).await;
        assert!(page.contains(&format!(r#"id="quarter" name="quarter" value="{earlier}""#)) && page.contains(r#"value="300000""#), "Edit loads that quarter");
        let (_, body) = f.api(Some(f.token(Role::PartnerUser)), Method::GET, &format!("/api/v1/partners/{}/evaluation", f.partner_a), None).await;
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["qualifies_for"], "Silver", "the partner sees its own standing");
        assert_eq!(report["program_version"], 0);
        assert_eq!(report["quarter"], now.to_string());
        let (status, body) = f.api(Some(f.token(Role::PartnerManager)), Method::PUT, &format!("/api/v1/partners/{}/facts", f.partner_a), Some(r#"{"ipp_score":300}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("\"field\":\"ipp_score\""), "{body}");
        let (status, body) = f.api(Some(f.token(Role::PartnerManager)), Method::PUT, &format!("/api/v1/partners/{}/facts", f.partner_a), Some(r#"{"quarter":"last year"}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("is not a quarter like 2026-Q3"), "{body}");
        let (_, body) = f.api(Some(f.token(Role::Admin)), Method::GET, &format!("/api/v1/partners/{}/facts", f.partner_a), None).await;
        let facts: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(facts["as_of"], now.to_string());
        assert_eq!(facts["quarters"].as_array().unwrap().len(), 2);
        assert_eq!(facts["quarters"][1]["ipp_score"], "70", "a refused update changed nothing: {body}");
    })
    .await;
}

#[tokio::test]
async fn tier_queue_decisions_and_the_partners_view() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let a = f.partner_a;
        // Partner A (Registered) records Bronze-level facts for the last two quarters.
        let now = services::facts::current_quarter();
        for q in now.trailing(2) {
            let form = format!(
                "csrf_token={csrf}&quarter={q}&certified_people=1&customer_references=1&qbrs=1"
            );
            let (status, _, _) = f
                .post_form(&session, &format!("/partners/{a}/facts"), &form)
                .await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        let (status, _, page) = f
            .post_form(&session, "/tiers/evaluate", &format!("csrf_token={csrf}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Evaluation finished: ") && page.contains("1 upgrade(s) proposed"),
            "{page}"
        );
        assert!(
            page.contains("Upgrade Registered → <b>Bronze</b>"),
            "{page}"
        );
        let proposal = f
            .services
            .tier_proposals(f.actor(Role::Admin), "")
            .await
            .unwrap()[0]
            .id;

        // The partner sees the proposal on its own page, without internal controls.
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}")).await;
        assert!(
            own.contains("Upgrade to Bronze proposed</b>: qualified for Bronze"),
            "{own}"
        );
        assert!(!own.contains("tier queue") && !own.contains("Change the tier"));
        let (status, _, _) = f.page(&user_session, "/tiers").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A reject without a reason is refused on the page; then approved.
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("/tiers/{proposal}/decide"),
                &format!("csrf_token={csrf}&decision=reject&note="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("reason: is required") && page.contains("Nothing was changed."),
            "{page}"
        );
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("/tiers/{proposal}/decide"),
                &format!("csrf_token={csrf}&decision=approve&note="),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Alpha Ltd: upgrade Registered → Bronze approved."),
            "{page}"
        );
        assert!(page.contains("No proposals wait for a decision."));
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}")).await;
        assert!(own.contains("Current tier: <b>Bronze</b>"), "{own}");

        // A manual change needs a reason and names the field.
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("/partners/{a}/tier"),
                &format!("csrf_token={csrf}&tier=gold&note="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="tier-note-error""#), "{page}");
        let (status, _, _) = f
            .post_form(
                &session,
                &format!("/partners/{a}/tier"),
                &format!("csrf_token={csrf}&tier=gold&note=strategic+bet"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("/partners/{a}")).await;
        assert!(
            page.contains("Tier changed from Bronze to Gold") && page.contains("strategic bet"),
            "the timeline shows it, the note with the values"
        );

        let (_, body) = f
            .api(
                Some(f.token(Role::Executive)),
                Method::GET,
                "/api/v1/tier-proposals?status=decided",
                None,
            )
            .await;
        let decided: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(decided.as_array().unwrap().len(), 3, "{body}");
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::POST,
                &format!("/api/v1/tier-proposals/{proposal}/decision"),
                Some(r#"{"decision":"maybe"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("not one of: approve, reject, override"),
            "{body}"
        );
    })
    .await;
}

#[tokio::test]
async fn what_if_simulation_page_and_api() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("executive@test.example").await;
        let (status, _, page) = f.page(&session, "/program/simulate").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("[[tiers]]"), "the form starts from the program in force");
        // Lowering Bronze's bar to nothing moves both partners (no facts yet) up to it.
        let easier = domain::program::DEFAULT_PROGRAM.replacen("certified_people = 1\ncustomer_references = 1\nqbrs_per_year = 1\n", "", 1);
        let form = format!("csrf_token={csrf}&source={}", urlencode(&easier));
        let (status, _, page) = f.post_form(&session, "/program/simulate", &form).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("2 partners: <b>2</b> would move up"), "{page}");
        assert!(page.contains(">Alpha Ltd</a></td><td>Registered</td><td>Registered</td><td>Bronze</td><td>up</td>"), "{page}");
        let bad = format!("csrf_token={csrf}&source={}", urlencode("[program]\nname = 1\n"));
        let (status, _, page) = f.post_form(&session, "/program/simulate", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("line 2"), "{page}");
        let body = format!(r#"{{"source":{}}}"#, serde_json::to_string(&easier).unwrap());
        let (status, body) = f.api(Some(f.token(Role::Finance)), Method::POST, "/api/v1/program/simulations", Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["moves_up"], 2);
        assert_eq!(report["discount_exposure_change"], "+$0", "no revenue yet");
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&user_session, "/program/simulate").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn qualification_forms_ipp_and_3c4c() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let a = f.partner_a;
        let path = format!("/partners/{a}");
        let bad = format!("csrf_token={csrf}&score.geography=7&score.gtm_fit=4&red_flag=poor_nps");
        let (status, _, page) = f.post_form(&session, &format!("{path}/ipp"), &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("score 7 is above 5") && page.contains("Nothing was saved"), "{page}");
        assert!(page.contains(r#"value="poor_nps" checked"#), "the typed answers are kept");
        let good = format!("csrf_token={csrf}&score.geography=4&score.gtm_fit=5&score.industry_segment=3&notes=met+at+summit");
        let (status, _, _) = f.post_form(&session, &format!("{path}/ipp"), &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &path).await;
        assert!(page.contains(r#"<p id="ipp-latest">Fit <b>"#), "{page}");
        assert!(page.contains("below a category minimum") && page.contains("Capability averages 0 of 5"), "{page}");

        let gap = format!("csrf_token={csrf}&capacity=2&capability=4&commitment=3&summary=keen");
        let (status, _, page) = f.post_form(&session, &format!("{path}/3c4c"), &gap).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="ev-action_plan-error""#), "{page}");
        let ok = format!("{gap}&action_plan=hire+two+SEs&shared=on");
        let (status, _, _) = f.post_form(&session, &format!("{path}/3c4c"), &ok).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &path).await;
        assert!(page.contains("</meter> 3.10</td><td>Develop</td>"), "{page}");

        // The partner's own user sees the shared evaluation but never the IPP assessment.
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f.page(&user_session, &path).await;
        assert!(own.contains("</meter> 3.10</td><td>Develop</td>") && own.contains("hire two SEs"), "{own}");
        assert!(!own.contains("Ideal Partner Profile") && !own.contains("ipp-form") && !own.contains("evaluation-form"));
    })
    .await;
}

#[tokio::test]
async fn certification_import_page_and_records_on_the_partner_page() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let a = f.partner_a;
        let (status, _, page) = f.page(&session, "/certifications/import").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Import certification completions from CSV"));
        let day = (store::now().date() - time::Duration::days(10)).to_string();
        let csv = format!("partner,email,name,certification,date,score\n{a},ana@alpha.com,Ana Alves,technical_advanced,{day},88\n{a},bo@alpha.com,,sales_foundation,{day},50\n");
        let form = format!("csrf_token={csrf}&action=check&csv={}", urlencode(&csv));
        let (status, _, page) = f.post_form(&session, "/certifications/import", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("below the pass mark of 70%"), "{page}");
        let good: String = csv.lines().take(2).map(|l| format!("{l}\n")).collect();
        let form = format!("csrf_token={csrf}&action=import&csv={}", urlencode(&good));
        let (status, _, page) = f.post_form(&session, "/certifications/import", &form).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Imported 1 row(s) for 1 partner(s): 1 certification(s) recorded, 0 already on record."), "{page}");
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}")).await;
        assert!(own.contains("<td>Ana Alves</td><td>Technical — Advanced</td>"), "{own}");
        let (status, _, _) = f.page(&user_session, "/certifications/import").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn certifications_by_hand_and_learning_on_the_partner_page() {
    each(|f| async move {
        let b = f.partner_b;
        let c = f.contact_b;
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, page) = f.page(&session, &format!("/partners/{b}")).await;
        assert!(page.contains(r#"id="record-certification""#) && page.contains(r#"id="enroll-form""#), "{page}");
        assert!(page.contains("Sales — Foundation <small>(in progress)</small>"), "{page}");
        let form = format!("csrf_token={csrf}&partner_id={b}&requirement=Mock+pitch&done=true");
        let (status, _, _) = f.post_form(&session, &format!("/enrollments/{}/requirements", f.enrollment_b), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("/partners/{b}")).await;
        assert!(page.contains("Reopen: Mock pitch for Bea Bravo"), "{page}");

        let form = format!("csrf_token={csrf}&contact_id={c}&certification=sales_foundation&earned_on=2099-01-01&score=50&evidence=");
        let (status, _, page) = f.post_form(&session, &format!("/partners/{b}/certifications"), &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="certification-errors""#) && page.contains("earned_on: 2099-01-01 is in the future") && page.contains("score: 50% is below the pass mark of 70%"), "{page}");
        let day = (store::now().date() - time::Duration::days(5)).to_string();
        let form = format!("csrf_token={csrf}&contact_id={c}&certification=sales_foundation&earned_on={day}&score=90&evidence=https%3A%2F%2Flms.example%2Fbea");
        let (status, _, _) = f.post_form(&session, &format!("/partners/{b}/certifications"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("/partners/{b}")).await;
        assert!(page.contains(r#"<a href="https://lms.example/bea" rel="noopener noreferrer">link</a> <small>(manual)</small>"#), "{page}");
        assert!(page.contains("Nobody is working towards a certification."), "earning it ended the enrollment");
        assert!(page.contains("<td>Bea Bravo</td><td>Sales path</td><td class=\"num\">1/3</td><td>Sales — Advanced</td>"), "{page}");

        // Partner people enroll their own colleagues but do not record certifications.
        let (user_session, user_csrf) = f.sign_in("partner_user@alpha.example").await;
        let a = f.partner_a;
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}")).await;
        assert!(!own.contains(r#"id="record-certification""#));
        let form = format!("csrf_token={user_csrf}&contact_id={c}&certification=sales_foundation&earned_on={day}&score=90");
        let (status, _, _) = f.post_form(&user_session, &format!("/partners/{b}/certifications"), &form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "B's page does not exist for A");
    })
    .await;
}

#[tokio::test]
async fn deal_registration_pages_from_form_to_protection() {
    each(|f| async move {
        let a = f.partner_a;
        // Partner A has no sales certification yet: the form says what is missing, keeps the input.
        let (session, csrf) = f.sign_in("partner_admin@alpha.example").await;
        let expected_close = (store::now().date() + time::Duration::days(30)).to_string();
        let form = |customer: &str, site: &str, action: &str| {
            format!("csrf_token={csrf}&customer_name={}&website={site}&industry=Retail&region=emea&deal_size=30000&expected_close={expected_close}&use_case=Sync&stage=discovery&probability=25&partner_rep=Pat&action={action}", urlencode(customer))
        };
        let (status, _, page) = f.post_form(&session, "/deals", &form("Bravo Customer", "bravo-customer.de", "submit")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("to register deals your organisation needs one active sales certification; it has 0") && page.contains(r#"value="Bravo Customer""#), "{page}");
        // A draft needs no certification.
        let (status, headers, _) = f.post_form(&session, "/deals", &form("Draft Co", "", "draft")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let draft = headers["location"].to_str().unwrap().to_owned();
        let (_, _, page) = f.page(&session, &draft).await;
        assert!(page.contains(r#"<b id="deal-status">Draft</b>"#), "{page}");
        let (status, _, page) = f.post_form(&session, "/deals", &form("", "not a site", "submit")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Nothing was registered.") && page.contains("&#39;not a site&#39; is not a website like acme.com"), "{page}");

        // Certified, A registers B's customer: the conflict check tells A only the verdict.
        let day = (store::now().date() - time::Duration::days(2)).to_string();
        let csv = format!("partner,email,certification,date,score\n{a},pat@alpha.com,sales_foundation,{day},90\n");
        f.services.import_certifications(f.actor(Role::Admin), &csv, false).await.unwrap();
        let token = f.token(Role::PartnerAdmin).to_owned();
        let (status, body) = f.api(Some(&token), Method::GET, &format!("/api/v1/partners/{a}/conflict-check?customer_name=Bravo%20Customer&website=www.bravo-customer.de"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, r#"{"verdict":"needs_review","findings":[]}"#, "no names, references or counts");
        let (status, headers, _) = f.post_form(&session, "/deals", &form("Bravo Customer", "bravo-customer.de", "submit")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let mine = headers["location"].to_str().unwrap().to_owned();
        let (_, _, page) = f.page(&session, &mine).await;
        assert!(page.contains(r#"<b id="conflict-verdict">needs review</b>"#) && !page.contains("conflict-findings") && !page.contains("Bravo Resellers"), "{page}");

        // The partner manager sees why, and decides on the page.
        let (pm, pm_csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, page) = f.page(&pm, &mine).await;
        assert!(page.contains(r#"id="conflict-findings""#) && page.contains("same domain bravo-customer.de as DR-"), "{page}");
        assert!(page.contains(r#"<b id="case-stage">Open</b>"#) && page.contains("Resolve by"), "{page}");
        let (_, _, partner_page) = f.page(&session, &mine).await;
        assert!(!partner_page.contains("conflict-case"), "partners never see the case: {partner_page}");
        let (status, _, _) = f.post_form(&pm, &format!("{mine}/conflict-case"), &format!("csrf_token={pm_csrf}&action=investigate")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, page) = f.post_form(&pm, &format!("{mine}/conflict-case"), &format!("csrf_token={pm_csrf}&action=resolve&outcome=other_party_wins&note=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("note: say what was found and agreed") && page.contains(r#"<b id="case-stage">Investigating</b>"#), "{page}");
        let (status, _, _) = f.post_form(&pm, &format!("{mine}/conflict-case"), &format!("csrf_token={pm_csrf}&action=resolve&outcome=other_party_wins&note=Bravo+was+first")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&pm, &mine).await;
        assert!(page.contains(r#"<b id="case-stage">Resolved</b>"#) && page.contains("The earlier registration or our direct team keeps the customer"), "{page}");
        let (status, _, page) = f.post_form(&pm, &format!("{mine}/decision"), &format!("csrf_token={pm_csrf}&decision=reject&note=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("note: give the partner the reason for rejecting"), "{page}");
        let deal_b = f.deal_b;
        let (status, _, _) = f.post_form(&pm, &format!("/deals/{deal_b}/decision"), &format!("csrf_token={pm_csrf}&decision=approve&note=First+to+register")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&pm, &format!("/deals/{deal_b}")).await;
        assert!(page.contains(r#"<span id="protected-until">protected until "#), "{page}");
        let (status, _, _) = f.post_form(&pm, &format!("{mine}/decision"), &format!("csrf_token={pm_csrf}&decision=reject&note=Bravo+registered+first")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &mine).await;
        assert!(page.contains(r#"<b id="deal-status">Rejected</b>"#) && page.contains("Bravo registered first"), "{page}");
        let (_, _, list) = f.page(&session, "/deals").await;
        assert!(list.contains("Draft Co") && !list.contains("Bravo Resellers"), "A lists its own registrations only: {list}");
        let (status, _, _) = f.page(&session, &format!("/deals/{deal_b}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn notifications_are_counted_listed_and_marked_read() {
    each(|f| async move {
        let a = f.partner_a;
        let day = (store::now().date() - time::Duration::days(365 - 5)).to_string();
        let csv = format!("partner,email,certification,date,score\n{a},partner_admin@alpha.example,sales_foundation,{day},90\n");
        f.services.import_certifications(f.actor(Role::Admin), &csv, false).await.unwrap();
        f.services.run_certification_expiry(&services::Actor::system("test")).await.unwrap();
        let (session, csrf) = f.sign_in("partner_admin@alpha.example").await;
        let (_, _, page) = f.page(&session, "/partners").await;
        assert!(page.contains(r#"<span class="badge" aria-label="1 unread">1</span>"#), "{page}");
        let (_, _, list) = f.page(&session, "/notifications").await;
        assert!(list.contains("Renewal reminder: partner_admin&#39;s Sales — Foundation expires on"), "{list}");
        assert!(list.contains(&format!(r#"href="/partners/{a}#certifications""#)), "{list}");
        let (status, _, _) = f.post_form(&session, "/notifications/read", &format!("csrf_token={csrf}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, "/notifications?unread=true").await;
        assert!(page.contains("Nothing to tell you.") && !page.contains(r#"class="badge""#), "{page}");
        let (status, _, _) = f.post_form(&session, "/notifications/read", &format!("csrf_token={csrf}&id=not-an-id")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn onboarding_checklist_on_the_partner_page() {
    each(|f| async move {
        let b = f.partner_b;
        // Partner B's own portal user ticks its item; the list shows who did it.
        let (admin_session, admin_csrf) = f.sign_in("admin@vendor.test").await;
        let (_, _, page) = f.page(&admin_session, &format!("/partners/{b}")).await;
        assert!(
            page.contains(r#"<section class="card" id="onboarding">"#)
                && page.contains("21 item(s) open"),
            "{page}"
        );
        // B's submitted registration and its sales certification complete two items by themselves.
        for key in ["first_deal", "sales_certified"] {
            let row = &page[page.find(&format!(r#"data-key="{key}""#)).unwrap()..];
            let row = &row[..row.find("</tr>").unwrap()];
            assert!(row.contains("done (observed)"), "{key}: {row}");
            assert!(row.contains(r#"<a href="/"#), "an observed item links to its evidence: {row}");
        }
        let form = format!("csrf_token={admin_csrf}&partner_id={b}&done=true&evidence=");
        let (status, _, _) = f
            .post_form(
                &admin_session,
                &format!("/onboarding-items/{}/tick", f.onboarding_item_b),
                &form,
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&admin_session, &format!("/partners/{b}")).await;
        assert!(
            page.contains("20 item(s) open; 5 wait on the partner.")
                && page.contains("done (admin@vendor.test)"),
            "{page}"
        );
        let nda = f
            .services
            .onboarding_checklist(f.actor(Role::Admin), b)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.key == "nda_signed")
            .unwrap()
            .id;
        let form = format!("csrf_token={admin_csrf}&partner_id={b}&done=true&evidence=");
        let (status, _, page) = f
            .post_form(
                &admin_session,
                &format!("/onboarding-items/{nda}/tick"),
                &form,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("evidence: this item needs a file as evidence")
                && page.contains("Nothing was changed."),
            "{page}"
        );
        // A file as evidence: sent with the form, stored as B's attachment, linked by name.
        let boundary = "----partneros-test";
        let multipart = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{admin_csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"partner_id\"\r\n\r\n{b}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"done\"\r\n\r\ntrue\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"evidence_file\"; filename=\"NDA Bravo.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 signed\r\n\
             --{boundary}--\r\n"
        );
        let request = axum::http::Request::post(format!("/onboarding-items/{nda}/tick"))
            .header("cookie", format!("partneros_session={admin_session}"))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(axum::body::Body::from(multipart))
            .unwrap();
        let (status, _, _) = f.send(request).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&admin_session, &format!("/partners/{b}")).await;
        let link_start = page.find(r#"<a href="/attachments/"#).expect("a link to the file");
        let link = &page[link_start + 9..];
        let link = &link[..link.find('"').unwrap()];
        assert!(link.ends_with("/NDA%20Bravo.pdf") && page.contains(">NDA Bravo.pdf</a>"), "{link}");
        let (status, headers, body) = f.page(&admin_session, link).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "%PDF-1.4 signed"));
        assert_eq!(headers["content-disposition"], "attachment; filename=\"NDA Bravo.pdf\"; filename*=UTF-8''NDA%20Bravo.pdf");
        assert_eq!(headers["x-content-type-options"], "nosniff");

        // Partner A's people never see B's checklist, nor its files.
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f
            .page(&user_session, &format!("/partners/{}", f.partner_a))
            .await;
        assert!(!own.contains(r#"id="onboarding""#), "A is not onboarding");
        let (status, _, _) = f.page(&user_session, link).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn exiting_a_partner_on_its_page_asks_to_confirm_and_the_users_list_says_why_its_people_are_out()
 {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let a = f.partner_a;
        let path = format!("/partners/{a}/stage");
        let exit = format!("csrf_token={csrf}&stage=exited&note=contract+ended");
        let (status, _, page) = f.post_form(&session, &path, &exit).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="confirm-exit-error""#), "{page}");
        // Neither box nor reason: both said at once.
        let bare = format!("csrf_token={csrf}&stage=exited&note=");
        let (status, _, page) = f.post_form(&session, &path, &bare).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains(r#"id="confirm-exit-error""#)
                && page.contains("say why the partner exits"),
            "{page}"
        );
        // The form carries the stage it was shown at; a stale one is refused.
        let (_, _, shown) = f.page(&session, &format!("/partners/{a}")).await;
        let from = shown
            .split(r#"name="from" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        let stale = format!("csrf_token={csrf}&from=strategic&stage=paused&note=");
        let (status, _, page) = f.post_form(&session, &path, &stale).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("changed by someone else meanwhile"), "{page}");
        let exit = format!("{exit}&from={from}");
        let admin = f.actor(Role::Admin);
        let partner = f.services.get_partner(admin, a).await.unwrap();
        assert!(
            partner.out_of_program().is_none(),
            "not exited without the box"
        );
        let (_, _, users) = f.page(&session, "/users").await;
        assert!(!users.contains("no access"));

        let (status, _, _) = f
            .post_form(&session, &path, &format!("{exit}&confirm_exit=yes"))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, users) = f.page(&session, "/users").await;
        assert!(
            users.contains("no access: its partner has exited the program"),
            "{users}"
        );
        let (_, _, page) = f.page(&session, &format!("/partners/{a}")).await;
        assert!(page.contains("no access: its partner has exited the program"));
    })
    .await;
}
