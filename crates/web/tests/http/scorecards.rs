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

/// The quarter `back` quarters before today's, e.g. "2026-Q4", worked out from the date.
fn quarter(back: i32) -> String {
    let today = store::now().date();
    let index = today.year() * 4 + (i32::from(u8::from(today.month())) - 1) / 3 - back;
    format!("{}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1)
}

#[tokio::test]
async fn scorecard_and_health_downloads_name_their_columns() {
    each(|f| async move {
        let b = f.partner_b;
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, headers, csv) = f
            .page(&session, &format!("/partners/{b}/scorecard/export?format=csv"))
            .await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"scorecard.csv\""
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 9, "a header and eight quarters: {csv}");
        // No quarter had a win, so the average deal size has no amount and no currency column.
        assert_eq!(
            lines[0],
            "Quarter,Won,Won currency,Won deals,ARR,ARR currency,Net new ARR,Net new ARR currency,Average deal size,Average deal size growth,Pipeline created,Pipeline created currency,Registered,Decided,Decided won,Conversion,People,Certified people,People certified,Joint calls,Joint meetings,Leads accepted,Commitment of 5 (3C/4C),Commitment band,IPP fit (of 100),Risks"
        );
        // Seven quarters back: nothing recorded yet, not even the 3C/4C evaluation; its two
        // people (contacts carry no start day) held no certification then: 0 of 2.
        assert_eq!(
            lines[1],
            format!("{},0.00,USD,0,0.00,USD,0.00,USD,,,0.00,USD,0,0,0,,2,0,0,0,0,0,,,,", quarter(7))
        );
        // This quarter: Bravo's $20,000 registration, Bo certified of Bo and Bea (50%), its
        // 3C/4C evaluation (commitment 4: Go); no IPP assessment.
        assert_eq!(
            lines[8],
            format!("{},0.00,USD,0,0.00,USD,0.00,USD,,,20000.00,USD,1,0,0,,2,1,50,0,0,0,4,Go,,", quarter(0))
        );

        // A partner's people: their own, without our columns; another's is not found.
        let a = f.partner_a;
        let (user, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, own) = f
            .page(&user, &format!("/partners/{a}/scorecard/export?format=csv&quarter={}", quarter(0)))
            .await;
        assert_eq!(status, StatusCode::OK, "{own}");
        assert!(
            own.starts_with("Quarter,Won,Won currency,")
                && own.lines().next().unwrap().ends_with(",Leads accepted,Commitment of 5 (3C/4C),Commitment band"),
            "{own}"
        );
        let (status, _, other) = f
            .page(&user, &format!("/partners/{b}/scorecard/export?format=csv"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!other.contains("Bravo"), "{other}");
        let (status, _, _) = f
            .page(&user, &format!("/partners/{a}/health/export?format=csv"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::GET,
                &format!("/api/v1/partners/{b}/scorecard/export?format=csv"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::GET,
                &format!("/api/v1/partners/{a}/scorecard/export?format=pdf"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("\"format\""), "{body}");

        // The health history: one row per recorded day, the newest first.
        f.services
            .recompute_health(store::now().date())
            .await
            .unwrap();
        let (status, _, csv) = f
            .page(&session, &format!("/partners/{b}/health/export?format=csv"))
            .await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert_eq!(
            lines[0],
            "Day,Score (of 100),Band,Revenue (of 100),Engagement (of 100),Capability (of 100),Growth (of 100),Satisfaction (of 100),Flags,Early-risk flags"
        );
        assert!(lines[1].starts_with(&store::now().date().to_string()), "{csv}");
        assert!(lines[1].contains(",,"), "satisfaction has no data yet: {csv}");
    })
    .await;
}
