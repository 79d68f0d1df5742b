//! The API: validation as problem+json, CRUD and keyset pages, the OpenAPI document.

use super::*;

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
        assert!(audit.contains("<b>Notes</b>: — → QBR booked"), "the audit log shows before and after");
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
