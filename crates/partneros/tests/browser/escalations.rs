use super::phone::layout_problems;
use super::support::*;
use store::testing::BACKENDS;

#[tokio::test]
async fn escalations_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;
        create_admin(&server).await;

        // A partner's user raises a case from the form.
        sign_in(&client, base, "rep@alpha.test").await;
        client
            .goto(&format!("{base}/escalations/new"))
            .await
            .unwrap();
        fill(&client, "#e-issue", "DR-7 went to another partner").await;
        select(&client, "#e-category", "channel_conflict").await;
        select(&client, "#e-urgency", "p2").await;
        let today = store::now().date().to_string();
        client
            .execute(
                "document.getElementById('e-occurred').value = arguments[0]",
                vec![serde_json::json!(today)],
            )
            .await
            .unwrap();
        click_and_wait(&client, "#escalation-form button[type=submit]").await;
        let case_url = client.current_url().await.unwrap();
        assert!(text_of(&client, "h1").await.starts_with("Escalation ESC-"));
        assert!(
            text_of(&client, "main")
                .await
                .contains("DR-7 went to another partner")
        );
        screenshot(&client, &format!("{backend:?}-escalation-partner")).await;

        // Our admin adds a note the partner must never read, and an update it must.
        sign_in(&client, base, "admin@vendor.test").await;
        client.goto(case_url.as_str()).await.unwrap();
        fill(&client, "#n-body", "Sales says Bravo had it first").await;
        click_and_wait(&client, "#note-form button[type=submit]").await;
        client.goto(case_url.as_str()).await.unwrap();
        fill(&client, "#u-body", "We are looking into DR-7").await;
        click_and_wait(&client, "#update-form button[type=submit]").await;
        client.goto(case_url.as_str()).await.unwrap();
        let ours = text_of(&client, "main").await;
        assert!(ours.contains("Sales says Bravo had it first"), "{ours}");
        screenshot(&client, &format!("{backend:?}-escalation-ours")).await;
        client.set_window_size(390, 844).await.unwrap();
        let problems = layout_problems(&client, "an escalation as admin@vendor.test").await;
        assert!(problems.is_empty(), "{problems:?}");
        screenshot(&client, &format!("{backend:?}-escalation-ours-phone")).await;
        client.set_window_size(1280, 1000).await.unwrap();

        sign_in(&client, base, "rep@alpha.test").await;
        client.goto(case_url.as_str()).await.unwrap();
        let theirs = text_of(&client, "main").await;
        assert!(theirs.contains("We are looking into DR-7"), "{theirs}");
        assert!(!theirs.contains("Bravo had it first"), "{theirs}");
        client.set_window_size(390, 844).await.unwrap();
        let problems = layout_problems(&client, "an escalation as rep@alpha.test").await;
        assert!(problems.is_empty(), "{problems:?}");
        screenshot(&client, &format!("{backend:?}-escalation-partner-phone")).await;
        client.close().await.unwrap();
    }
}
