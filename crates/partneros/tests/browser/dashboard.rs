//! The program dashboard in a real browser: a chart with its numbers beside it, and the
//! XLSX its link downloads, fetched with the page's session and read back.

use super::support::*;
use fantoccini::Locator;
use store::testing::BACKENDS;

#[tokio::test]
async fn dashboard_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;
        create_admin(&server).await;
        sign_in(&client, base, "admin@vendor.test").await;
        client.goto(&format!("{base}/dashboard")).await.unwrap();
        assert!(
            text_of(&client, "h1")
                .await
                .starts_with("Program dashboard, ")
        );
        // The tier chart: an SVG image and the table of its numbers.
        let svg = client
            .find(Locator::Css("#tiers figure svg[role=img] title"))
            .await
            .unwrap();
        assert_eq!(
            svg.html(true).await.unwrap(),
            "Partners in the program per tier"
        );
        let table = text_of(&client, "#tiers table").await;
        assert!(table.contains("Registered"), "{table}");
        client.set_window_size(1280, 1000).await.unwrap();
        screenshot(&client, &format!("{backend:?}-dashboard")).await;
        client.set_window_size(390, 844).await.unwrap();
        screenshot(&client, &format!("{backend:?}-dashboard-phone")).await;
        client.set_window_size(1280, 1000).await.unwrap();
        use calamine::Reader;
        let mut book =
            workbook_behind(&client, Locator::Css("#tiers a[href*='format=xlsx']")).await;
        let sheet = book.worksheet_range("Partners per tier").unwrap();
        assert_eq!(
            sheet.get((0, 0)),
            Some(&calamine::Data::String("Tier".into()))
        );
        assert_eq!(
            sheet.get((1, 0)),
            Some(&calamine::Data::String("Registered".into()))
        );
        client.close().await.unwrap();
    }
}
