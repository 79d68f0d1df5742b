//! Browser tests: headless Debian Chromium driven through chromedriver against a real
//! server, on SQLite and PostgreSQL. A missing browser fails with what to install.

use domain::partners::PartnerInput;
use domain::users::NewUserInput;
use fantoccini::{Client, ClientBuilder, Locator};
use services::{Actor, Config, Services};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use store::testing::{BACKENDS, TestDb};

const PASSWORD: &str = "browser test password";

struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_chromedriver() -> Driver {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&binary).exists() || !std::path::Path::new(&chromium()).exists() {
        panic!(
            "browser tests need Debian's chromium and chromium-driver ({binary} and {} not both found). \
             Install them with `apt-get install -y chromium chromium-driver` (./scripts/test.sh does this), \
             or set CHROMEDRIVER and CHROMIUM.",
            chromium()
        );
    }
    let port = free_port();
    let driver = Driver(
        Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
        port,
    );
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium(),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1000"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("open a Chromium session")
}

struct Server {
    _db: TestDb,
    services: Services,
    url: String,
    partner_a: uuid::Uuid,
    partner_b: uuid::Uuid,
    /// Bravo's approved registration.
    globex: uuid::Uuid,
}

async fn start_server(backend: store::Backend) -> Server {
    let db = TestDb::new(backend).await;
    let services = Services::new(db.db.clone(), Config::default());
    let system = Actor::system("browser-test");
    let user = |email: &str, role: &str, partner_id| NewUserInput {
        email: email.into(),
        name: email.into(),
        role: role.into(),
        partner_id,
        password: PASSWORD.into(),
    };
    let pm = Actor::from_user(
        &services
            .create_user(&system, &user("pm@vendor.test", "partner_manager", None))
            .await
            .unwrap(),
    );
    let partner = |name: &str| PartnerInput {
        legal_name: name.into(),
        partner_type: "si".into(),
        gtm_model: "co_sell".into(),
        ..Default::default()
    };
    let partner_a = services
        .create_partner(&pm, &partner("Alpha Integrators"))
        .await
        .unwrap()
        .id;
    let partner_b = services
        .create_partner(&pm, &partner("Bravo Resellers"))
        .await
        .unwrap()
        .id;
    services
        .create_user(
            &system,
            &user("rep@alpha.test", "partner_user", Some(partner_a)),
        )
        .await
        .unwrap();
    // Bravo holds a sales certification and a registration for Globex, approved today.
    let day = (store::now().date() - time::Duration::days(3)).to_string();
    services
        .import_certifications(
            &pm,
            &format!("partner,email,certification,date,score\n{partner_b},bo@bravo.test,sales_foundation,{day},90\n"),
            false,
        )
        .await
        .unwrap();
    let globex = domain::deals::registration::DealInput {
        customer_name: "Globex Industries".into(),
        website: "globex.example".into(),
        industry: "Manufacturing".into(),
        region: "emea".into(),
        deal_size: "30000".into(),
        expected_close: (store::now().date() + time::Duration::days(40)).to_string(),
        use_case: "Plant monitoring".into(),
        stage: "discovery".into(),
        probability: "30".into(),
        partner_rep: "Bo".into(),
        ..Default::default()
    };
    let globex = services
        .register_deal(&pm, partner_b, &globex, true)
        .await
        .unwrap();
    let approve = services::deals::DealDecision {
        decision: "approve".into(),
        note: String::new(),
    };
    services
        .decide_deal(&pm, globex.id, &approve)
        .await
        .unwrap();
    for stage in ["recruiting", "onboarding"] {
        services
            .change_partner_stage(&pm, partner_a, stage, "signed")
            .await
            .unwrap();
    }
    // The server `partneros serve` runs, timeouts included, so pages are tried as shipped;
    // on any free port, read back.
    let listener = partneros::startup::listen(([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let options = partneros::startup::ServerOptions {
        jobs_every: None,
        ..Default::default()
    };
    let serving = services.clone();
    tokio::spawn(async move {
        partneros::startup::serve(serving, listener, &options, std::future::pending()).await
    });
    Server {
        _db: db,
        services,
        url,
        partner_a,
        partner_b,
        globex: globex.id,
    }
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clicks something that loads a new page and waits until the old page is gone.
async fn click_and_wait(client: &Client, css: &str) {
    let old_page = client.find(Locator::Css("html")).await.unwrap();
    click(client, css).await;
    for _ in 0..200 {
        if old_page.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("clicking {css} did not load a new page");
}

async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap(),
        Err(e) => panic!(
            "{css}: {e}\nat {}:\n{}",
            client.current_url().await.unwrap(),
            client.source().await.unwrap()
        ),
    }
}

/// Waits (up to five seconds) for a script to put `text` into the element.
async fn wait_for_text(client: &Client, css: &str, text: &str) {
    for _ in 0..200 {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.text().await.unwrap_or_default().contains(text)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "{css} never said '{text}': '{}'",
        text_of(client, css).await
    );
}

async fn sign_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    fill(client, "#email", email).await;
    fill(client, "#password", PASSWORD).await;
    click_and_wait(client, "form button[type=submit]").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/partners"),
        "signed in"
    );
}

async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
}

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
        let now = services::facts::current_quarter();
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
                .contains("Checked: ready to import 2 row(s)")
        );
        click_and_wait(&client, "button[value=import]").await;
        assert!(
            text_of(&client, "#import-result")
                .await
                .starts_with("Imported 2 row(s)")
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
                .contains("1 certification(s) recorded")
        );
        click_and_wait(&client, ".me button").await;
        sign_in(&client, base, "rep@alpha.test").await;
        client
            .goto(&format!("{base}/partners/{}", server.partner_a))
            .await
            .unwrap();
        assert!(
            text_of(&client, "#tier-summary")
                .await
                .contains("Current tier: Bronze")
        );
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
        assert!(
            text_of(&client, "#onboarding-summary")
                .await
                .contains("22 item(s) open; 7 wait on you"),
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
                .contains("21 item(s) open; 6 wait on you")
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

/// What is wrong with the page the browser shows, at the window's width: a page wider than the
/// window (the reader scrolls sideways) or other than one h1.
async fn layout_problems(client: &Client, page: &str) -> Vec<String> {
    let measured = client
        .execute(
            "const h1 = [...document.querySelectorAll('h1')].map(h => h.textContent.trim());
             const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5
                         && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
               .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
             return [document.documentElement.scrollWidth, window.innerWidth, h1, wide];",
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
    problems
}

/// Every page an admin and a partner's user reach from the navigation, plus registrations,
/// partner pages, the pipeline and the exchange rates, fits a phone: nothing makes the page
/// scroll sideways (wide tables scroll in their own box), and each page has one h1.
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
        let people = [
            (
                "admin@vendor.test",
                vec![
                    format!("/deals/{globex}"),
                    format!("/deals/{alpha_deal}"),
                    format!("/partners/{}", server.partner_a),
                    format!("/partners/{}", server.partner_b),
                    "/deals/new".to_string(),
                    "/partners/new".to_string(),
                ],
            ),
            (
                "rep@alpha.test",
                vec![
                    format!("/deals/{alpha_deal}"),
                    format!("/partners/{}", server.partner_a),
                    "/deals/new".to_string(),
                ],
            ),
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
