//! The partner page and the facts API say where each figure came from, an IPP red flag is
//! overridden from the page or the API, and a partner's people never see the IPP score or
//! its source — on both databases.

mod common;

use axum::http::{Method, StatusCode};
use common::Fixture;
use domain::program::history::QuarterFactsInput;
use domain::program::ipp::IppInput;
use domain::roles::Role;
use store::testing::BACKENDS;

#[tokio::test]
async fn the_page_and_the_api_name_each_figures_source() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let s = &f.services;
        let pm = f.actor(Role::PartnerManager);
        let a = f.partner_a;
        let today = store::now().date();
        let typed = QuarterFactsInput {
            sourced_revenue: "50000".into(),
            certified_people: "2".into(),
            ipp_score: "40".into(),
            ..Default::default()
        };
        s.set_quarter_facts(pm, a, &typed).await.unwrap();
        let program = domain::program::shipped();
        let input = IppInput {
            scores: program
                .ipp
                .categories
                .iter()
                .flat_map(|c| c.criteria.iter().map(|k| (k.key.clone(), "3".to_owned())))
                .collect(),
            red_flags: vec!["direct_competitor".into()],
            notes: String::new(),
        };
        let assessment = s.assess_ipp(pm, a, &input).await.unwrap();

        let path = format!("/partners/{a}");
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, page) = f.page(&session, &format!("{path}/tier")).await;
        let sources = format!(
            "Read from: revenue $50,000 in 12 months (typed); 2 certified people, 0 advanced (typed); IPP 60 (assessment of {today})."
        );
        assert!(page.contains(&sources), "{page}");
        let (_, _, page) = f.page(&session, &format!("{path}/evaluations")).await;
        assert!(page.contains(r#"id="ipp-blocks""#), "{page}");
        let form = format!("csrf_token={csrf}&reason=a+settled+dispute");
        let override_path = format!("/ipp-assessments/{}/red-flag-override", assessment.id);
        let (status, _, _) = f.post_form(&session, &override_path, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("{path}/evaluations")).await;
        assert!(
            page.contains("Red flag overridden by partner_manager@test.example: a settled dispute"),
            "{page}"
        );
        let again = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::POST,
                &format!("/api/v1{override_path}"),
                Some(r#"{"reason":"again"}"#),
            )
            .await;
        assert_eq!(again.0, StatusCode::CONFLICT, "{}", again.1);

        let facts = format!("/api/v1/partners/{a}/facts");
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::GET,
                &facts,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let now = json["quarters"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(now["ipp_score"], "60");
        assert_eq!(
            now["sources"],
            serde_json::json!({
                "sourced_revenue": "typed",
                "certified_people": "typed",
                "ipp_score": format!("assessment of {today}"),
            })
        );

        // The partner's own people: sources, but no IPP score, assessment or override.
        let (status, body) = f
            .api(Some(f.token(Role::PartnerUser)), Method::GET, &facts, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains(r#""certified_people":"typed""#), "{body}");
        assert!(
            !body.contains("ipp_score") && !body.contains("assessment"),
            "{body}"
        );
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::POST,
                &format!("/api/v1{override_path}"),
                Some(r#"{"reason":"we are fine"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, page) = f.page(&session, &format!("{path}/tier")).await;
        assert!(
            page.contains(
                "Read from: revenue $50,000 in 12 months (typed); 2 certified people, 0 advanced (typed)."
            ),
            "{page}"
        );
        let (_, _, evaluations) = f.page(&session, &format!("{path}/evaluations")).await;
        for page in [page, evaluations] {
            for internal in [
                "IPP 60",
                "assessment of",
                "<th class=\"num\">IPP</th>",
                "red flag",
            ] {
                assert!(!page.contains(internal), "{internal} in {page}");
            }
        }
    }
}
