use super::phone::layout_problems;
use super::support::*;
use store::testing::BACKENDS;

/// Our admin writes a resolved case's review from the form, then reads the quarter's trends
/// (two charts and their table) on a desktop and a phone.
#[tokio::test]
async fn a_review_and_the_trends_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;
        let admin = services::Actor::from_user(&create_admin(&server).await);
        let form = domain::escalations::Form {
            issue: "Commission paid at the old rate".into(),
            category: "commission_dispute".into(),
            urgency: "p2".into(),
            occurred_on: store::now().date().to_string(),
        };
        let case = match server
            .services
            .submit_escalation(&admin, server.partner_a, &form)
            .await
            .unwrap()
        {
            services::escalations::Escalation::Ours(d) => d.case.id,
            services::escalations::Escalation::Partners(d) => d.case.id,
        };
        for transition in ["acknowledge", "start", "resolve"] {
            let step = services::escalations::Move {
                transition: transition.into(),
                version: None,
                message: "Paid the difference".into(),
                ..Default::default()
            };
            server
                .services
                .move_escalation(&admin, case, &step)
                .await
                .unwrap();
        }

        sign_in(&client, base, "admin@vendor.test").await;
        client
            .goto(&format!("{base}/escalations/{case}"))
            .await
            .unwrap();
        click_and_wait(&client, "#review-link").await;
        fill(&client, "#r-what", "Paid at the old rate").await;
        fill(&client, "#r-cause", "The rate table was stale").await;
        fill(&client, "#r-lessons", "Rates change at quarter end").await;
        fill(&client, "#r-prevention", "Reload rates at quarter close").await;
        click_and_wait(&client, "#review-form button[type=submit]").await;
        let review = text_of(&client, "#review").await;
        assert!(review.contains("The rate table was stale"), "{review}");

        client
            .goto(&format!("{base}/escalations/trends"))
            .await
            .unwrap();
        assert!(
            text_of(&client, "h1")
                .await
                .starts_with("Escalation trends, ")
        );
        let table = text_of(&client, "#quarters").await;
        let quarter = domain::quarter::Quarter::containing(store::now().date()).to_string();
        assert!(table.contains(&quarter), "{table}");
        screenshot(&client, &format!("{backend:?}-escalation-trends")).await;
        client.set_window_size(390, 844).await.unwrap();
        let problems = layout_problems(&client, "the escalation trends").await;
        assert!(problems.is_empty(), "{problems:?}");
        screenshot(&client, &format!("{backend:?}-escalation-trends-phone")).await;
        client.close().await.unwrap();
    }
}
