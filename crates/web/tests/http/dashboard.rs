//! The program dashboard page, its API and downloads; who may open them.

use super::*;
use domain::Choice;

#[tokio::test]
async fn the_dashboard_shows_formatted_figures_with_charts_and_downloads() {
    each(|f| async move {
        let today = store::now().date();
        let registered = today - time::Duration::days(10);
        let close = domain::quarter::Quarter::containing(today).next().first_day();
        let file = format!(
            "{DEALS_HEADER}alpha.com,Big Co,Retail,emea,1405000,USD,{today},Sync,discovery,100,Ana,won,{registered},{today},1405000\n\
             bravo.com,Small Co,Retail,emea,4000,USD,{close},Sync,discovery,25,Bo,submitted,{today},,\n"
        );
        f.import_deals(&file).await;

        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/dashboard").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1);
        assert!(page.contains("<a href=\"/dashboard\">Dashboard</a>"), "{page}");
        // The quarter's partner revenue, linked to the wins behind it.
        assert!(
            page.contains("<a href=\"/deals?status=won\">$1,405,000</a>"),
            "{page}"
        );
        // 10 days from registration to close against 45: on target, in words.
        assert!(page.contains("10 days"), "{page}");
        assert!(page.contains("<strong>On target</strong>"), "{page}");
        assert!(page.contains("No data yet"), "{page}");
        // Bravo, a reseller without a region: the fixture's $20,000 at 30 % ($6,000) and
        // $4,000 at 25 % ($1,000): $24,000, $7,000 weighted.
        assert!(page.contains("<a href=\"/deals?open=true&#38;partner_type=reseller\">Reseller / channel</a></th><td class=\"num\"><a href=\"/deals?open=true&#38;partner_type=reseller\">1 partner</a></td><td class=\"num\"><a href=\"/deals?open=true&#38;partner_type=reseller\">2 deals</a></td><td class=\"num\"><a href=\"/deals?open=true&#38;partner_type=reseller\">$24,000</a></td><td class=\"num\"><a href=\"/deals?open=true&#38;partner_type=reseller\">$7,000</a></td>"), "{page}");
        assert!(page.contains("No region"), "{page}");
        assert!(page.contains("/deals?open=true&#38;partner_type=reseller"), "{page}");
        assert!(page.contains("<svg"), "{page}");
        assert!(page.contains("/dashboard/export?table=tiers&#38;format=xlsx"), "{page}");

        let (status, headers, csv) = f
            .page(&session, "/dashboard/export?table=pipeline_by_type&format=csv")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"dashboard-pipeline-by-type.csv\""
        );
        assert_eq!(
            csv.replace("\r\n", "\n"),
            "Group,Partners,Deals,Value,Value currency,Weighted,Weighted currency\n\
             Reseller / channel,1,2,24000.00,USD,7000.00,USD\n"
        );

        use calamine::{Data, Reader};
        let mut book = f
            .workbook("/dashboard/export?table=metrics&format=xlsx", ("cookie", format!("partneros_session={session}")))
            .await;
        let sheet = book.worksheet_range("Success metrics").unwrap();
        assert_eq!(sheet.get((0, 0)), Some(&Data::String("Metric".into())));
        assert_eq!(
            sheet.get((3, 0)),
            Some(&Data::String("Partner-sourced revenue".into()))
        );
        assert_eq!(sheet.get((3, 1)), Some(&Data::Float(1_405_000.0)));

        // The API: the same figures, and a precise 422.
        let token = f.token(Role::Executive);
        let (status, body) = f
            .api(Some(token), Method::GET, "/api/v1/dashboard", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["currency"], "USD");
        assert_eq!(json["metrics"][2]["key"], "partner_revenue");
        assert_eq!(json["metrics"][2]["actual"], "1405000.00");
        f.assert_fields_refused(
            token,
            &[
                ("/api/v1/dashboard?quarter=2026Q5", "quarter"),
                ("/api/v1/dashboard?tier=diamond", "tier"),
                (
                    "/api/v1/dashboard?owner=0191c2a4-0000-7000-8000-000000000000",
                    "owner",
                ),
                (
                    "/api/v1/dashboard/export?table=everything&format=csv",
                    "table",
                ),
            ],
        )
        .await;

        // The page names a bad field next to the form.
        let (status, _, page) = f.page(&session, "/dashboard?quarter=2026Q5").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("quarter: &#39;2026Q5&#39; is not a quarter") || page.contains("quarter: &#x27;2026Q5&#x27; is not a quarter"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn the_dashboard_pages_are_for_our_people_only() {
    each(|f| async move {
        for role in Role::ALL.iter().copied() {
            let email = match role {
                Role::Admin => "admin@vendor.test".to_owned(),
                r if r.is_partner_side() => format!("{}@alpha.example", r.as_str()),
                r => format!("{}@test.example", r.as_str()),
            };
            let (session, _) = f.sign_in(&email).await;
            let expected = if role.is_partner_side() {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            };
            for path in ["/dashboard", "/dashboard/export?table=health&format=xlsx"] {
                let (status, _, _) = f.page(&session, path).await;
                assert_eq!(status, expected, "{role:?} {path}");
            }
        }
    })
    .await;
}
