//! Escalation insight over HTTP: the post-resolution review (422 naming fields, 409 on a
//! stale edit, never shown to a partner's people), the trends page, its API and its CSV.

use super::*;
use domain::quarter::Quarter;
use services::escalations::{Escalation, Move};

/// Partner A's case raised, worked and resolved by our admin; its id.
async fn resolved_case(f: &Fixture) -> uuid::Uuid {
    let s = &f.services;
    let admin = f.actor(Role::Admin);
    let form = domain::escalations::Form {
        issue: "Commission paid at the old rate".into(),
        category: "commission_dispute".into(),
        urgency: "p2".into(),
        occurred_on: "2026-01-05".into(),
    };
    let id = match s
        .submit_escalation(admin, f.partner_a, &form)
        .await
        .unwrap()
    {
        Escalation::Ours(d) => d.case.id,
        Escalation::Partners(d) => d.case.id,
    };
    for transition in ["acknowledge", "start", "resolve"] {
        let step = Move {
            transition: transition.into(),
            version: None,
            message: "Paid the difference".into(),
            ..Default::default()
        };
        s.move_escalation(admin, id, &step).await.unwrap();
    }
    id
}

const REVIEW: &str = r#"{"what_happened":"Paid at the old rate","root_cause":"INTERNAL rate table stale","lessons":"Rates change at quarter end","prevention":"Reload rates at quarter close","follow_ups":"Add it to the checklist"}"#;

#[tokio::test]
async fn a_review_is_checked_versioned_and_kept_from_partners() {
    each(|f| async move {
        let id = resolved_case(&f).await;
        let api = format!("/api/v1/escalations/{id}/review");
        let admin = Some(f.token(Role::Admin));
        let (status, body) = f.api(admin, Method::GET, &api, None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));

        let (status, body) = f
            .api(admin, Method::PUT, &api, Some(r#"{"what_happened":"x"}"#))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        for field in ["root_cause", "lessons", "prevention"] {
            assert!(body.contains(&format!("\"{field}\"")), "{field}: {body}");
        }
        assert!(!body.contains("\"follow_ups\""), "optional: {body}");

        let (status, body) = f.api(admin, Method::PUT, &api, Some(REVIEW)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let written: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(written["version"], 1);
        let edit = REVIEW.replacen('{', r#"{"version":1,"#, 1);
        let (status, body) = f.api(admin, Method::PUT, &api, Some(&edit)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The same edit again is at a version gone by.
        let (status, body) = f.api(admin, Method::PUT, &api, Some(&edit)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("version 2"), "{body}");

        // The page shows it to our people, its errors next to their fields.
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let page_path = format!("/escalations/{id}/review");
        let (status, _, page) = f.page(&session, &page_path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");
        assert!(page.contains("INTERNAL rate table stale"), "{page}");
        let (status, _, page) = f
            .post_form(
                &session,
                &page_path,
                &format!(
                    "csrf_token={csrf}&version=2&what_happened=Late&root_cause=&lessons=L&prevention=P&follow_ups="
                ),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let field = page.find(r#"id="r-cause""#).unwrap();
        let error = page
            .find(r#"<p class="error" id="r-cause-error">is required</p>"#)
            .unwrap();
        assert!(field < error, "{page}");
        assert!(page.contains(r#"aria-describedby="r-cause-error""#), "{page}");
        let (_, _, case_page) = f.page(&session, &format!("/escalations/{id}")).await;
        assert!(case_page.contains(&format!(r#"href="/escalations/{id}/review""#)));

        // A partner's people: no review, on the page or through the API.
        let (partner, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&partner, &page_path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
        assert!(!page.contains("INTERNAL"), "{page}");
        let (_, case_page) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::GET,
                &format!("/api/v1/escalations/{id}"),
                None,
            )
            .await;
        assert!(!case_page.contains("INTERNAL"), "{case_page}");
    })
    .await;
}

#[tokio::test]
async fn the_trends_page_api_and_csv_agree() {
    each(|f| async move {
        // The fixture's case of partner B and this one: both submitted this quarter.
        resolved_case(&f).await;
        let quarter = Quarter::containing(store::now().date()).to_string();
        let admin = Some(f.token(Role::Admin));
        let (status, body) = f
            .api(admin, Method::GET, "/api/v1/escalations/trends", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let view: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(view["quarter"], quarter.as_str());
        let last = &view["quarters"][3];
        assert_eq!(last["cases"], 2);
        assert_eq!(last["reviews_missing"], 1);
        assert_eq!(last["resolution_days"]["cases"], 1);

        let (status, body) = f
            .api(
                admin,
                Method::GET,
                "/api/v1/escalations/trends?quarter=2026-Q9",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("\"quarter\""), "{body}");

        let (status, csv) = f
            .api(
                admin,
                Method::GET,
                "/api/v1/escalations/trends/export?format=csv",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "Quarter,Cases,Channel conflict,Commission dispute,MDF,Technical,Contractual,Other,\
             P1,P2,P3,P4,Median hours to first response (one decimal),\
             P90 hours to first response (one decimal),\
             Median days to resolution (one decimal),P90 days to resolution (one decimal),\
             Response breaches,Resolution breaches,Repeat partners,Reviews missing"
        );
        assert_eq!(lines.len(), 5, "{csv}");
        // Two commission disputes, both P2; one acknowledged and resolved within
        // seconds (0.0 hours, 0.0 days: one decimal always, never "0"), none breached, no
        // partner twice, one resolved and unreviewed.
        assert_eq!(
            lines[4],
            format!("{quarter},2,0,2,0,0,0,0,0,2,0,0,0.0,0.0,0.0,0.0,0,0,0,1"),
            "{csv}"
        );

        let (session, _) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f.page(&session, "/escalations/trends").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");
        assert_eq!(page.matches("<svg").count(), 2, "{page}");
        let cases = format!(
            r#"href="/escalations?quarter={quarter}&#38;category=commission_dispute">2</a>"#
        );
        assert!(page.contains(&cases), "{page}");
        let unreviewed =
            format!(r#"href="/escalations?quarter={quarter}&#38;unreviewed=true">1</a>"#);
        assert!(page.contains(&unreviewed), "{page}");
        assert!(page.contains("P1 in calendar hours"), "{page}");
        let (status, _, page) = f.page(&session, "/escalations/trends?quarter=soon").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(r#"id="t-quarter-error""#), "{page}");

        let (partner, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&partner, "/escalations/trends").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
