//! Money across currencies in the portal and the API: the pipeline shows what it could not
//! convert and the rates it used, the partner page names wins its revenue leaves out, and
//! finance imports rates on the rates page.

mod common;

use axum::http::{Method, StatusCode};
use common::{DEALS_HEADER, Fixture, urlenc};
use domain::roles::Role;
use store::testing::BACKENDS;

#[tokio::test]
async fn pipeline_and_partner_page_show_what_has_no_rate_and_the_rates_used() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let today = store::now().date();
        let close = today + time::Duration::days(30);
        let won_on = today - time::Duration::days(10);
        let registered = today - time::Duration::days(40);
        let file = format!(
            "{DEALS_HEADER}alpha.com,Yen KK,Retail,apac,10000000,JPY,{close},Sync,discovery,50,Ken,submitted,{registered},,\n\
             alpha.com,Euro GmbH,Retail,emea,20000,EUR,{won_on},Sync,discovery,100,Eva,won,{registered},{won_on},20000\n"
        );
        f.import_deals(&file).await;

        let (session, _) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f.page(&session, "/pipeline").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("unconverted: ¥10,000,000 in 1 open deal — no JPY rate"),
            "{page}"
        );
        assert!(page.contains("unconverted: €20,000 in 1 won deal — no EUR rate"));
        let (_, json) = f
            .api(
                Some(f.token(Role::Executive)),
                Method::GET,
                "/api/v1/pipeline",
                None,
            )
            .await;
        let summary: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            summary["unconverted"]["JPY"]["note"],
            "¥10,000,000 in 1 open deal — no JPY rate"
        );
        let (_, _, partner) = f
            .page(&session, &format!("/partners/{}/tier", f.partner_a))
            .await;
        assert!(
            partner.contains("1 won deal in EUR not counted: no EUR rate"),
            "{partner}"
        );
        let (_, facts) = f
            .api(
                Some(f.token(Role::PartnerUser)),
                Method::GET,
                &format!("/api/v1/partners/{}/facts", f.partner_a),
                None,
            )
            .await;
        assert!(
            facts.contains("1 won deal in EUR not counted: no EUR rate"),
            "{facts}"
        );

        // Finance imports rates on the rates page (linked from the Program page).
        let (_, _, program) = f.page(&session, "/program").await;
        assert!(program.contains(r#"href="/rates""#));
        let (finance, finance_csrf) = f.sign_in("finance@test.example").await;
        let rates = format!(
            "currency,rate,effective_on\nJPY,0.0067,{today}\nEUR,1.10,{}\n",
            won_on - time::Duration::days(1)
        );
        let form = format!(
            "csrf_token={finance_csrf}&action=import&csv={}",
            urlenc(&rates)
        );
        let (status, _, page) = f.post_form(&finance, "/rates", &form).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Imported 2 rates: 2 new"), "{page}");
        assert!(page.contains("0.0067"));
        // A manager reads them but may not import.
        let (manager, manager_csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, page) = f.page(&manager, "/rates").await;
        assert!(page.contains("0.0067") && !page.contains("Import rates from CSV"));
        let form = format!(
            "csrf_token={manager_csrf}&action=import&csv={}",
            urlenc(&rates)
        );
        let (status, _, _) = f.post_form(&manager, "/rates", &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (_, _, page) = f.page(&session, "/pipeline").await;
        assert!(!page.contains("unconverted:"), "{page}");
        assert!(
            page.contains(&format!(
                "1 JPY = 0.0067 USD (from {})",
                web::format::day(&today)
            )),
            "{page}"
        );
        // 20,000 × 1.10.
        assert!(page.contains("1 EUR = 1.1 USD"), "{page}");
        assert!(page.contains("Won: 1 deal worth $22,000"), "{page}");
        let (_, _, partner) = f
            .page(&session, &format!("/partners/{}/tier", f.partner_a))
            .await;
        assert!(!partner.contains("not counted"));
    }
}
