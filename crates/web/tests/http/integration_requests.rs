//! Integration request and internal survey pages and API: field errors next to the fields
//! (422), the loser of a race and a second answer refused (409), and the survey's results
//! without names.

use super::*;

#[tokio::test]
async fn a_request_is_submitted_with_field_errors_then_moved_once() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&session, "/integration-requests/new").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");
        // Every row offers the program currency (program.toml's USD), typed over at will.
        assert_eq!(
            page.matches(r#"maxlength="3" size="4" value="USD""#).count(),
            5,
            "{page}"
        );
        let (status, _, page) = f
            .post_form(
                &session,
                "/integration-requests",
                &format!(
                    "csrf_token={csrf}&title=Sync&system=Salesforce&description=Both+ways\
                     &customer_0_name=Acme&customer_0_amount=0&customer_0_currency=EUR"
                ),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let field = page.find(r#"id="c0-amount""#).unwrap();
        let error = page
            .find(r#"<p class="error" id="c0-amount-error">must be above zero</p>"#)
            .unwrap();
        let next = page.find(r#"id="c0-currency""#).unwrap();
        assert!(field < error && error < next, "{page}");
        assert!(page.contains(r#"aria-describedby="c0-amount-error""#), "{page}");

        let (status, headers, page) = f
            .post_form(
                &session,
                "/integration-requests",
                &format!(
                    "csrf_token={csrf}&title=Sync&system=Salesforce&description=Both+ways\
                     &customer_0_name=Acme&customer_0_amount=1000&customer_0_currency=EUR"
                ),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let request = headers["location"].to_str().unwrap().to_owned();
        let id = request.trim_start_matches("/integration-requests/").to_owned();

        // The API: a customer's error names its place in the list.
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::POST,
                &format!("/api/v1/partners/{}/integration-requests", f.partner_a),
                Some(r#"{"title":"Sync","description":"x","system":"SAP","customers":[{"name":"Acme","amount":"10","currency":"EUR"},{"name":"Globex","amount":"5","currency":"XYZ"}]}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("customers[1].currency"), "{body}");

        // The admin reviews it; a second move from the same version loses (409).
        let admin = f.token(Role::Admin);
        let path = format!("/api/v1/integration-requests/{id}/moves");
        let review = r#"{"transition":"review","version":1,"internal_note":"Roadmap Q3"}"#;
        let (status, body) = f.api(Some(admin), Method::POST, &path, Some(review)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = f.api(Some(admin), Method::POST, &path, Some(review)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = f
            .api(
                Some(admin),
                Method::POST,
                &path,
                Some(r#"{"transition":"decline"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("reason"), "{body}");

        // The partner's page shows the state, never the note.
        let (status, _, page) = f.page(&session, &request).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Under review") && !page.contains("Roadmap Q3"), "{page}");
        assert!(page.contains("<li>Acme: €1,000</li>"), "{page}");
        let (status, _, page) = f.page(&session, "/integration-requests").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Sync") && !page.contains("Revenue at stake"), "{page}");
        // Ours: the ranking with its download.
        let (admin_session, admin_csrf) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f.page(&admin_session, "/integration-requests").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Revenue at stake"), "{page}");
        let (status, headers, csv) = f
            .page(&admin_session, "/integration-requests/ranking?format=csv")
            .await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(csv.starts_with("Rank,Reference,Title"), "{csv}");

        // Merging names the duplicate by the reference the pages show.
        let merges = format!("{request}/merges");
        let (status, _, page) = f
            .post_form(
                &admin_session,
                &merges,
                &format!("csrf_token={admin_csrf}&duplicate=INT-000099"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains(
                r#"<p class="error" id="g-duplicate-error">no integration request is INT-000099</p>"#
            ),
            "{page}"
        );
        assert!(page.contains(r#"value="INT-000099""#), "what was typed is kept: {page}");
        let (status, _, page) = f
            .post_form(
                &admin_session,
                &merges,
                &format!("csrf_token={admin_csrf}&duplicate=INT-000001"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, _, page) = f.page(&admin_session, &request).await;
        assert!(page.contains("<dt>Duplicates merged in</dt><dd>INT-000001</dd>"), "{page}");
        assert!(
            page.contains("<dt>Revenue at stake</dt><dd>$5,000 from 2 customers of 2 partners"),
            "{page}"
        );
        assert!(page.contains("<li>Acme: €1,000</li>"), "{page}");
        // Bravo's customer came with the duplicate: listed, with its partner, to us.
        assert!(
            page.contains("<li>Bravo&#39;s customer: $5,000 <small>(Bravo Ltd, INT-000001)</small></li>"),
            "{page}"
        );
        // Bravo's person reads their request as merged, and nothing of Alpha's.
        let (bravo, _) = f.sign_in("victim@bravo.com").await;
        let (status, _, page) = f
            .page(&bravo, &format!("/integration-requests/{}", f.integration_request_b))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains(
                "<dd id=\"request-state\">Merged (reviewed together with another request): Under review</dd>"
            ),
            "{page}"
        );
        assert!(!page.contains("Acme") && !page.contains("Alpha"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn the_survey_is_answered_once_and_shows_no_names() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f
            .post_form(
                &session,
                "/internal-nps/rounds",
                &format!("csrf_token={csrf}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (status, _, page) = f.page(&session, "/internal-nps").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains(r#"id="nps-form""#), "{page}");
        let (status, _, page) = f
            .post_form(
                &session,
                "/internal-nps",
                &format!("csrf_token={csrf}&score=12"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(r#"id="n-score-error""#), "{page}");
        // The internal home's API carries the page's "survey open" prompt until one answers.
        let sales_home = async || {
            let (status, body) = f
                .api(
                    Some(f.token(Role::Sales)),
                    Method::GET,
                    "/api/v1/home",
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            serde_json::from_str::<serde_json::Value>(&body).unwrap()
        };
        let home = sales_home().await;
        assert_eq!(home["survey_open"], true, "{home}");
        for role in [Role::Admin, Role::Sales, Role::Finance] {
            let (status, body) = f
                .api(
                    Some(f.token(role)),
                    Method::POST,
                    "/api/v1/internal-nps/answers",
                    Some(r#"{"score":8,"comment":"Fast answers"}"#),
                )
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{role:?}: {body}");
        }
        let (status, body) = f
            .api(
                Some(f.token(Role::Sales)),
                Method::POST,
                "/api/v1/internal-nps/answers",
                Some(r#"{"score":"9"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::POST,
                "/api/v1/internal-nps/answers",
                Some(r#"{"score":"9"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (_, _, page) = f.page(&session, "/internal-nps").await;
        assert!(page.contains("Score 8.0 from 3 answers"), "{page}");
        assert!(page.contains("<li>Fast answers</li>"), "{page}");
        assert!(
            !page.contains("sales@test.example") && !page.contains("finance@test.example"),
            "{page}"
        );
        assert!(!page.contains(r#"id="nps-form""#), "answered: no form");
        let home = sales_home().await;
        assert_eq!(home["survey_open"], false, "{home}");
        // The dashboard's card lists the last rounds and links to the survey.
        let (status, _, page) = f.page(&session, "/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains(": 8.0 (<a href=\"/internal-nps\">the survey and its trend</a>)"),
            "{page}"
        );
    })
    .await;
}
