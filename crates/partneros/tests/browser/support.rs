//! What every browser test needs: chromedriver and Chromium, a server as `partneros serve`
//! runs it, and the few steps a person takes on a page.

use domain::partners::PartnerInput;
use domain::users::NewUserInput;
use fantoccini::{Client, ClientBuilder, Locator};
use services::{Actor, Config, Services};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use store::testing::TestDb;

pub(crate) const PASSWORD: &str = "browser test password";

pub(crate) struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) async fn start_chromedriver() -> Driver {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&binary).exists() || !std::path::Path::new(&chromium()).exists() {
        panic!(
            "browser tests need Debian's chromium and chromium-driver ({binary} and {} not both found). \
             Install them with `apt-get install -y chromium chromium-driver` (./scripts/test.sh does this), \
             or set CHROMEDRIVER and CHROMIUM.",
            chromium()
        );
    }
    // Any free port, read back from what chromedriver prints: no port is guessed and raced for.
    let mut child = Command::new(&binary)
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let stdout = child.stdout.take().expect("chromedriver's output");
    let port = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        lines.find_map(|line| {
            let line = line.ok()?;
            let rest = line.split("started successfully on port ").nth(1)?;
            rest.trim_end_matches('.').trim().parse::<u16>().ok()
        })
    })
    .await
    .unwrap()
    .expect("chromedriver says which port it listens on");
    let driver = Driver(child, port);
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

pub(crate) fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

pub(crate) async fn browser(driver: &Driver) -> Client {
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

pub(crate) struct Server {
    pub(crate) _db: TestDb,
    pub(crate) services: Services,
    pub(crate) url: String,
    pub(crate) partner_a: uuid::Uuid,
    pub(crate) partner_b: uuid::Uuid,
    /// Bravo's approved registration.
    pub(crate) globex: uuid::Uuid,
}

/// Our administrator, admin@vendor.test, whom the browser tests sign in as.
pub(crate) async fn create_admin(server: &Server) -> domain::users::User {
    let admin = NewUserInput {
        email: "admin@vendor.test".into(),
        name: "Ada Admin".into(),
        role: "admin".into(),
        partner_id: None,
        password: PASSWORD.into(),
    };
    server
        .services
        .create_user(&Actor::system("browser-test"), &admin)
        .await
        .unwrap()
}

pub(crate) async fn start_server(backend: store::Backend) -> Server {
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

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub(crate) async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clicks something that loads a new page and waits until the old page is gone.
pub(crate) async fn click_and_wait(client: &Client, css: &str) {
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

pub(crate) async fn text_of(client: &Client, css: &str) -> String {
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
pub(crate) async fn wait_for_text(client: &Client, css: &str, text: &str) {
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

pub(crate) async fn sign_in(client: &Client, base: &str, email: &str) {
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
            .starts_with("/home"),
        "signed in, at home"
    );
}

pub(crate) async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
}

/// The XLSX workbook behind the download link `link`, fetched by the page with its own
/// session (as a click on the link would) and opened for reading back.
pub(crate) async fn workbook_behind(
    client: &Client,
    link: Locator<'_>,
) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    let href = client
        .find(link)
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let bytes = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer())
               .then(b => done(Array.from(new Uint8Array(b))));",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    let bytes: Vec<u8> = serde_json::from_value(bytes).unwrap();
    calamine::Reader::new(std::io::Cursor::new(bytes)).unwrap()
}
