use super::support::*;
use domain::users::NewUserInput;
use fantoccini::Client;
use services::Actor;
use store::testing::BACKENDS;

/// The sections of the partner page after `/partners/{id}`.
const PARTNER_SECTIONS: [&str; 7] = [
    "",
    "/tier",
    "/evaluations",
    "/onboarding",
    "/enablement",
    "/contacts",
    "/timeline",
];

/// What is wrong with the page the browser shows, at the window's width: a page wider than the
/// window (the reader scrolls sideways), other than one h1, or no "Skip to content" link as
/// the first thing the keyboard reaches, leading to the main content.
pub(crate) async fn layout_problems(client: &Client, page: &str) -> Vec<String> {
    let measured = client
        .execute(
            "const h1 = [...document.querySelectorAll('h1')].map(h => h.textContent.trim());
             const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5
                         && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
               .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
             const first = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]');
             const skip = first && first.textContent.trim() === 'Skip to content'
               && first.getAttribute('href') === '#main' && !!document.querySelector('main#main');
             return [document.documentElement.scrollWidth, window.innerWidth, h1, wide, skip];",
            vec![],
        )
        .await
        .unwrap();
    let scroll_width = measured[0].as_i64().unwrap();
    let inner_width = measured[1].as_i64().unwrap();
    let h1 = measured[2].as_array().unwrap();
    let mut problems = Vec::new();
    if scroll_width > inner_width {
        problems.push(format!(
            "{page}: the page is {scroll_width}px wide in a {inner_width}px window (too wide: {})",
            measured[3]
        ));
    }
    if h1.len() != 1 {
        problems.push(format!("{page}: {} h1 instead of one: {h1:?}", h1.len()));
    }
    if measured[4] != serde_json::json!(true) {
        problems.push(format!(
            "{page}: the first focusable element is not a skip link to main#main"
        ));
    }
    problems
}

/// Every page an admin and a partner's user reach from the navigation, plus registrations,
/// every section of the partner pages, the imports, the pipeline and the exchange rates, fits
/// a phone: nothing makes the page scroll sideways (wide tables scroll in their own box), and
/// each page has one h1 and a skip link.
#[tokio::test]
async fn pages_fit_a_phone_and_have_one_h1() {
    const PHONE: (u32, u32) = (390, 844);
    let driver = start_chromedriver().await;
    for backend in BACKENDS {
        let server = start_server(backend).await;
        let base = &server.url;
        let services = &server.services;
        let system = Actor::system("browser-test");
        let admin = services
            .create_user(
                &system,
                &NewUserInput {
                    email: "admin@vendor.test".into(),
                    name: "Administrator of the vendor".into(),
                    role: "admin".into(),
                    partner_id: None,
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();
        let admin = Actor::from_user(&admin);
        // Alpha's own registration (its sales certification allows it), with a website too
        // long for a phone's line.
        let day = (store::now().date() - time::Duration::days(3)).to_string();
        services
            .import_certifications(
                &admin,
                &format!(
                    "partner,email,certification,date,score\n{},ana@alpha.test,sales_foundation,{day},90\n",
                    server.partner_a
                ),
                false,
            )
            .await
            .unwrap();
        let alpha_deal = domain::deals::registration::DealInput {
            customer_name: "Initech Manufacturing Holdings".into(),
            website: "initech-manufacturing-holdings-international.example".into(),
            industry: "Manufacturing".into(),
            region: "emea".into(),
            deal_size: "125000".into(),
            expected_close: (store::now().date() + time::Duration::days(60)).to_string(),
            use_case: "Replace the plant historian and connect every line to the ERP".into(),
            stage: "discovery".into(),
            probability: "40".into(),
            partner_rep: "Rep Alpha".into(),
            ..Default::default()
        };
        let alpha_deal = services
            .register_deal(&admin, server.partner_a, &alpha_deal, true)
            .await
            .unwrap()
            .id;
        let client = browser(&driver).await;
        client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        let mut problems = Vec::new();

        client.goto(&format!("{base}/login")).await.unwrap();
        problems.extend(layout_problems(&client, "/login (signed out)").await);
        let inner_width = client
            .execute("return window.innerWidth", vec![])
            .await
            .unwrap();
        assert_eq!(
            inner_width,
            serde_json::json!(PHONE.0),
            "the window is a phone's width"
        );

        let globex = server.globex;
        let sections = |partner: uuid::Uuid| {
            PARTNER_SECTIONS
                .iter()
                .map(move |section| format!("/partners/{partner}{section}"))
        };
        let mut admin_pages = vec![
            format!("/deals/{globex}"),
            format!("/deals/{alpha_deal}"),
            "/deals/new".to_string(),
            "/partners/new".to_string(),
            format!("/partners/{}/edit", server.partner_a),
            "/facts/import".to_string(),
            "/certifications/import".to_string(),
            "/deals/import".to_string(),
            "/leads/import".to_string(),
            "/program/simulate".to_string(),
            "/stakeholder-map".to_string(),
            "/teams/customer_success".to_string(),
            "/teams/customer_success/stakeholder".to_string(),
        ];
        admin_pages.extend(sections(server.partner_a));
        admin_pages.extend(sections(server.partner_b));
        for partner in [server.partner_a, server.partner_b] {
            admin_pages.push(format!("/partners/{partner}/scorecard"));
            admin_pages.push(format!("/partners/{partner}/health"));
        }
        let mut rep_pages = vec![
            format!("/deals/{alpha_deal}"),
            "/deals/new".to_string(),
            format!("/partners/{}/scorecard", server.partner_a),
        ];
        rep_pages.extend(sections(server.partner_a));
        let people = [
            ("admin@vendor.test", admin_pages),
            ("rep@alpha.test", rep_pages),
        ];
        for (email, extra) in people {
            client.set_window_size(1280, 1000).await.unwrap();
            sign_in(&client, base, email).await;
            client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            let nav = client
                .execute(
                    "return [...document.querySelectorAll('header.top a[href]')]
                       .map(a => a.getAttribute('href'))
                       .filter(h => h.startsWith('/') && !h.startsWith('/api/'))",
                    vec![],
                )
                .await
                .unwrap();
            let nav: Vec<String> = nav
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_string())
                .collect();
            assert!(nav.len() >= 6, "{email} sees the navigation: {nav:?}");
            let mut pages: Vec<String> = Vec::new();
            for page in nav
                .into_iter()
                .chain(extra)
                .chain(["/pipeline".to_string(), "/rates".to_string()])
            {
                if !pages.contains(&page) {
                    pages.push(page);
                }
            }
            for page in &pages {
                client.goto(&format!("{base}{page}")).await.unwrap();
                problems.extend(layout_problems(&client, &format!("{page} as {email}")).await);
            }
            screenshot(&client, &format!("{backend:?}-phone-{email}")).await;
            client.set_window_size(1280, 1000).await.unwrap();
            client.goto(&format!("{base}/partners")).await.unwrap();
            click_and_wait(&client, ".me button").await;
        }
        assert!(
            problems.is_empty(),
            "{backend:?}, {}px wide window:\n{}",
            PHONE.0,
            problems.join("\n")
        );
        client.close().await.unwrap();
    }
}
