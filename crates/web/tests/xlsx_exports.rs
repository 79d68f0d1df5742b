//! XLSX downloads of the registration and lead lists over HTTP on both databases: the CSV's
//! columns with amounts and days as numbers, to the same readers, and a list longer than a
//! sheet refused before any work.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use calamine::{Data, Range, Reader, Xlsx};
use common::{Fixture, deal_input};
use domain::roles::Role;
use http_body_util::BodyExt;
use store::testing::BACKENDS;
use tower::ServiceExt;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Partner A's registration (1,405,000.50 USD) and lead (12,500.50 EUR), beside partner B's
/// from the fixture.
async fn alpha_records(f: &Fixture) {
    let admin = f.actor(Role::Admin).clone();
    let deal = domain::deals::registration::DealInput {
        deal_size: "1405000.50".into(),
        currency: "USD".into(),
        ..deal_input("Acme Stores", "acme-stores.example")
    };
    f.services
        // A draft: partner A holds no sales certification to submit it with.
        .register_deal(&admin, f.partner_a, &deal, false)
        .await
        .unwrap();
    let lead = domain::deals::leads::LeadInput {
        company: "Alpha Prospect".into(),
        contact_name: "Ada".into(),
        contact_email: "ada@alpha-prospect.example".into(),
        need: "Stock sync".into(),
        estimated_value: "12500.50".into(),
        currency: "EUR".into(),
        ..Default::default()
    };
    f.services
        .submit_lead(&admin, f.partner_a, &lead)
        .await
        .unwrap();
}

/// `GET path` with `auth` (a `cookie` or `authorization` header) on `router`: the status,
/// the headers and the body.
async fn get(
    router: &axum::Router,
    path: &str,
    auth: (&str, String),
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = Request::get(path)
        .header(auth.0, auth.1)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body.to_vec())
}

/// Signs `email` in, checks that the list page at `list` links its workbook, and downloads
/// it: the session and the one sheet `name` of the file saved as `filename`.
async fn portal_workbook(
    f: &Fixture,
    email: &str,
    list: &str,
    filename: &str,
    name: &str,
) -> (String, Range<Data>) {
    let (session, _) = f.sign_in(email).await;
    let (_, _, page) = f.page(&session, list).await;
    let link = format!(r#"<a href="{list}/export.xlsx" download>Download XLSX</a>"#);
    assert!(page.contains(&link), "{page}");
    let (status, headers, body) = get(
        &f.router,
        &format!("{list}/export.xlsx"),
        ("cookie", format!("partneros_session={session}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    (session, sheet(&headers, body, filename, name))
}

/// The one sheet of a downloaded workbook, after checking how it was sent.
fn sheet(headers: &HeaderMap, body: Vec<u8>, filename: &str, name: &str) -> Range<Data> {
    assert_eq!(headers[header::CONTENT_TYPE], XLSX);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{filename}\"").as_str()
    );
    let mut workbook = Xlsx::new(std::io::Cursor::new(body)).unwrap();
    assert_eq!(workbook.sheet_names(), vec![name.to_owned()]);
    workbook.worksheet_range(name).unwrap()
}

fn text(range: &Range<Data>, cell: (u32, u32)) -> String {
    match range.get_value(cell) {
        Some(Data::String(text)) => text.clone(),
        other => panic!("{cell:?} holds {other:?}, not text"),
    }
}

/// The cells of column `col` below the header, as text.
fn column(range: &Range<Data>, col: u32) -> Vec<String> {
    (1..range.height() as u32)
        .map(|row| text(range, (row, col)))
        .collect()
}

/// A day as a spreadsheet stores it: days since 1899-12-30.
fn serial(day: time::Date) -> f64 {
    (day - time::macros::date!(1899 - 12 - 30)).whole_days() as f64
}

#[tokio::test]
async fn registrations_download_as_a_workbook_to_whom_may_read_them() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        alpha_records(&f).await;
        let today = store::now().date();

        // Our people get every partner's, through the API.
        let bearer = format!("Bearer {}", f.token(Role::PartnerManager));
        let (status, headers, body) = get(
            &f.router,
            "/api/v1/deals/export?format=xlsx",
            ("authorization", bearer),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let range = sheet(&headers, body, "registrations.xlsx", "Registrations");
        assert_eq!(range.get_size(), (3, 21));
        assert_eq!(text(&range, (0, 0)), "reference");
        assert_eq!(text(&range, (0, 6)), "deal_size");
        assert_eq!(text(&range, (0, 20)), "closed_amount");
        assert_eq!(column(&range, 1), ["bravo.com", "alpha.com"]);
        assert_eq!(column(&range, 2), ["Bravo Customer GmbH", "Acme Stores"]);
        assert_eq!(range.get_value((1, 6)), Some(&Data::Float(20_000.0)));
        assert_eq!(range.get_value((2, 6)), Some(&Data::Float(1_405_000.5)));
        assert_eq!(text(&range, (2, 7)), "USD");
        match range.get_value((2, 8)) {
            Some(Data::DateTime(day)) => assert_eq!(
                day.as_f64(),
                serial(today + time::Duration::days(45)),
                "expected close"
            ),
            other => panic!("expected close is {other:?}, not a day"),
        }
        assert_eq!(range.get_value((2, 12)), Some(&Data::Float(30.0)));

        // A partner's people get their own, from the list page's link.
        let (_, range) = portal_workbook(
            &f,
            "partner_user@alpha.example",
            "/deals",
            "registrations.xlsx",
            "Registrations",
        )
        .await;
        assert_eq!(range.get_size(), (2, 21));
        assert_eq!(column(&range, 2), ["Acme Stores"]);
        assert_eq!(range.get_value((1, 6)), Some(&Data::Float(1_405_000.5)));

        // Another format is a field error.
        let (status, _, body) = get(
            &f.router,
            "/api/v1/deals/export?format=pdf",
            ("authorization", format!("Bearer {}", f.token(Role::Sales))),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = String::from_utf8(body).unwrap();
        assert!(
            body.contains(r#""field":"format""#) && body.contains("must be csv or xlsx"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn leads_download_as_a_workbook_to_whom_may_read_them() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        alpha_records(&f).await;

        // Newest first, as the CSV lists them.
        let bearer = format!("Bearer {}", f.token(Role::Sales));
        let (status, headers, body) = get(
            &f.router,
            "/api/v1/leads/export?format=xlsx",
            ("authorization", bearer),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let range = sheet(&headers, body, "leads.xlsx", "Leads");
        assert_eq!(range.get_size(), (3, 13));
        assert_eq!(text(&range, (0, 2)), "company");
        assert_eq!(text(&range, (0, 7)), "estimated_value");
        assert_eq!(column(&range, 2), ["Alpha Prospect", "Bravo Prospect"]);
        assert_eq!(range.get_value((1, 7)), Some(&Data::Float(12_500.5)));
        assert_eq!(text(&range, (1, 8)), "EUR");

        let (session, range) = portal_workbook(
            &f,
            "partner_admin@alpha.example",
            "/leads",
            "leads.xlsx",
            "Leads",
        )
        .await;
        assert_eq!(column(&range, 2), ["Alpha Prospect"]);
        assert_eq!(column(&range, 5), ["ada@alpha-prospect.example"]);

        // Our own side's books are ours: a partner's people are refused them.
        for path in [
            "/direct-opportunities/export.xlsx",
            "/customer-accounts/export.xlsx",
        ] {
            let cookie = format!("partneros_session={session}");
            let (status, _, _) = get(&f.router, path, ("cookie", cookie)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let (session, _) = f.sign_in("finance@test.example").await;
        let cookie = format!("partneros_session={session}");
        let (status, headers, body) = get(
            &f.router,
            "/customer-accounts/export.xlsx",
            ("cookie", cookie),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let range = sheet(
            &headers,
            body,
            "customer-accounts.xlsx",
            "Customer accounts",
        );
        assert_eq!(range.get_size(), (1, 4));
        assert_eq!(text(&range, (0, 1)), "name");
    }
}

#[tokio::test]
async fn a_list_longer_than_a_sheet_is_refused_and_pointed_to_the_csv() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        alpha_records(&f).await;
        // A sheet of three rows: the header and two records.
        let small = web::router(web::AppState {
            services: services::Services::new(
                f.services.db.clone(),
                services::Config {
                    xlsx_sheet_rows: 3,
                    ..Default::default()
                },
            ),
            secure_cookies: false,
            trust_proxy: false,
        });
        let admin = f.actor(Role::Admin).clone();
        f.services
            .register_deal(
                &admin,
                f.partner_b,
                &deal_input("Third Customer", "third.example"),
                true,
            )
            .await
            .unwrap();

        let bearer = || format!("Bearer {}", f.token(Role::PartnerManager));
        let (status, _, body) = get(
            &small,
            "/api/v1/deals/export?format=xlsx",
            ("authorization", bearer()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = String::from_utf8(body).unwrap();
        assert!(
            body.contains(r#""field":"format""#)
                && body.contains("a spreadsheet sheet holds at most 3 rows (the header and 2 records) and this list has more; download it as CSV instead"),
            "{body}"
        );
        // The CSV has no such limit; two leads fit.
        let (status, _, _) = get(&small, "/api/v1/deals/export", ("authorization", bearer())).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = get(
            &small,
            "/api/v1/leads/export?format=xlsx",
            ("authorization", bearer()),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // The portal says the same on its error page; partner A's one registration fits.
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let cookie = format!("partneros_session={session}");
        let (status, _, page) = get(&small, "/deals/export.xlsx", ("cookie", cookie)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            String::from_utf8(page)
                .unwrap()
                .contains("download it as CSV instead"),
        );
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let cookie = format!("partneros_session={session}");
        let (status, _, _) = get(&small, "/deals/export.xlsx", ("cookie", cookie)).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_workbook_holds_every_page_of_its_list() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        // One more registration than a page of the export holds, beside the fixture's.
        f.import_alpha_registrations(services::exports::PAGE_ROWS + 1)
            .await;

        let bearer = format!("Bearer {}", f.token(Role::Executive));
        let (status, headers, body) = get(
            &f.router,
            "/api/v1/deals/export?format=xlsx",
            ("authorization", bearer),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let size: usize = headers[header::CONTENT_LENGTH]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(size, body.len());
        let range = sheet(&headers, body, "registrations.xlsx", "Registrations");
        // The header, the fixture's registration and the 1,001 imported.
        assert_eq!(range.get_size(), (1_003, 21));
        assert_eq!(text(&range, (2, 2)), "Customer 0");
        assert_eq!(text(&range, (1_002, 2)), "Customer 1000");
    }
}
