use super::support::*;
use fantoccini::{Client, Locator};
use store::testing::BACKENDS;

/// Follows the link reading `text`.
async fn follow(client: &Client, text: &str) {
    client
        .find(Locator::LinkText(text))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn link_texts(client: &Client, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for link in client.find_all(Locator::Css(css)).await.unwrap() {
        texts.push(link.text().await.unwrap());
    }
    texts
}

#[tokio::test]
async fn scorecard_and_health_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;
        let (a, b) = (server.partner_a, server.partner_b);

        // Our partner manager: the section bar leads from the partner page to the scorecard and health.
        sign_in(&client, base, "pm@vendor.test").await;
        client.goto(&format!("{base}/partners/{b}")).await.unwrap();
        let tabs = link_texts(&client, "nav.tabs a").await;
        assert!(
            tabs.ends_with(&["Scorecard".to_string(), "Health".to_string()]),
            "{tabs:?}"
        );
        follow(&client, "Scorecard").await;
        wait_for_text(&client, "h1", "Scorecard of Bravo Resellers").await;
        assert_eq!(
            text_of(&client, "nav.tabs a[aria-current=page]").await,
            "Scorecard"
        );
        // The trend as a chart and as its table, our figures with them.
        assert!(client.find(Locator::Css("#trend figure svg")).await.is_ok());
        let trend = client
            .find_all(Locator::Css("#trend table tbody tr"))
            .await
            .unwrap();
        assert_eq!(trend.len(), 8);
        assert!(text_of(&client, "#figures").await.contains("IPP fit"));
        follow(&client, "Health").await;
        wait_for_text(&client, "h1", "Health of Bravo Resellers").await;
        assert!(client.find(Locator::Css("#score figure svg")).await.is_ok());
        assert!(
            text_of(&client, "#score table")
                .await
                .contains("Satisfaction")
        );
        follow(&client, "Overview").await;
        wait_for_text(&client, "h1", "Bravo Resellers").await;

        // The partner's user: its own scorecard, no health link, none of our figures.
        sign_in(&client, base, "rep@alpha.test").await;
        client.goto(&format!("{base}/partners/{a}")).await.unwrap();
        let tabs = link_texts(&client, "nav.tabs a").await;
        assert!(!tabs.contains(&"Health".to_string()), "{tabs:?}");
        follow(&client, "Scorecard").await;
        wait_for_text(&client, "h1", "Scorecard of Alpha Integrators").await;
        let main = text_of(&client, "main").await;
        assert!(
            !main.contains("IPP fit") && !main.contains("risk") && !main.contains("Bravo"),
            "{main}"
        );
        assert!(
            client
                .find(Locator::Css(&format!("a[href^='/partners/{a}/health']")))
                .await
                .is_err()
        );
        use calamine::{Data, Reader};
        let mut book = workbook_behind(&client, Locator::LinkText("XLSX")).await;
        let sheet = book.worksheet_range("Scorecard").unwrap();
        assert_eq!(sheet.get((0, 0)), Some(&Data::String("Quarter".into())));
        assert_eq!(sheet.height(), 9, "a header and eight quarters");
        let header: Vec<String> = (0..sheet.width())
            .filter_map(|c| sheet.get((0, c)).map(|d| d.to_string()))
            .collect();
        assert_eq!(
            header.last().map(String::as_str),
            Some("Commitment band"),
            "{header:?}"
        );
        screenshot(&client, &format!("{backend:?}-partner-scorecard")).await;
        client.close().await.unwrap();
    }
}
