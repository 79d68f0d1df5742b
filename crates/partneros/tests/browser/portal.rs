use super::support::*;
use fantoccini::Locator;
use std::time::Duration;
use store::testing::BACKENDS;

#[tokio::test]
async fn portal_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let client = browser(&driver).await;

        // A partner manager creates a partner with a contact, finds it by search, sees its timeline.
        sign_in(&client, base, "pm@vendor.test").await;
        client.goto(&format!("{base}/partners/new")).await.unwrap();
        fill(&client, "#legal_name", "Nordlicht Software GmbH").await;
        fill(&client, "#domains", "not a domain").await;
        select(&client, "#partner_type", "technology").await;
        select(&client, "#gtm_model", "co_sell").await;
        click(&client, "input[name=regions][value=emea]").await;
        fill(&client, "#notes", "Met at the Berlin summit").await;
        click_and_wait(&client, "form.card button[type=submit]").await;
        // the bad value is reported next to its field and everything else is kept
        assert!(
            text_of(&client, "#domains-error")
                .await
                .contains("not a valid website domain")
        );
        let kept = client
            .find(Locator::Css("#legal_name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("Nordlicht Software GmbH"));
        assert!(
            client
                .find(Locator::Css("input[name=regions][value=emea]"))
                .await
                .unwrap()
                .is_selected()
                .await
                .unwrap()
        );
        assert_eq!(text_of(&client, "#notes").await, "Met at the Berlin summit");
        screenshot(&client, &format!("{backend:?}-form-error")).await;
        fill(&client, "#domains", "nordlicht.de").await;
        click_and_wait(&client, "form.card button[type=submit]").await;
        assert_eq!(text_of(&client, "h1").await, "Nordlicht Software GmbH");
        // Contacts are a section of the partner page, reached from its tab bar.
        click_and_wait(&client, r#"nav.tabs a[href$="/contacts"]"#).await;
        assert_eq!(
            text_of(&client, r#"nav.tabs a[aria-current="page"]"#).await,
            "Contacts"
        );
        fill(&client, "#contact-name", "Jonas Larsen").await;
        fill(&client, "#contact-role", "Alliance lead").await;
        fill(&client, "#contact-email", "jonas@nordlicht.de").await;
        click_and_wait(&client, "#contacts form.inline-form button[type=submit]").await;
        assert!(
            text_of(&client, "#contacts table")
                .await
                .contains("Jonas Larsen")
        );
        client.goto(&format!("{base}/partners")).await.unwrap();
        fill(&client, "#q", "NORDLICHT.DE").await;
        click_and_wait(&client, ".filters button[type=submit]").await;
        let rows = text_of(&client, "#partners tbody").await;
        assert!(
            rows.contains("Nordlicht Software GmbH") && !rows.contains("Alpha Integrators"),
            "{rows}"
        );
        click_and_wait(&client, "#partners tbody a").await;
        click_and_wait(&client, r#"nav.tabs a[href$="/timeline"]"#).await;
        let timeline = text_of(&client, "#timeline").await;
        assert!(
            timeline.contains("Partner Nordlicht Software GmbH created"),
            "{timeline}"
        );
        assert!(
            timeline.contains("Contact Jonas Larsen added"),
            "{timeline}"
        );
        screenshot(&client, &format!("{backend:?}-partner")).await;
        click_and_wait(&client, ".me button").await;
        assert_eq!(client.current_url().await.unwrap().path(), "/login");

        // A partner user sees only their own organisation.
        sign_in(&client, base, "rep@alpha.test").await;
        client.goto(&format!("{base}/partners")).await.unwrap();
        let rows = text_of(&client, "#partners tbody").await;
        assert!(rows.contains("Alpha Integrators"), "{rows}");
        assert!(
            !rows.contains("Bravo") && !rows.contains("Nordlicht"),
            "{rows}"
        );
        screenshot(&client, &format!("{backend:?}-partner-user")).await;
        client
            .goto(&format!("{base}/partners/{}", server.partner_b))
            .await
            .unwrap();
        let page = client.source().await.unwrap();
        assert!(page.contains("no such record") && !page.contains("Bravo Resellers"));
        client
            .goto(&format!("{base}/partners/{}", server.partner_a))
            .await
            .unwrap();
        assert_eq!(text_of(&client, "h1").await, "Alpha Integrators");
        assert!(
            client.find(Locator::Css("#stage-change")).await.is_err(),
            "partner users cannot change stages"
        );
        click_and_wait(&client, ".me button").await;

        // The partner manager imports two quarters of facts through the file picker, runs the
        // evaluation, approves the upgrade; the partner then sees its new tier.
        sign_in(&client, base, "pm@vendor.test").await;
        let now = services::clock::current_quarter();
        let csv =
            std::env::temp_dir().join(format!("partneros-facts-{}.csv", uuid::Uuid::now_v7()));
        std::fs::write(
            &csv,
            format!(
                "partner,quarter,certified_people,customer_references,qbrs\nAlpha Integrators,{},1,1,1\nalpha integrators,{now},1,1,0\n",
                now.previous()
            ),
        )
        .unwrap();
        client.goto(&format!("{base}/facts/import")).await.unwrap();
        client
            .find(Locator::Css("#csv-file"))
            .await
            .unwrap()
            .send_keys(csv.to_str().unwrap())
            .await
            .unwrap();
        let mut loaded = String::new();
        for _ in 0..100 {
            loaded = client
                .find(Locator::Css("#csv"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default();
            if !loaded.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(
            loaded.starts_with("partner,quarter"),
            "the file fills the text area: {loaded}"
        );
        click_and_wait(&client, "button[value=check]").await;
        assert!(
            text_of(&client, "#import-result")
                .await
                .contains("Checked: ready to import 2 rows")
        );
        click_and_wait(&client, "button[value=import]").await;
        assert!(
            text_of(&client, "#import-result")
                .await
                .starts_with("Imported 2 rows")
        );
        std::fs::remove_file(&csv).unwrap();
        client.goto(&format!("{base}/tiers")).await.unwrap();
        click_and_wait(&client, "#in-play form button[type=submit]").await;
        assert!(
            text_of(&client, "#tiers-notice")
                .await
                .contains("1 upgrade(s) proposed")
        );
        screenshot(&client, &format!("{backend:?}-tier-queue")).await;
        fill(&client, "#queue input[name=note]", "two good quarters").await;
        click_and_wait(&client, "#queue button[value=approve]").await;
        assert!(
            text_of(&client, "#tiers-notice")
                .await
                .contains("upgrade Registered → Bronze approved"),
            "{}",
            text_of(&client, "#tiers-notice").await
        );

        // Certification completions pasted into the import page; the partner then sees them
        // and its eligibility.
        let day = (store::now().date() - time::Duration::days(5)).to_string();
        client
            .goto(&format!("{base}/certifications/import"))
            .await
            .unwrap();
        fill(
            &client,
            "#csv",
            &format!("partner,email,name,certification,date,score\nAlpha Integrators,ana@alpha.test,Ana Alves,sales_foundation,{day},84\n"),
        )
        .await;
        click_and_wait(&client, "button[value=import]").await;
        assert!(
            text_of(&client, "#import-result")
                .await
                .contains("1 certification recorded")
        );
        click_and_wait(&client, ".me button").await;
        sign_in(&client, base, "rep@alpha.test").await;
        client
            .goto(&format!("{base}/partners/{}/tier", server.partner_a))
            .await
            .unwrap();
        assert!(
            text_of(&client, "#tier-summary")
                .await
                .contains("Current tier: Bronze")
        );
        client
            .goto(&format!("{base}/partners/{}/enablement", server.partner_a))
            .await
            .unwrap();
        assert!(
            text_of(&client, "#certification-records")
                .await
                .contains("Ana Alves")
        );
        assert!(
            text_of(&client, "#eligibility")
                .await
                .contains("May register deals.")
        );
        screenshot(&client, &format!("{backend:?}-partner-tier")).await;

        // The partner ticks its own onboarding item; the checklist says what still waits on it.
        client
            .goto(&format!("{base}/partners/{}/onboarding", server.partner_a))
            .await
            .unwrap();
        assert!(
            text_of(&client, "#onboarding-summary")
                .await
                .contains("22 items open; 7 wait on you"),
            "{}",
            text_of(&client, "#onboarding-summary").await
        );
        click_and_wait(&client, "#checklist tr[data-key=portal_login] button").await;
        assert!(
            text_of(&client, "#checklist tr[data-key=portal_login]")
                .await
                .contains("done (rep@alpha.test)")
        );
        assert!(
            text_of(&client, "#onboarding-summary")
                .await
                .contains("21 items open; 6 wait on you")
        );
        assert!(
            text_of(&client, "#checklist tr[data-key=sales_certified]")
                .await
                .contains("done (observed)"),
            "Ana's sales certification completes it"
        );
        assert!(
            client
                .find(Locator::Css("#checklist tr[data-key=nda_signed] button"))
                .await
                .is_err(),
            "team items are not the partner's to tick"
        );

        // Ana starts the next step of her learning path and meets a requirement.
        client
            .goto(&format!("{base}/partners/{}/enablement", server.partner_a))
            .await
            .unwrap();
        assert!(
            text_of(&client, "#learning-paths")
                .await
                .contains("Ana Alves Sales path 1/3 Sales — Advanced")
        );
        select(&client, "#en-cert", "sales_advanced").await;
        click_and_wait(&client, "#enroll-form button").await;
        click_and_wait(
            &client,
            r#"#enrollments button[aria-label="Mark met: Mock pitch for Ana Alves"]"#,
        )
        .await;
        assert!(
            client
                .find(Locator::Css(
                    r#"#enrollments button[aria-label="Reopen: Mock pitch for Ana Alves"]"#
                ))
                .await
                .is_ok(),
            "{}",
            text_of(&client, "#enrollments").await
        );
        screenshot(&client, &format!("{backend:?}-onboarding-and-learning")).await;

        // The partner registers a deal: the preview flags a customer someone else has, then
        // clears the one it registers.
        client.goto(&format!("{base}/deals/new")).await.unwrap();
        fill(&client, "#customer_name", "Globex Industries Inc.").await;
        wait_for_text(&client, "#conflict-preview", "Needs review").await;
        assert!(
            !text_of(&client, "#conflict-preview")
                .await
                .contains("Bravo")
        );
        fill(&client, "#customer_name", "Contoso Retail").await;
        fill(&client, "#website", "www.contoso-retail.example").await;
        wait_for_text(&client, "#conflict-preview", "Clear").await;
        fill(&client, "#industry", "Retail").await;
        select(&client, "#region", "emea").await;
        fill(&client, "#deal_size", "42000").await;
        let close = (store::now().date() + time::Duration::days(30)).to_string();
        client
            .execute(
                "document.getElementById('expected_close').value = arguments[0]",
                vec![serde_json::json!(close)],
            )
            .await
            .unwrap();
        fill(&client, "#use_case", "Store stock sync").await;
        fill(&client, "#partner_rep", "Rep Alpha").await;
        screenshot(&client, &format!("{backend:?}-deal-form")).await;
        click_and_wait(&client, "button[value=submit]").await;
        assert_eq!(text_of(&client, "#deal-status").await, "Submitted");
        assert_eq!(text_of(&client, "#conflict-verdict").await, "clear");
        let deal_url = client.current_url().await.unwrap().to_string();

        // The partner manager approves it; the partner sees it protected.
        click_and_wait(&client, ".me button").await;
        sign_in(&client, base, "pm@vendor.test").await;
        client
            .goto(&format!("{base}/deals?status=submitted"))
            .await
            .unwrap();
        assert!(text_of(&client, "#deals").await.contains("Contoso Retail"));
        client.goto(&deal_url).await.unwrap();
        click_and_wait(&client, "#decision button[value=approve]").await;
        assert_eq!(text_of(&client, "#deal-status").await, "Approved");
        click_and_wait(&client, ".me button").await;
        sign_in(&client, base, "rep@alpha.test").await;
        client.goto(&deal_url).await.unwrap();
        assert_eq!(text_of(&client, "#deal-status").await, "Approved");
        assert!(
            text_of(&client, "#protected-until")
                .await
                .starts_with("protected until ")
        );
        screenshot(&client, &format!("{backend:?}-deal-protected")).await;

        client.close().await.unwrap();
    }
}
