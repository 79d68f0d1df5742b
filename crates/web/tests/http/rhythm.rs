//! Meetings through the portal and the API: the form's field errors next to the fields, the
//! pack's Markdown and print-ready HTML downloads, the quarterly review's pack, and partners
//! refused.

use super::*;

#[tokio::test]
async fn a_meeting_is_recorded_through_the_form_with_errors_next_to_fields() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/meetings/new").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let (status, _, page) = f
            .post_form(
                &session,
                "/meetings",
                &format!("csrf_token={csrf}&kind=daily&held_on=2099-01-01"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let kind_field = page.find(r#"id="m-kind""#).unwrap();
        let kind_error = page
            .find(r#"<p class="error" id="m-kind-error">&#39;daily&#39; is not one of"#)
            .unwrap();
        let held_field = page.find(r#"id="m-held-on""#).unwrap();
        assert!(kind_field < kind_error && kind_error < held_field, "{page}");
        assert!(
            page.contains(r#"aria-describedby="m-kind-error""#),
            "{page}"
        );

        let me = f.actor(Role::PartnerManager).user_id.unwrap();
        let (status, headers, page) = f
            .post_form(
                &session,
                "/meetings",
                &format!("csrf_token={csrf}&kind=monthly_sync&held_on=2026-02-10&attendees={me}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let location = headers["location"].to_str().unwrap().to_owned();
        let (status, _, page) = f.page(&session, &location).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("<h1>Monthly cross-functional sync, February 2026</h1>"),
            "{page}"
        );
        assert!(page.contains("Covers 1 Feb 2026 to 28 Feb 2026, read as of 28 Feb 2026."));
        assert!(page.contains(r#"id="pack-open_escalations""#), "{page}");

        // Another day of February: refused, the form shown again linking the first.
        let (status, _, page) = f
            .post_form(
                &session,
                "/meetings",
                &format!("csrf_token={csrf}&kind=monthly_sync&held_on=2026-02-20&attendees={me}"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(
            page.contains(&format!(
                r#"<a href="{location}">Monthly cross-functional sync, February 2026</a> is already recorded"#
            )),
            "{page}"
        );
        assert!(page.contains(r#"id="meeting-form""#), "{page}");

        let (status, _, page) = f
            .post_form(
                &session,
                &format!("{location}/actions"),
                &format!("csrf_token={csrf}&text=Chase+Bravo&owner_id={me}&due_on="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains(r#"<p class="error" id="a-due-error">is required</p>"#),
            "{page}"
        );
        assert!(page.contains(r#"aria-describedby="a-due-error""#), "{page}");
        assert!(
            page.contains("Chase Bravo</textarea>"),
            "what was typed is kept: {page}"
        );

        let (partner, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&partner, "/meetings").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = f
            .page(&partner, &format!("/meetings/{}/pack.md", f.meeting))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_pack_downloads_as_markdown_and_opens_as_print_ready_html_with_absolute_links() {
    each(|f| async move {
        let token = f.token(Role::Executive);
        // Who recorded a decision is the caller, never a field of the form.
        let (status, body) = f
            .api(
                Some(token),
                Method::POST,
                &format!("/api/v1/meetings/{}/decisions", f.meeting),
                Some(&format!(
                    r#"{{"text":"Bravo joins the pilot","recorded_by":"{}"}}"#,
                    f.meeting
                )),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = f
            .api(
                Some(token),
                Method::POST,
                &format!("/api/v1/meetings/{}/decisions", f.meeting),
                Some(r#"{"text":"Bravo joins the pilot"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let detail: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            detail["decisions"][0]["recorded_by"]["name"],
            "executive user"
        );

        let (session, _) = f.sign_in("sales@test.example").await;
        let (status, _, page) = f.page(&session, &format!("/meetings/{}", f.meeting)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("<li>Bravo joins the pilot <small>executive user, "),
            "{page}"
        );
        assert!(
            page.contains(&format!(
                r#"<a href="/meetings/{}/pack.html">Print</a>"#,
                f.meeting
            )),
            "{page}"
        );
        let (status, headers, text) = f
            .page(&session, &format!("/meetings/{}/pack.md", f.meeting))
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(headers["content-type"], "text/markdown; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"weekly_standup-2026-01-05.md\""
        );
        assert!(
            text.starts_with("# Weekly partner standup, week of 5 Jan 2026\n"),
            "{text}"
        );
        assert!(text.contains("\nCovers 5 Jan 2026 to 11 Jan 2026, read as of 11 Jan 2026.\n"));
        assert!(text.contains("\n## Carried over\n"), "{text}");
        assert!(
            text.contains("\n- [ ] Send Bravo the co-selling plan — admin user, due 9 Jan 2026\n"),
            "{text}"
        );
        let decision = text
            .lines()
            .find(|l| l.starts_with("- Bravo joins the pilot — executive user, "))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(decision.ends_with(" UTC"), "{decision}");
        assert!(text.contains("](http://localhost:8080/"), "{text}");
        assert!(!text.contains("](/"), "every link absolute: {text}");

        let (status, headers, html) = f
            .send(
                Request::get(format!("/api/v1/meetings/{}/pack.html", f.meeting))
                    .header(
                        "authorization",
                        format!("Bearer {}", f.token(Role::Executive)),
                    )
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "inline; filename=\"weekly_standup-2026-01-05.html\""
        );
        assert!(html.starts_with("<!doctype html>"), "{html}");
        assert!(html.contains(r#"href="http://localhost:8080/"#), "{html}");
        assert!(!html.contains(r#"href="/"#), "every link absolute: {html}");
        assert!(
            html.contains("<li>Bravo joins the pilot <small>executive user, "),
            "{html}"
        );
        assert!(html.contains("<h1>Weekly partner standup, week of 5 Jan 2026</h1>"));
        assert!(html.contains("@media print"));
        // The file's own policy lets its one inline stylesheet apply, by the hash of its text.
        let style = &html[html.find("<style>").unwrap() + "<style>".len()..html.find("</style>").unwrap()];
        let hash = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style))
        };
        assert_eq!(
            headers["content-security-policy"],
            format!(
                "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; \
                 form-action 'none'; frame-ancestors 'none'"
            )
        );
        assert!(!headers["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
        // Through the portal too ("Print" opens it there).
        let (status, headers, page) = f
            .page(&session, &format!("/meetings/{}/pack.html", f.meeting))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains(&format!("<style>{style}</style>")));
        assert_eq!(
            headers["content-security-policy"].to_str().unwrap(),
            format!("default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        );
        assert!(!html.contains("<script"), "no scripts in the print file");
        assert!(html.contains(r#"<h2 id="pack-deals_in_flight-heading">Deals in flight</h2>"#));
    })
    .await;
}

#[tokio::test]
async fn the_api_names_bad_fields_and_builds_the_quarterly_review() {
    each(|f| async move {
        let token = f.token(Role::Executive);
        let (status, body) = f
            .api(
                Some(token),
                Method::POST,
                "/api/v1/meetings",
                Some(r#"{"kind":"quarterly_review","held_on":"","attendees":["nobody"]}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body.contains("\"held_on\"") && body.contains("\"attendees\""),
            "{body}"
        );
        let me = f.actor(Role::Executive).user_id.unwrap();
        let fixture = &f;
        let review = |held_on: &str| {
            let body = format!(
                r#"{{"kind":"quarterly_review","held_on":"{held_on}","attendees":["{me}"]}}"#
            );
            async move {
                fixture
                    .api(Some(token), Method::POST, "/api/v1/meetings", Some(&body))
                    .await
            }
        };
        let (status, body) = review("2026-02-10").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let detail: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            detail["pack"]["title"],
            "Quarterly executive review, 2026-Q1"
        );
        assert_eq!(detail["meeting"]["held_on"], "2026-02-10", "{body}");
        assert_eq!(
            detail["pack"]["period"],
            serde_json::json!({"first": "2026-01-01", "last": "2026-03-31"}),
        );
        let keys: Vec<&str> = detail["pack"]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert_eq!(
            keys,
            ["metrics", "tier_moves", "escalations", "carried_over"]
        );
        // The same quarter again: 409, naming the first.
        let first = detail["meeting"]["id"].as_str().unwrap().to_owned();
        let (status, body) = review("2026-03-31").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(
            body.contains(&format!(
                "Quarterly executive review, 2026-Q1 is already recorded: /meetings/{first}"
            )),
            "{body}"
        );
        let metrics = &detail["pack"]["sections"][0]["figures"];
        assert!(!metrics.as_array().unwrap().is_empty(), "{metrics}");
        assert_eq!(metrics[0]["link"], "/dashboard?quarter=2026-Q1");
        // Bravo's commission dispute was raised on the day the fixture ran, not in 2026-Q1.
        let escalations = &detail["pack"]["sections"][2]["figures"];
        assert_eq!(escalations[1]["label"], "Commission dispute");
    })
    .await;
}
