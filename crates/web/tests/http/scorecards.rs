//! The scorecard and health pages and their API: figures written for people, a chart with
//! its table, our fields and the health score only for our people.

use super::*;

#[tokio::test]
async fn scorecard_and_health_pages_for_our_people_and_the_partner_s_own() {
    each(|f| async move {
        let b = f.partner_b;
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, &format!("/partners/{b}/scorecard")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1);
        assert!(page.contains("Scorecard of Bravo Ltd, "), "{page}");
        // Bravo's one registration, $20,000, registered today; the figure links to its list.
        assert!(
            page.contains(&format!("<a href=\"/deals?partner={b}\">$20,000</a>")),
            "{page}"
        );
        assert!(
            page.contains("1 registration registered in the quarter"),
            "{page}"
        );
        // Bo holds a certification; Bea does not.
        assert!(
            page.contains(">50%</a>")
                && page.contains("1 of 2 people with an active certification"),
            "{page}"
        );
        assert!(page.contains("4 of 5, Go"), "{page}");
        assert!(
            page.contains("IPP fit") && page.contains("no data yet"),
            "{page}"
        );
        assert!(page.contains("MDF: no data yet"), "{page}");
        assert!(
            page.contains("aria-labelledby=\"arr-trend-title\"")
                && page.contains("<div class=\"table-scroll\">"),
            "{page}"
        );
        assert!(!page.contains("1405000"), "figures are formatted");

        let (status, _, page) = f
            .page(
                &session,
                &format!("/partners/{b}/scorecard?quarter=2026-Q9"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");

        let (status, _, page) = f.page(&session, &format!("/partners/{b}/health")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Health of Bravo Ltd"), "{page}");
        assert!(
            page.contains("no satisfaction survey yet")
                && page.contains("no data yet: its weight is spread over the others"),
            "{page}"
        );
        assert!(
            page.contains("aria-labelledby=\"health-components-title\""),
            "{page}"
        );
        assert!(
            page.contains("The daily job has not recorded this partner&#x27;s health yet.")
                || page.contains("The daily job has not recorded this partner's health yet."),
            "{page}"
        );

        // The same in the API, with the daily history after a run.
        f.services
            .recompute_health(store::now().date())
            .await
            .unwrap();
        let token = f.token(Role::PartnerManager);
        let (status, body) = f
            .api(
                Some(token),
                Method::GET,
                &format!("/api/v1/partners/{b}/health?limit=1"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let health: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(health["history"]["items"].as_array().unwrap().len(), 1);
        assert_eq!(health["now"]["components"][4]["key"], "satisfaction");
        let (_, body) = f
            .api(Some(token), Method::GET, "/api/v1/health?limit=200", None)
            .await;
        assert!(body.contains("Bravo"), "{body}");

        // A partner's people: their own scorecard without our fields, no health, nothing of B.
        let a = f.partner_a;
        let (user, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, own) = f.page(&user, &format!("/partners/{a}/scorecard")).await;
        assert_eq!(status, StatusCode::OK, "{own}");
        assert!(
            !own.contains("IPP fit") && !own.contains("Health score"),
            "{own}"
        );
        let (status, _, _) = f.page(&user, &format!("/partners/{a}/health")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, other) = f.page(&user, &format!("/partners/{b}/scorecard")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!other.contains("Bravo"));
        let (_, body) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::GET,
                &format!("/api/v1/partners/{a}/scorecard"),
                None,
            )
            .await;
        assert!(
            !body.contains("internal") && body.contains("\"trend\""),
            "{body}"
        );
    })
    .await;
}
