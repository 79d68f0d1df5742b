use super::phone::layout_problems;
use super::support::*;
use store::testing::BACKENDS;

/// Our admin records this week's standup from the form, adds an action item, and reads the
/// pack at desktop and phone width.
#[tokio::test]
async fn a_meeting_and_its_pack_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;
        let admin_id = create_admin(&server).await.id.to_string();

        sign_in(&client, base, "admin@vendor.test").await;
        client.goto(&format!("{base}/meetings/new")).await.unwrap();
        select(&client, "#m-kind", "weekly_standup").await;
        click_and_wait(&client, "#meeting-form button[type=submit]").await;
        let meeting_url = client.current_url().await.unwrap();
        assert!(
            text_of(&client, "h1")
                .await
                .starts_with("Weekly partner standup, week of ")
        );
        fill(
            &client,
            "#a-text",
            "Call Alpha about its quiet registrations",
        )
        .await;
        select(&client, "#a-owner", &admin_id).await;
        let due = store::now().date().to_string();
        client
            .execute(
                "document.getElementById('a-due').value = arguments[0]",
                vec![serde_json::json!(due)],
            )
            .await
            .unwrap();
        click_and_wait(&client, "#action-form button[type=submit]").await;
        client.goto(meeting_url.as_str()).await.unwrap();
        let page = text_of(&client, "main").await;
        assert!(page.contains("Deals in flight"), "{page}");
        assert!(
            page.contains("Call Alpha about its quiet registrations"),
            "{page}"
        );
        screenshot(&client, &format!("{backend:?}-meeting")).await;
        client.set_window_size(390, 844).await.unwrap();
        let problems = layout_problems(&client, "a meeting as admin@vendor.test").await;
        assert!(problems.is_empty(), "{problems:?}");
        screenshot(&client, &format!("{backend:?}-meeting-phone")).await;
        client.set_window_size(1280, 1000).await.unwrap();
        client.close().await.unwrap();
    }
}
