//! Values read one way over HTTP (amounts, currencies, dates, quarters, names, file names),
//! and the conflict preview: what a partner is told and how often it may ask. Both databases.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::Fixture;
use domain::roles::Role;
use serde_json::{Value, json};
use store::testing::BACKENDS;

async fn each<F, Fut>(test: F)
where
    F: Fn(Fixture) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in BACKENDS {
        test(Fixture::new(backend).await).await;
    }
}

/// The field errors of a refused call, as (field, message) pairs.
fn errors(status: StatusCode, body: &str) -> Vec<(String, String)> {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problem: Value = serde_json::from_str(body).unwrap();
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(field: &str, message: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), message.to_owned())]
}

#[tokio::test]
async fn amounts_currencies_dates_and_names_are_read_one_way_over_the_api_and_csv() {
    each(|f| async move {
        let pm = f.token(Role::PartnerManager);
        let a = f.partner_a;
        let expected_close = (store::now().date() + time::Duration::days(30)).to_string();
        let draft = |changes: Value| {
            let mut deal = json!({
                "customer_name": "Values Co", "industry": "Retail", "region": "emea",
                "deal_size": "1,234.50", "expected_close": expected_close, "use_case": "Sync",
                "stage": "discovery", "probability": "20", "partner_rep": "Pat"
            });
            for (k, v) in changes.as_object().unwrap() {
                deal[k] = v.clone();
            }
            deal.to_string()
        };
        let path = format!("/api/v1/partners/{a}/deals?draft=true");
        let register = |changes: Value| {
            let body = draft(changes);
            let path = path.clone();
            let f = &f;
            async move { f.api(Some(pm), Method::POST, &path, Some(&body)).await }
        };

        let (status, body) = register(json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let deal: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((deal["deal_size"].as_str(), deal["currency"].as_str()), (Some("1234.50"), Some("USD")));

        let (status, body) = register(json!({"deal_size": "12,34"})).await;
        assert_eq!(
            errors(status, &body),
            pair("deal_size", "'12,34' is not an amount: write decimals after a point (12.34); a comma only separates thousands, as in 1,234.50")
        );
        let (status, body) = register(json!({"deal_size": 1500.5, "currency": "JPY"})).await;
        assert_eq!(errors(status, &body), pair("deal_size", "JPY amounts have no decimals"));
        for code in ["XXX", "BTC", "XAU"] {
            let (status, body) = register(json!({"currency": code})).await;
            assert_eq!(
                errors(status, &body),
                pair("currency", &format!("'{code}' is not a currency of ISO 4217 like USD, EUR or JPY"))
            );
        }
        let (status, body) = register(json!({"customer_name": "\u{200B}\u{2060}"})).await;
        assert_eq!(errors(status, &body), pair("customer_name", "must contain a visible character"));

        // Dates and quarters: the years 1970-2100.
        let (status, body) = register(json!({"expected_close": "0000-01-01"})).await;
        assert_eq!(errors(status, &body), pair("expected_close", "'0000-01-01' is outside the years 1970-2100"));
        let (status, body) = f.api(Some(pm), Method::PUT, &format!("/api/v1/partners/{a}/facts"), Some(r#"{"quarter":"9999-Q4"}"#)).await;
        assert_eq!(errors(status, &body), pair("quarter", "'9999-Q4' is outside the years 1970-2100"));

        // CSV: the README's "120,000" reads as before; "12,34" is refused by line.
        let csv = format!("partner,quarter,sourced_revenue\n{a},2026-Q3,\"120,000\"\n{a},2026-Q2,\"12,34\"\n{a},1969-Q4,5\n");
        let (status, body) = f.api(Some(pm), Method::POST, "/api/v1/facts/import?dry_run=true", Some(&csv)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let report: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            report["errors"],
            json!([
                {"line": 3, "field": "sourced_revenue", "message": "'12,34' is not an amount: write decimals after a point (12.34); a comma only separates thousands, as in 1,234.50"},
                {"line": 4, "field": "quarter", "message": "'1969-Q4' is outside the years 1970-2100"}
            ])
        );

        // Names of partners and contacts, and file names.
        let (status, body) = f.api(Some(pm), Method::POST, "/api/v1/partners", Some(r#"{"legal_name":"Acme\u202Egpj.exe","partner_type":"si","gtm_model":"resell"}"#)).await;
        assert_eq!(
            errors(status, &body),
            pair("legal_name", "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)")
        );
        let (status, body) = f.api(Some(pm), Method::POST, &format!("/api/v1/partners/{a}/contacts"), Some(r#"{"name":"\u200B\uFEFF"}"#)).await;
        assert_eq!(errors(status, &body), pair("name", "must contain a visible character"));
        let upload = Request::post(format!("/api/v1/partners/{a}/attachments?filename=invoice%E2%80%AEfdp.exe"))
            .header("authorization", format!("Bearer {pm}"))
            .body(Body::from("%PDF-1.4 proof"))
            .unwrap();
        let (status, _, body) = f.send(upload).await;
        assert_eq!(
            errors(status, &body),
            pair("file", "the file name must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)")
        );
    })
    .await;
}

#[tokio::test]
async fn a_partner_is_told_needs_review_for_our_customers_and_previews_120_times_an_hour() {
    each(|f| async move {
        let admin = f.actor(Role::Admin);
        let a = f.partner_a;
        let accounts = "account,name,website\nACC-9,Zeta Industries,zeta-industries.com\n";
        f.services
            .import_direct(admin, domain::deals::direct::DirectKind::Accounts, accounts, false)
            .await
            .unwrap();
        let partner = f.token(Role::PartnerAdmin);
        let preview = format!("/api/v1/partners/{a}/conflict-check?customer_name=Zeta%20Industries&website=zeta-industries.com");

        // Our customer: internal users read "already registered", the partner "needs review".
        let (status, body) = f.api(Some(partner), Method::GET, &preview, None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, r#"{"verdict":"needs_review","findings":[]}"#));
        let (_, body) = f.api(Some(f.token(Role::Admin)), Method::GET, &preview, None).await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["verdict"], "already_registered");

        // Submitting it tells the partner the same, on the registration and its timeline.
        let day = (store::now().date() - time::Duration::days(2)).to_string();
        let certified = format!("partner,email,certification,date,score\n{a},pat@alpha.com,sales_foundation,{day},90\n");
        f.services.import_certifications(admin, &certified, false).await.unwrap();
        let expected_close = (store::now().date() + time::Duration::days(30)).to_string();
        let deal = json!({
            "customer_name": "Zeta Industries", "website": "zeta-industries.com", "industry": "Retail",
            "region": "emea", "deal_size": "90000", "expected_close": expected_close, "use_case": "Sync",
            "stage": "discovery", "probability": "20", "partner_rep": "Pat"
        });
        let (status, body) = f.api(Some(partner), Method::POST, &format!("/api/v1/partners/{a}/deals"), Some(&deal.to_string())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let registered: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(registered["conflict_verdict"], "needs_review");
        let id = registered["id"].as_str().unwrap();
        let (_, body) = f.api(Some(partner), Method::GET, &format!("/api/v1/deals/{id}"), None).await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["conflict_verdict"], "needs_review");
        let (_, body) = f.api(Some(f.token(Role::PartnerManager)), Method::GET, &format!("/api/v1/deals/{id}"), None).await;
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["conflict_verdict"], "already_registered");
        let (_, timeline) = f.api(Some(partner), Method::GET, &format!("/api/v1/partners/{a}/timeline"), None).await;
        // Conflict cases are ours: the partner's timeline has no entry for them at all.
        assert!(!timeline.contains("Conflict case") && !timeline.contains("already registered"), "{timeline}");

        // 120 previews an hour for the whole organisation: one used above, 119 more, then 429.
        for _ in 0..119 {
            let (status, _) = f.api(Some(f.token(Role::PartnerUser)), Method::GET, &preview, None).await;
            assert_eq!(status, StatusCode::OK);
        }
        let request = Request::get(&preview)
            .header("authorization", format!("Bearer {partner}"))
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = f.send(request).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&wait), "{wait}");
        let problem: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["detail"], format!("too many attempts; try again in {wait} seconds"));
        let (status, _) = f.api(Some(f.token(Role::PartnerUser)), Method::GET, &preview, None).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the allowance is the organisation's");
        let (status, _) = f.api(Some(f.token(Role::PartnerManager)), Method::GET, &preview, None).await;
        assert_eq!(status, StatusCode::OK, "internal users are not counted");
        let other = format!("/api/v1/partners/{}/conflict-check?customer_name=Zeta%20Industries", f.partner_b);
        let (status, _) = f.api(Some(partner), Method::GET, &other, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another partner's preview stays hidden, not throttled");
    })
    .await;
}
