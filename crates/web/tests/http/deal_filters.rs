//! The registration list's filters (partner tier, type, region, manager, quarter of expected
//! close, forecast category, the open pipeline) and the partner list's health filter: each
//! dashboard figure links to the list of exactly its records, and the list counts the same.

use super::*;
use domain::quarter::Quarter;
use services::deals::PipelineInput;

/// `path`'s items in the API, every one on the first page.
async fn items(f: &Fixture, token: &str, path: &str) -> Vec<serde_json::Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let (status, body) = f
        .api(
            Some(token),
            Method::GET,
            &format!("{path}{separator}limit=200"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(json["next_cursor"].is_null(), "{path}: one page");
    json["items"].as_array().unwrap().clone()
}

async fn json(f: &Fixture, token: &str, path: &str) -> serde_json::Value {
    let (status, body) = f.api(Some(token), Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The page's link `href` (as askama writes `&`), followed in the API: its items.
async fn follow(f: &Fixture, token: &str, page: &str, href: &str) -> usize {
    assert!(
        page.contains(&format!("href=\"{}\"", href.replace('&', "&#38;"))),
        "{href} is not on the page: {page}"
    );
    items(f, token, &format!("/api/v1{href}")).await.len()
}

/// Seeds, besides the fixture's Bravo (bronze, one open registration): Alpha (registered)
/// with open registrations closing in the next quarter and the one after and a win;
/// Charlie (gold, covering EMEA and APAC) with two open registrations in the next quarter, one in
/// commit; Delta (registered, archived) with one open registration the dashboard leaves out.
async fn seed(f: &Fixture) -> Quarter {
    let admin = f.actor(Role::Admin).clone();
    let charlie = f
        .services
        .create_partner(
            &admin,
            &domain::partners::PartnerInput {
                regions: vec!["emea".into(), "apac".into()],
                ..common::partner_input("Charlie")
            },
        )
        .await
        .unwrap()
        .id;
    f.services
        .set_tier_manually(&admin, charlie, "gold", "strategic")
        .await
        .unwrap();
    let delta = f
        .services
        .create_partner(&admin, &common::partner_input("Delta"))
        .await
        .unwrap()
        .id;
    let today = store::now().date();
    let next = Quarter::containing(today).next();
    let (close, later) = (next.first_day(), next.next().first_day());
    let registered = today - time::Duration::days(10);
    let file = format!(
        "{DEALS_HEADER}alpha.com,Alpha One,Retail,emea,1000,USD,{close},Sync,discovery,50,Ana,submitted,{today},,\n\
         alpha.com,Alpha Two,Retail,emea,2000,USD,{later},Sync,discovery,50,Ana,submitted,{today},,\n\
         alpha.com,Alpha Won,Retail,emea,3000,USD,{today},Sync,discovery,100,Ana,won,{registered},{today},3000\n\
         charlie.com,Charlie One,Retail,emea,4000,USD,{close},Sync,discovery,50,Cy,submitted,{today},,\n\
         charlie.com,Charlie Two,Retail,emea,5000,USD,{close},Sync,discovery,50,Cy,submitted,{today},,\n\
         delta.com,Delta One,Retail,emea,6000,USD,{close},Sync,discovery,50,Di,submitted,{today},,\n"
    );
    let report = f
        .services
        .import_deals(&services::Actor::system("test"), &file, false, &|_| {})
        .await
        .unwrap();
    assert!(report.applied, "{:?}", report.errors);
    let manager = f.actor(Role::PartnerManager).clone();
    let charlie_two = f
        .services
        .deals(
            &manager,
            &services::deals::DealQuery {
                q: "Charlie Two".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0]
        .id;
    f.services
        .update_pipeline(
            &manager,
            charlie_two,
            &PipelineInput {
                stage: "discovery".into(),
                probability: "50".into(),
                forecast_category: "commit".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    f.services.archive_partner(&admin, delta).await.unwrap();
    f.services.recompute_health(today).await.unwrap();
    next
}

#[tokio::test]
async fn every_dashboard_figure_links_to_a_list_of_exactly_its_records() {
    each(|f| async move {
        let next = seed(&f).await;
        let token = f.token(Role::Executive);
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/dashboard").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let dashboard = json(&f, token, "/api/v1/dashboard").await;

        // Open pipeline by tier: Alpha's two open ones (not its win, not archived Delta's),
        // Bravo's one, Charlie's two.
        let by_tier: Vec<(String, u64)> = dashboard["pipeline_by_tier"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["key"].as_str().unwrap().to_owned(),
                    s["deals"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            by_tier,
            [
                ("bronze".to_owned(), 1),
                ("gold".to_owned(), 2),
                ("registered".to_owned(), 2)
            ]
        );
        for (tier, deals) in &by_tier {
            let listed = follow(&f, token, &page, &format!("/deals?open=true&tier={tier}")).await;
            assert_eq!(listed as u64, *deals, "{tier}");
        }
        // By type: every partner is a reseller; by region: Charlie alone covers EMEA.
        assert_eq!(dashboard["pipeline_by_type"][0]["deals"], 5);
        assert_eq!(
            follow(&f, token, &page, "/deals?open=true&partner_type=reseller").await,
            5
        );
        let emea = dashboard["pipeline_by_region"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "emea")
            .unwrap();
        assert_eq!(emea["deals"], 2);
        assert_eq!(
            follow(&f, token, &page, "/deals?open=true&region=emea").await,
            2
        );
        // Alpha and Bravo cover no region: their three open ones.
        let no_region = dashboard["pipeline_by_region"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "")
            .unwrap();
        assert_eq!(no_region["deals"], 3);
        assert_eq!(
            follow(&f, token, &page, "/deals?open=true&region=none").await,
            3
        );
        // Filtered to EMEA, the APAC slice is the partners covering both: Charlie's two.
        let (_, _, emea_page) = f.page(&session, "/dashboard?region=emea").await;
        assert_eq!(
            follow(&f, token, &emea_page, "/deals?open=true&region=emea%2Capac").await,
            2
        );
        assert!(
            emea_page.contains("<option value=\"emea\" selected>"),
            "{emea_page}"
        );
        let (_, _, both_page) = f.page(&session, "/deals?open=true&region=emea,apac").await;
        assert!(
            both_page.contains("<option value=\"emea,apac\" selected>EMEA and APAC</option>"),
            "{both_page}"
        );

        // By quarter of expected close and forecast category: the next quarter's commit is
        // Charlie Two alone; every cell's list counts its deals.
        let cells = dashboard["pipeline_by_stage"].as_array().unwrap();
        let commit = cells
            .iter()
            .find(|c| c["quarter"] == next.to_string() && c["forecast_category"] == "commit")
            .unwrap();
        assert_eq!(commit["deals"], 1);
        for cell in cells {
            let href = format!(
                "/deals?open=true&close_quarter={}&forecast={}",
                cell["quarter"].as_str().unwrap(),
                cell["forecast_category"].as_str().unwrap()
            );
            let listed = follow(&f, token, &page, &href).await;
            assert_eq!(listed as u64, cell["deals"].as_u64().unwrap(), "{href}");
        }

        // Partners in the program per tier: archived Delta is not among the registered.
        for tier in dashboard["tiers"].as_array().unwrap() {
            let key = tier["key"].as_str().unwrap();
            let href = format!("/partners?tier={key}&in_program=true");
            let listed = follow(&f, token, &page, &href).await;
            assert_eq!(listed as u64, tier["partners"].as_u64().unwrap(), "{href}");
        }
        assert_eq!(
            follow(
                &f,
                token,
                &page,
                "/partners?tier=registered&in_program=true"
            )
            .await,
            1
        );

        // Health bands of the latest run: Alpha, Bravo and Charlie were scored.
        let bands = dashboard["health"].as_array().unwrap();
        let scored: u64 = bands.iter().map(|b| b["partners"].as_u64().unwrap()).sum();
        assert_eq!(scored, 3, "{bands:?}");
        for band in bands {
            let href = format!(
                "/partners?health={}&archived=true",
                band["band"].as_str().unwrap_or("none")
            );
            let listed = follow(&f, token, &page, &href).await;
            assert_eq!(listed as u64, band["partners"].as_u64().unwrap(), "{href}");
        }

        // The dashboard's own filters go along: Charlie's next quarter, gold only.
        let (_, _, gold_page) = f.page(&session, "/dashboard?tier=gold").await;
        let gold = json(&f, token, "/api/v1/dashboard?tier=gold").await;
        let gold_cells = gold["pipeline_by_stage"].as_array().unwrap();
        assert_eq!(gold_cells.len(), 2, "{gold_cells:?}");
        for cell in gold_cells {
            let href = format!(
                "/deals?open=true&tier=gold&close_quarter={next}&forecast={}",
                cell["forecast_category"].as_str().unwrap()
            );
            assert_eq!(cell["deals"], 1, "{href}");
            assert_eq!(follow(&f, token, &gold_page, &href).await, 1, "{href}");
        }
    })
    .await;
}

#[tokio::test]
async fn deal_filters_name_bad_input_and_keep_partners_to_their_own() {
    each(|f| async move {
        let next = seed(&f).await;
        let token = f.token(Role::PartnerManager);
        f.assert_fields_refused(
            token,
            &[
                ("/api/v1/deals?tier=diamond", "tier"),
                ("/api/v1/deals?partner_type=guild", "partner_type"),
                ("/api/v1/deals?region=mars", "region"),
                ("/api/v1/deals?owner=bob", "owner"),
                ("/api/v1/deals?close_quarter=2027-Q5", "close_quarter"),
                ("/api/v1/deals?forecast=maybe", "forecast"),
                ("/api/v1/deals?open=true&status=won", "status"),
                ("/api/v1/partners?health=sickly", "health"),
            ],
        )
        .await;

        // The page says what is wrong beside the filter, and keeps the filters when paging.
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/deals?close_quarter=2027-Q5").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("aria-describedby=\"close_quarter-error\"")
                && page.contains("id=\"close_quarter-error\" role=\"alert\">")
                && page.contains("2027-Q5&#39; is not a quarter like 2026-Q3"),
            "{page}"
        );
        let (_, _, page) = f
            .page(&session, "/deals?open=true&tier=registered&limit=1")
            .await;
        assert!(
            page.contains("<label>Partner tier <select id=\"tier\" name=\"tier\">"),
            "{page}"
        );
        assert!(
            page.contains("href=\"/deals?tier=registered&#38;open=true&#38;limit=1&#38;cursor="),
            "{page}"
        );

        // Partner A's people: their own registrations whatever they filter by; Bravo's
        // bronze registration and Charlie's quarter stay out of sight.
        let alpha = f.token(Role::PartnerUser);
        assert!(
            items(&f, alpha, "/api/v1/deals?tier=bronze")
                .await
                .is_empty()
        );
        assert!(
            items(&f, alpha, "/api/v1/deals?open=true&tier=gold")
                .await
                .is_empty()
        );
        let mine = items(
            &f,
            alpha,
            &format!("/api/v1/deals?open=true&close_quarter={next}"),
        )
        .await;
        let customers: Vec<&str> = mine
            .iter()
            .map(|d| d["customer_name"].as_str().unwrap())
            .collect();
        assert_eq!(customers, ["Alpha One"]);
        let (status, body) = f
            .api(
                Some(alpha),
                Method::GET,
                &format!("/api/v1/deals?partner={}", f.partner_b),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let own = items(&f, alpha, &format!("/api/v1/deals?partner={}", f.partner_a)).await;
        assert_eq!(own.len(), 3);
        // Health is ours alone.
        let (status, body) = f
            .api(
                Some(alpha),
                Method::GET,
                "/api/v1/partners?health=healthy",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    })
    .await;
}
