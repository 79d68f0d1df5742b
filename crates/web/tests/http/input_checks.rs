//! Input the product refuses, on both databases: due dates in the past or more than two years
//! ahead (forms and API), and what the API and the pages answer to bodies, methods and ids
//! that do not fit.

use super::*;
use time::Duration;

/// A due date's messages for `day` when today (UTC, the default program's zone) is `today`.
fn past(day: time::Date, today: time::Date) -> String {
    format!("{day} is in the past: a due date is today ({today}) or later")
}

fn too_far(day: time::Date, today: time::Date) -> String {
    let last = today + Duration::days(730);
    format!("{day} is too far ahead: a due date is at most two years away ({last} at the latest)")
}

/// A case of Alpha's the partner manager raises through the API; its id.
async fn alpha_case(f: &Fixture) -> String {
    let body = r#"{"issue":"Sync fails","category":"technical","urgency":"p2","occurred_on":"2026-01-05"}"#;
    let (status, text) = f
        .api(
            Some(f.token(Role::PartnerManager)),
            Method::POST,
            &format!("/api/v1/partners/{}/escalations", f.partner_a),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let seen: serde_json::Value = serde_json::from_str(&text).unwrap();
    seen["case"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn due_dates_run_from_today_to_two_years_ahead_through_the_api() {
    each(|f| async move {
        let today = store::now().date();
        let token = f.token(Role::Admin);
        let admin = f.actor(Role::Admin).user_id.unwrap();
        let case = format!("/api/v1/escalations/{}", f.escalation_b);
        let meeting = format!("/api/v1/meetings/{}", f.meeting);
        let yesterday = today - Duration::days(1);
        let horizon = today + Duration::days(730);
        let beyond = today + Duration::days(731);
        let far = time::macros::date!(2099 - 12 - 31);
        for (day, message) in [
            (yesterday, past(yesterday, today)),
            (beyond, too_far(beyond, today)),
            (far, too_far(far, today)),
        ] {
            let body = format!(r#"{{"body":"Rerun the commission","due_on":"{day}"}}"#);
            let (status, text) = f
                .api(
                    Some(token),
                    Method::POST,
                    &format!("{case}/actions"),
                    Some(&body),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
            let problem: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                problem["errors"],
                serde_json::json!([{"field": "due_on", "message": message}]),
                "{text}"
            );
            let body = format!(r#"{{"text":"Call Bravo","owner_id":"{admin}","due_on":"{day}"}}"#);
            let (status, text) = f
                .api(
                    Some(token),
                    Method::POST,
                    &format!("{meeting}/actions"),
                    Some(&body),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
            let problem: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                problem["errors"],
                serde_json::json!([{"field": "due_on", "message": message}]),
                "{text}"
            );
        }
        // Nothing was written: the case has no remediation action yet.
        let (_, text) = f.api(Some(token), Method::GET, &case, None).await;
        assert!(!text.contains("Rerun the commission"), "{text}");

        for day in [today, horizon] {
            let body = format!(r#"{{"body":"Rerun the commission {day}","due_on":"{day}"}}"#);
            let (status, text) = f
                .api(
                    Some(token),
                    Method::POST,
                    &format!("{case}/actions"),
                    Some(&body),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{day}: {text}");
            let body =
                format!(r#"{{"text":"Call Bravo {day}","owner_id":"{admin}","due_on":"{day}"}}"#);
            let (status, text) = f
                .api(
                    Some(token),
                    Method::POST,
                    &format!("{meeting}/actions"),
                    Some(&body),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{day}: {text}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_due_date_out_of_range_is_shown_at_its_field_on_the_forms() {
    each(|f| async move {
        let today = store::now().date();
        let yesterday = today - Duration::days(1);
        let far = time::macros::date!(2100 - 01 - 01);
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let admin = f.actor(Role::PartnerManager).user_id.unwrap();

        let case = format!("/escalations/{}", alpha_case(&f).await);
        let form = format!("csrf_token={csrf}&body=Reset+the+SSO+link&due_on={yesterday}");
        let (status, _, page) = f
            .post_form(&session, &format!("{case}/actions"), &form)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let field = page.find(r#"id="a-due""#).unwrap();
        let error = page
            .find(&format!(
                r#"<p class="error">{}</p>"#,
                past(yesterday, today)
            ))
            .unwrap_or_else(|| panic!("{page}"));
        assert!(field < error, "{page}");

        let meeting = format!("/meetings/{}", f.meeting);
        let form = format!("csrf_token={csrf}&text=Chase+Bravo&owner_id={admin}&due_on={far}");
        let (status, _, page) = f
            .post_form(&session, &format!("{meeting}/actions"), &form)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains(&format!(
                r#"<p class="error" id="a-due-error">{}</p>"#,
                too_far(far, today)
            )),
            "{page}"
        );
        assert!(page.contains(r#"aria-describedby="a-due-error""#), "{page}");
    })
    .await;
}

/// The `errors` of a problem+json body.
fn errors(text: &str) -> serde_json::Value {
    let problem: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|_| panic!("{text}"));
    problem["errors"].clone()
}

#[tokio::test]
async fn escalation_bodies_take_the_urgency_in_any_case_and_refuse_unknown_fields() {
    each(|f| async move {
        let token = f.token(Role::PartnerManager);
        let raise = format!("/api/v1/partners/{}/escalations", f.partner_a);
        for urgency in ["P2", "p2"] {
            let body = format!(
                r#"{{"issue":"Sync fails","category":"technical","urgency":"{urgency}","occurred_on":"2026-01-05"}}"#
            );
            let (status, text) = f.api(Some(token), Method::POST, &raise, Some(&body)).await;
            assert_eq!(status, StatusCode::CREATED, "{urgency}: {text}");
            assert!(text.contains(r#""urgency":"p2""#), "{text}");
        }
        let (status, text) = f
            .api(
                Some(token),
                Method::POST,
                &raise,
                Some(r#"{"issue":"Sync fails","category":"technical","urgency":"P9","occurred_on":"2026-01-05"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert_eq!(
            errors(&text),
            serde_json::json!([{"field": "urgency", "message": "'p9' is not one of: p1, p2, p3, p4"}])
        );

        let (status, text) = f
            .api(
                Some(token),
                Method::POST,
                &raise,
                Some(r#"{"issue":"Sync fails","category":"technical","urgency":"p2","occurred_on":"2026-01-05","severity":"high"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert_eq!(errors(&text)[0]["field"], "severity", "{text}");
        assert!(
            errors(&text)[0]["message"]
                .as_str()
                .unwrap()
                .starts_with("unknown field `severity`"),
            "{text}"
        );
        let case = format!("/api/v1/escalations/{}", f.escalation_b);
        for (path, body) in [
            ("updates", r#"{"body":"On it","colour":"red"}"#),
            ("notes", r#"{"body":"On it","colour":"red"}"#),
            ("actions", r#"{"body":"On it","due_on":"","colour":"red"}"#),
            ("moves", r#"{"transition":"start","version":1,"colour":"red"}"#),
            ("owner", r#"{"colour":"red"}"#),
        ] {
            let (status, text) = f
                .api(Some(f.token(Role::Admin)), Method::POST, &format!("{case}/{path}"), Some(body))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {text}");
            assert_eq!(errors(&text)[0]["field"], "colour", "{path}: {text}");
        }
        // Nothing was written: the case of Bravo's has no update.
        let (_, text) = f.api(Some(f.token(Role::Admin)), Method::GET, &case, None).await;
        assert!(!text.contains("On it"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn a_json_field_of_the_wrong_type_is_named_by_its_path() {
    each(|f| async move {
        let token = f.token(Role::PartnerManager);
        let raise = format!("/api/v1/partners/{}/escalations", f.partner_a);
        let (status, text) = f
            .api(
                Some(token),
                Method::POST,
                &raise,
                Some(r#"{"issue":5,"category":"technical","urgency":"p2","occurred_on":"2026-01-05"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert_eq!(
            errors(&text),
            serde_json::json!([{"field": "issue", "message": "invalid type: integer `5`, expected a string"}])
        );
        // The same reading for every endpoint, nested fields by their path.
        let (status, text) = f
            .api(
                Some(f.token(Role::PartnerAdmin)),
                Method::POST,
                &format!("/api/v1/partners/{}/integration-requests", f.partner_a),
                Some(r#"{"title":"Sync","customers":[{"name":"Acme","amount":5}]}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        assert_eq!(errors(&text)[0]["field"], "customers[0].amount", "{text}");
        // Not JSON at all stays a 400 without field errors.
        let (status, text) = f
            .api(Some(token), Method::POST, &raise, Some("{not json"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    })
    .await;
}

#[tokio::test]
async fn a_case_page_takes_its_reference_and_two_id_routes_a_bad_id_as_not_found() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let id = alpha_case(&f).await;
        let (_, text) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::GET,
                &format!("/api/v1/escalations/{id}"),
                None,
            )
            .await;
        let detail: serde_json::Value = serde_json::from_str(&text).unwrap();
        let reference = detail["case"]["reference"].as_str().unwrap().to_owned();
        assert!(reference.starts_with("ESC-0000"), "{text}");
        for typed in [reference.clone(), reference.to_lowercase()] {
            let (status, headers, page) = f.page(&session, &format!("/escalations/{typed}")).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{typed}: {page}");
            assert_eq!(headers["location"], format!("/escalations/{id}").as_str());
        }
        for missing in ["ESC-999999", "not-a-case"] {
            let (status, headers, page) =
                f.page(&session, &format!("/escalations/{missing}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {page}");
            assert!(
                headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html"),
                "{missing}"
            );
        }
        let case = format!("/escalations/{id}");
        for path in [
            format!("{case}/actions/not-an-id/done"),
            format!("/escalations/not-an-id/actions/{id}/done"),
        ] {
            let (status, headers, page) = f
                .post_form(&session, &path, &format!("csrf_token={csrf}"))
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {page}");
            assert!(
                headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html"),
                "{path}: {page}"
            );
        }
    })
    .await;
}
