//! Teams and mail as our admin uses them: placing a partner manager on the partner
//! management team and naming them its lead, choosing the daily digest, and reading the
//! outbox while no SMTP server is configured; desktop screenshots, and the outbox at a
//! phone's width.

use super::phone::layout_problems;
use super::support::*;
use services::Actor;
use store::testing::BACKENDS;

/// Picks the option of a select whose text names `email` (people are listed by name and
/// address; their ids are the server's).
async fn choose_person(client: &fantoccini::Client, css: &str, email: &str) {
    let chosen = client
        .execute(
            "const select = document.querySelector(arguments[0]);
             const option = [...select.options].find(o => o.text.includes(arguments[1]));
             if (!option) return false;
             select.value = option.value;
             return true;",
            vec![serde_json::json!(css), serde_json::json!(email)],
        )
        .await
        .unwrap();
    assert_eq!(chosen, serde_json::json!(true), "{css} offers {email}");
}

#[tokio::test]
async fn teams_and_mail_in_a_real_browser() {
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let admin = create_admin(&server).await;
        let client = browser(&driver).await;
        sign_in(&client, base, "admin@vendor.test").await;

        client
            .goto(&format!("{base}/teams/partner_manager"))
            .await
            .unwrap();
        choose_person(&client, "#member-user", "pm@vendor.test").await;
        click_and_wait(&client, "form[action$='/members'] button[type=submit]").await;
        client
            .goto(&format!("{base}/teams/partner_manager"))
            .await
            .unwrap();
        choose_person(&client, "#lead-user", "pm@vendor.test").await;
        click_and_wait(&client, "form[action$='/lead'] button[type=submit]").await;
        client
            .goto(&format!("{base}/teams/partner_manager"))
            .await
            .unwrap();
        let team = text_of(&client, "main").await;
        assert!(team.contains("pm@vendor.test"), "{team}");
        assert!(team.contains("Remove pm@vendor.test"), "{team}");
        let lead = client
            .execute(
                "const s = document.querySelector('#lead-user');
                 return s.options[s.selectedIndex].text;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            lead.as_str().unwrap().contains("pm@vendor.test"),
            "the lead: {lead}"
        );
        screenshot(&client, &format!("{backend:?}-team")).await;
        client.goto(&format!("{base}/raci")).await.unwrap();
        assert!(
            text_of(&client, "main")
                .await
                .contains("Integration requests")
        );
        screenshot(&client, &format!("{backend:?}-raci")).await;

        client.goto(&format!("{base}/account/mail")).await.unwrap();
        click(&client, "input[name=delivery][value=digest]").await;
        click_and_wait(&client, "form[action='/account/mail'] button[type=submit]").await;
        assert_eq!(text_of(&client, "p.notice").await, "Saved.");
        let chosen = client
            .execute(
                "return document.querySelector('input[name=delivery]:checked').value",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(chosen, serde_json::json!("digest"));
        screenshot(&client, &format!("{backend:?}-mail-choice")).await;

        // A password reset is a security notice: mailed whatever the person chose.
        let mut read = server.services.db.read().await.unwrap();
        let rep = store::users::get_by_email(&mut read, "rep@alpha.test")
            .await
            .unwrap()
            .unwrap();
        drop(read);
        server
            .services
            .reset_password(&Actor::from_user(&admin), rep.id, "another long password")
            .await
            .unwrap();
        client.goto(&format!("{base}/outbox")).await.unwrap();
        let outbox = text_of(&client, "main").await;
        assert!(outbox.contains("rep@alpha.test"), "{outbox}");
        assert!(outbox.contains("no SMTP configured"), "{outbox}");
        screenshot(&client, &format!("{backend:?}-outbox")).await;
        client.set_window_size(390, 844).await.unwrap();
        let problems = layout_problems(&client, "/outbox as admin@vendor.test").await;
        assert!(problems.is_empty(), "{problems:?}");
        screenshot(&client, &format!("{backend:?}-outbox-phone")).await;
        client.close().await.unwrap();
    }
}
