use super::phone::layout_problems;
use super::support::*;
use fantoccini::Locator;
use store::testing::BACKENDS;

async fn attribute(client: &fantoccini::Client, css: &str, name: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn homes_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;
        // Our partner manager looks after both partners.
        let system = services::Actor::system("browser-test");
        let pm = server
            .services
            .find_user_by_email(&system, "pm@vendor.test")
            .await
            .unwrap();
        for partner in [server.partner_a, server.partner_b] {
            let mut input = server
                .services
                .get_partner(&system, partner)
                .await
                .unwrap()
                .to_input();
            input.owner_id = Some(pm.id);
            server
                .services
                .update_partner(&system, partner, &input)
                .await
                .unwrap();
        }

        // A partner's user lands on its home: where it stands, with the bar, and what waits.
        sign_in(&client, base, "rep@alpha.test").await;
        assert_eq!(
            text_of(&client, "h1").await,
            "Alpha Integrators at a glance"
        );
        assert_eq!(text_of(&client, "#tier").await, "Registered");
        let gap = text_of(&client, "#gap").await;
        assert_eq!(
            gap,
            "1 more certified person, 1 more customer reference and 1 more QBR this year to reach Bronze."
        );
        // Bronze asks 7 things a partner reads; with nothing yet, Alpha meets the 4 that
        // ask for nothing (revenue 0, advanced people 0, no sponsor, no co-marketing).
        assert_eq!(attribute(&client, "#tier-progress", "max").await, "7");
        assert_eq!(attribute(&client, "#tier-progress", "value").await, "4");
        assert!(!text_of(&client, "#onboarding-due").await.is_empty());
        assert!(
            text_of(&client, "#partner-manager")
                .await
                .contains("pm@vendor.test")
        );
        assert!(!text_of(&client, "main").await.contains("Bravo"));
        client.set_window_size(390, 844).await.unwrap();
        let problems = layout_problems(&client, "/home as rep@alpha.test").await;
        assert!(problems.is_empty(), "{problems:?}");
        screenshot(&client, &format!("{backend:?}-partner-home")).await;
        client.set_window_size(1280, 1000).await.unwrap();
        client
            .find(Locator::LinkText("What every tier asks and gives"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "h1", "The program's tiers").await;
        assert!(
            text_of(&client, "#tier-registered h2")
                .await
                .contains("your tier")
        );

        // A partner manager lands on theirs: their partners, health, what waits on them.
        sign_in(&client, base, "pm@vendor.test").await;
        assert_eq!(text_of(&client, "h1").await, "Home");
        let partners = text_of(&client, "#my-partners").await;
        assert!(
            partners.contains("Alpha Integrators") && partners.contains("Bravo Resellers"),
            "{partners}"
        );
        assert!(
            text_of(&client, "#health")
                .await
                .contains("Health scores: no data yet.")
        );
        assert_eq!(
            text_of(&client, "#registrations_to_decide").await,
            "Registrations to decide: 0 registrations"
        );
        assert_eq!(
            text_of(&client, "#my_work_open").await,
            "Your open work: 0 items"
        );
        screenshot(&client, &format!("{backend:?}-partner-manager-home")).await;
        click_and_wait(&client, "#my_work_breached a").await;
        assert_eq!(text_of(&client, "h1").await, "My work");
        client.back().await.unwrap();
        wait_for_text(&client, "h1", "Home").await;
        click_and_wait(&client, "#registrations_to_decide a").await;
        assert_eq!(text_of(&client, "h1").await, "Deal registrations");
        client.close().await.unwrap();
    }
}
