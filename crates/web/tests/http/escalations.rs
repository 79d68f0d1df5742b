//! Escalation pages and API: raising a case with field errors next to the fields, our forms
//! on a case, and a partner's people never shown an internal note (page, API list, API
//! detail).

use super::*;

/// Partner A's P2 technical case "Portal login fails" raised through the form; its page's path.
async fn raise_portal_case(f: &Fixture, session: &str, csrf: &str) -> String {
    let (status, headers, page) = f
        .post_form(
            session,
            "/escalations",
            &format!(
                "csrf_token={csrf}&partner_id={}&issue=Portal+login+fails&category=technical&urgency=p2&occurred_on=2026-01-05",
                f.partner_a
            ),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    headers["location"].to_str().unwrap().to_owned()
}

/// Posts each (form path under the case, form fields) in turn; each is accepted.
async fn post_each(f: &Fixture, session: &str, csrf: &str, case: &str, steps: &[(&str, &str)]) {
    for (path, form) in steps {
        let (status, _, page) = f
            .post_form(
                session,
                &format!("{case}/{path}"),
                &format!("csrf_token={csrf}&{form}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {page}");
    }
}

#[tokio::test]
async fn a_case_is_raised_worked_and_its_notes_stay_ours() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/escalations/new").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");

        let (status, _, page) = f
            .post_form(
                &session,
                "/escalations",
                &format!(
                    "csrf_token={csrf}&partner_id={}&issue=&category=billing&urgency=p2&occurred_on=2099-01-01",
                    f.partner_a
                ),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let issue_field = page.find(r#"id="e-issue""#).unwrap();
        let issue_error = page.find(r#"<p class="error" id="e-issue-error">is required</p>"#).unwrap();
        assert!(page.contains(r#"id="e-issue" name="issue" aria-invalid="true" aria-describedby="e-issue-error e-issue-notice""#), "{page}");
        let category_field = page.find(r#"id="e-category""#).unwrap();
        assert!(issue_field < issue_error && issue_error < category_field, "{page}");
        assert!(page.contains("2099-01-01 is in the future"), "{page}");

        let case = raise_portal_case(&f, &session, &csrf).await;
        assert!(case.starts_with("/escalations/"), "{case}");
        let steps = [
            ("notes", "body=SECRET+pricing+exception"),
            ("updates", "body=We+are+on+it"),
            ("actions", "body=Reset+the+SSO+link&due_on=2028-06-30"),
            // The update acknowledged the case (version 2): our first word is the response.
            // The action moved the version on (3), so a resolution cannot race it.
            ("moves", "transition=start&version=3&message="),
        ];
        post_each(&f, &session, &csrf, &case, &steps).await;
        // A stale form: the case is at version 4 now.
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("{case}/moves"),
                &format!("csrf_token={csrf}&transition=wait_on_partner&version=2&message=Send+the+logs"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(
            page.contains("ESC-000002 was changed by someone else meanwhile: reload it and try again"),
            "{page}"
        );
        let pm_id = f.actor(Role::PartnerManager).user_id.unwrap();
        let (status, _, page) = f
            .post_form(&session, &format!("{case}/owner"), &format!("csrf_token={csrf}&owner_id={pm_id}&version="))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (status, _, page) = f.page(&session, &case).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");
        assert!(page.contains("<h1>Escalation ESC-000002</h1>"), "{page}");
        assert!(page.contains("SECRET pricing exception"), "{page}");
        assert!(page.contains("Reset the SSO link"), "{page}");
        assert!(page.contains("(not shown to the partner)"), "{page}");

        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&session, &case).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("We are on it"), "{page}");
        assert!(page.contains("Reset the SSO link"), "{page}");
        assert!(!page.contains("SECRET"), "{page}");
        assert!(!page.contains("pricing exception"), "{page}");
        assert!(page.contains(r#"<dd id="case-owner">partner_manager user</dd>"#), "{page}");
        assert!(page.contains(r#"<dd id="case-resolution-due">by "#), "{page}");
        let (_, _, list) = f.page(&session, "/escalations").await;
        assert!(list.contains("ESC-000002") && !list.contains("ESC-000001"), "{list}");

        let token = f.token(Role::PartnerUser);
        let (status, body) = f.api(Some(token), Method::GET, "/api/v1/escalations", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("ESC-000002") && !body.contains("SECRET"), "{body}");
        // The owner's name and the due instants, never the clocks or the owner's id.
        assert!(body.contains(r#""owner_name":"partner_manager user""#) && body.contains(r#""first_response_due_at":""#), "{body}");
        assert!(!body.contains("owner_id") && !body.contains(r#""first_response":"#), "{body}");
        let id = case.trim_start_matches("/escalations/");
        let (status, body) = f
            .api(Some(token), Method::GET, &format!("/api/v1/escalations/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("We are on it") && !body.contains("SECRET"), "{body}");
        assert!(!body.contains("internal_note"), "{body}");

        let (status, body) = f
            .api(
                Some(f.token(Role::Sales)),
                Method::GET,
                &format!("/api/v1/escalations/{id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("SECRET pricing exception"), "{body}");
        assert!(body.contains(r#""occurred_on":"2026-01-05""#), "days as dates: {body}");
        assert!(body.contains(r#""first_response":{"state":"met""#), "{body}");
    })
    .await;
}

#[tokio::test]
async fn the_escalation_paths_page_names_holders_and_refuses_partner_users_and_stale_edits() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f.page(&session, "/escalation-paths").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");
        assert!(
            page.contains("Each partner&#x27;s own manager")
                || page.contains("Each partner's own manager"),
            "{page}"
        );
        assert!(
            page.contains("<strong>Unfilled</strong>: the administrators are reached"),
            "{page}"
        );
        assert!(
            page.contains("A title nobody holds reaches the administrators instead."),
            "{page}"
        );

        let partner_user = f.actor(Role::PartnerUser).user_id.unwrap();
        let (status, _, page) = f
            .post_form(
                &session,
                "/escalation-paths",
                &format!("csrf_token={csrf}&title=alliances_lead&user_id={partner_user}"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains(r#"aria-describedby="holder-alliances_lead-error""#),
            "{page}"
        );
        assert!(page.contains("belongs to a partner organisation"), "{page}");

        let finance = f.actor(Role::Finance).user_id.unwrap();
        let (status, _, page) = f
            .post_form(
                &session,
                "/escalation-paths",
                &format!("csrf_token={csrf}&title=cfo&user_id={finance}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        // A second first naming: someone named the CFO meanwhile.
        let (status, _, page) = f
            .post_form(
                &session,
                "/escalation-paths",
                &format!("csrf_token={csrf}&title=cfo&user_id={finance}"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains(r#"id="paths-problem""#), "{page}");

        // A refusal says, as a sentence, who may.
        let (status, body) = f
            .api(
                Some(f.token(Role::Executive)),
                Method::PUT,
                "/api/v1/escalation-paths",
                Some(&format!(r#"{{"title":"cfo","user_id":"{finance}"}}"#)),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body.contains(r#""detail":"only a user whose role is Administrator may manage teams and name who holds escalation titles""#),
            "{body}"
        );
        let token = f.token(Role::Admin);
        let name_cfo = async |body: &str| {
            f.api(
                Some(token),
                Method::PUT,
                "/api/v1/escalation-paths",
                Some(body),
            )
            .await
        };
        let (status, body) = name_cfo(&format!(
            r#"{{"title":"cfo","user_id":"{finance}","version":7}}"#
        ))
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = name_cfo(&format!(
            r#"{{"title":"cfo","user_id":"{partner_user}","version":1}}"#
        ))
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("\"user_id\""), "{body}");
        let (status, body) = f
            .api(Some(token), Method::GET, "/api/v1/escalation-paths", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let cfo = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == "cfo")
            .unwrap();
        assert_eq!(cfo["user_id"], finance.to_string());
        assert_eq!(cfo.get("holder_id"), None, "one name for the holder: {cfo}");
        assert_eq!(cfo["version"], 1);
        assert_eq!(cfo["topics"], serde_json::json!(["commission_dispute"]));
        // What GET says is what PUT takes: the item's own fields name the same holder again.
        let again = serde_json::json!({
            "title": cfo["title"], "user_id": cfo["user_id"], "version": cfo["version"]
        });
        let (status, body) = f
            .api(
                Some(token),
                Method::PUT,
                "/api/v1/escalation-paths",
                Some(&again.to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains(&format!(r#""user_id":"{finance}""#)), "{body}");
    })
    .await;
}

/// The list's next page keeps the filters the page was asked with.
#[tokio::test]
async fn the_escalation_list_pages_with_its_filters() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        for issue in ["First+outage", "Second+outage"] {
            let (status, _, page) = f
                .post_form(
                    &session,
                    "/escalations",
                    &format!(
                        "csrf_token={csrf}&partner_id={}&issue={issue}&category=technical&urgency=p2&occurred_on=2026-01-05",
                        f.partner_a
                    ),
                )
                .await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        }
        let (status, _, page) = f.page(&session, "/escalations?category=technical&urgency=p2&limit=1").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let next = page
            .split(r#"<a href=""#)
            .find(|a| a.contains(r#"rel="next""#))
            .and_then(|a| a.split('"').next())
            .expect("a full page links the next")
            .replace("&#38;", "&");
        assert!(next.starts_with("/escalations?category=technical&urgency=p2&cursor="), "{next}");
    })
    .await;
}

/// A resolution is refused while a remediation action is open (the error names it), and the
/// resolved case's page says when it closes by itself.
#[tokio::test]
async fn a_resolved_case_shows_when_it_closes_by_itself() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let case = raise_portal_case(&f, &session, &csrf).await;
        let steps = [
            ("updates", "body=We+are+on+it"),
            ("actions", "body=Reset+the+SSO+link&due_on="),
            ("moves", "transition=start&version=3&message="),
        ];
        post_each(&f, &session, &csrf, &case, &steps).await;
        let resolve = format!("csrf_token={csrf}&transition=resolve&version=4&message=Fixed");
        let (status, _, page) = f.post_form(&session, &format!("{case}/moves"), &resolve).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("mark the open remediation actions done before resolving: \u{201c}Reset the SSO link\u{201d}"),
            "{page}"
        );
        assert!(!page.contains("case-auto-close"), "{page}");
        let (_, _, page) = f.page(&session, &case).await;
        let action = page.split(&format!("{case}/actions/")).nth(1).unwrap();
        let action = &action[..36];
        let (status, _, page) = f
            .post_form(&session, &format!("{case}/actions/{action}/done"), &format!("csrf_token={csrf}"))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (status, _, page) = f.post_form(&session, &format!("{case}/moves"), &resolve).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, _, page) = f.page(&session, &case).await;
        assert!(page.contains("<dt>Closes by itself</dt><dd id=\"case-auto-close\">"), "{page}");
        assert!(page.contains("unless the partner confirms or answers first</dd>"), "{page}");
    })
    .await;
}

/// A page id that is not one (a case's reference, a typo) answers the 404 error page.
#[tokio::test]
async fn a_bad_id_in_a_page_url_is_the_not_found_page() {
    each(|f| async move {
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        // Every page whose path names a record by id, not only the escalation pages.
        for path in [
            "/escalations/ESC-000020",
            "/escalations/nope/review",
            "/work/nope",
            "/deals/nope",
            "/partners/nope",
            "/meetings/nope",
            "/integration-requests/INT-000001",
            "/contacts/nope/edit",
        ] {
            let (status, _, page) = f.page(&session, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {page}");
            assert!(
                page.contains("There is no such record, or it is not yours to see."),
                "{path}: {page}"
            );
        }
    })
    .await;
}
