//! Browser sessions, CSRF, pages by role, forms, sign-in and time zones.

use super::*;

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

/// Forms are read straight into the services' input types: a field the type does not know, or
/// a single field sent twice, is refused as a whole with a 400 naming the field (nothing is
/// guessed), while repeated check boxes still make a list.
#[tokio::test]
async fn a_form_with_an_unknown_field_or_a_repeated_single_field_is_a_400_naming_it() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let contacts = format!("/partners/{}/contacts", f.partner_a);
        let unknown = format!("csrf_token={csrf}&name=Ann+Extra&nickname=Annie");
        let (status, _, body) = f.post_form(&session, &contacts, &unknown).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("unknown field") && body.contains("nickname"), "{body}");
        let repeated = format!("csrf_token={csrf}&name=Ann+Twice&name=Ann+Again");
        let (status, _, body) = f.post_form(&session, &contacts, &repeated).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("field name could not be read: it was sent more than once"), "{body}");
        let (_, page) = f.api(Some(f.token(Role::Admin)), Method::GET, &format!("/api/v1/partners/{}/contacts", f.partner_a), None).await;
        assert!(!page.contains("Ann"), "nothing was stored: {page}");
        let regions = format!("csrf_token={csrf}&legal_name=Two+Regions+Ltd&domains=two-regions.de&partner_type=si&gtm_model=co_sell&regions=emea&regions=apac");
        let (status, headers, _) = f.post_form(&session, "/partners", &regions).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = headers["location"].to_str().unwrap().replace("/partners/", "/api/v1/partners/");
        let (_, partner) = f.api(Some(f.token(Role::Admin)), Method::GET, &location, None).await;
        assert!(partner.contains(r#""emea""#) && partner.contains(r#""apac""#), "{partner}");
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
            .page(&session, &format!("/partners/{}/timeline", f.partner_a))
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
        let listed = f.services.list_api_tokens(admin, &services::PageRequest::everything()).await.unwrap().items;
        let export = listed.iter().find(|t| t.name == "Export").unwrap();
        ok(post(format!("/account/tokens/{}/revoke", export.id), token("")).await);
        ok(post(format!("/users/{}/disable", f.victim_b), token("")).await);
        ok(post(format!("/users/{}/enable", f.victim_b), token("")).await);
        let partner = f.services.get_partner(admin, a).await.unwrap();
        assert_eq!((partner.display_name.as_str(), partner.gtm_model.to_string()), ("Alpha", "resell".to_owned()));
        let users = f.services.list_users(admin, &services::PageRequest::everything()).await.unwrap().items;
        assert!(users.iter().any(|u| u.user.email == "ola@alpha.com" && u.user.partner_id == Some(a)));
        assert!(users.iter().any(|u| u.user.email == "sid@vendor.test" && u.user.partner_id.is_none()));
        assert!(f.services.list_api_tokens(admin, &services::PageRequest::everything()).await.unwrap().items.iter().any(|t| t.name == "Export" && t.revoked_at.is_some()));
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
