//! Escalation pages and API: raising a case with field errors next to the fields, our forms
//! on a case, and a partner's people never shown an internal note (page, API list, API
//! detail).

use super::*;

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
        let issue_error = page.find(r#"<p class="error">is required</p>"#).unwrap();
        let category_field = page.find(r#"id="e-category""#).unwrap();
        assert!(issue_field < issue_error && issue_error < category_field, "{page}");
        assert!(page.contains("2099-01-01 is in the future"), "{page}");

        let (status, headers, page) = f
            .post_form(
                &session,
                "/escalations",
                &format!(
                    "csrf_token={csrf}&partner_id={}&issue=Portal+login+fails&category=technical&urgency=p2&occurred_on=2026-01-05",
                    f.partner_a
                ),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let case = headers["location"].to_str().unwrap().to_owned();
        assert!(case.starts_with("/escalations/"), "{case}");
        for (path, form) in [
            ("notes", "body=SECRET+pricing+exception".to_string()),
            ("updates", "body=We+are+on+it".to_string()),
            ("actions", "body=Reset+the+SSO+link&due_on=2026-12-31".to_string()),
            ("moves", "transition=acknowledge&version=1&message=".to_string()),
        ] {
            let (status, _, page) = f
                .post_form(&session, &format!("{case}/{path}"), &format!("csrf_token={csrf}&{form}"))
                .await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {page}");
        }
        // A stale form: the case is at version 2 now.
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("{case}/moves"),
                &format!("csrf_token={csrf}&transition=start&version=1&message="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("ESC-000002 was changed by someone else meanwhile: reload it and try again"),
            "{page}"
        );
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
        let (_, _, list) = f.page(&session, "/escalations").await;
        assert!(list.contains("ESC-000002") && !list.contains("ESC-000001"), "{list}");

        let token = f.token(Role::PartnerUser);
        let (status, body) = f.api(Some(token), Method::GET, "/api/v1/escalations", None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("ESC-000002") && !body.contains("SECRET"), "{body}");
        assert!(!body.contains("owner") && !body.contains("first_response"), "{body}");
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
        assert!(body.contains(r#""first_response":{"state":"met""#), "{body}");
    })
    .await;
}
