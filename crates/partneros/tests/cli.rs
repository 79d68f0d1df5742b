//! The `partneros` binary as an operator runs it: init, user management, migrate, demo twice,
//! graceful shutdown, and two servers sharing one PostgreSQL database.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use store::Backend;
use store::testing::TestDb;

mod common;
use common::{BIN, run, text};

/// A minimal HTTP/1.1 client: (status, headers, body).
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

fn cookie(head: &str, name: &str) -> String {
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no cookie {name} in\n{head}"))
}

/// A running `partneros serve` or `demo`: the process, the port it bound, and what it
/// printed before it said where.
struct Server(
    Child,
    u16,
    String,
    std::io::BufReader<std::process::ChildStdout>,
);

impl Server {
    /// Starts it on any free port (`--listen 127.0.0.1:0`) and reads the bound address from
    /// what it prints, so no port is guessed and raced for.
    fn start(args: &[&str]) -> Server {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--listen", "127.0.0.1:0"]);
        let mut child = Command::new(BIN)
            .args(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut printed = String::new();
        let port = loop {
            let mut line = String::new();
            if std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() == 0 {
                panic!("partneros {args:?} ended before saying where it listens:\n{printed}");
            }
            printed.push_str(&line);
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                break digits.parse::<u16>().unwrap();
            }
        };
        let server = Server(child, port, printed, stdout);
        for _ in 0..300 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/readyz", &[], "").0 == 200
            {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("partneros {args:?} did not become ready");
    }

    /// Sends SIGTERM and returns how the process ended and everything it printed.
    fn stop(mut self) -> (bool, String) {
        Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .unwrap();
        let status = self.0.wait().unwrap();
        let mut out = std::mem::take(&mut self.2);
        self.3.read_to_string(&mut out).unwrap();
        (status.success(), out)
    }

    /// Signs in through the sign-in form; returns the session cookie.
    fn sign_in(&self, email: &str, password: &str) -> String {
        let (_, head, page) = http(self.1, "GET", "/login", &[], "");
        let login = cookie(&head, "partneros_login");
        let csrf = page
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let form = format!(
            "csrf_token={csrf}&email={}&password={}",
            email.replace('@', "%40"),
            password.replace(' ', "+")
        );
        let cookie_header = format!("partneros_login={login}");
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", cookie_header.as_str()),
        ];
        let (status, head, _) = http(self.1, "POST", "/login", &headers, &form);
        assert_eq!(status, 303, "sign-in as {email} failed");
        cookie(&head, "partneros_session")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

#[tokio::test]
async fn init_and_user_commands() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let url = db.url.as_str();
        let out = run(&["migrate", "--database-url", url], "");
        assert!(out.status.success(), "{}", text(&out));
        let out = run(
            &[
                "init",
                "--database-url",
                url,
                "--email",
                "Root@Example.com",
                "--password-stdin",
            ],
            "short\n",
        );
        assert!(!out.status.success());
        assert!(
            text(&out).contains("password: must be at least 10 characters"),
            "{}",
            text(&out)
        );
        let out = run(
            &[
                "init",
                "--database-url",
                url,
                "--email",
                "root@example.com",
                "--password-stdin",
            ],
            "the first admin pass\n",
        );
        assert!(out.status.success(), "{}", text(&out));
        let out = run(
            &[
                "init",
                "--database-url",
                url,
                "--email",
                "other@example.com",
                "--password-stdin",
            ],
            "the first admin pass\n",
        );
        assert!(!out.status.success() && text(&out).contains("accounts already exist"));
        let add = |role: &str| {
            run(
                &[
                    "user",
                    "add",
                    "--database-url",
                    url,
                    "--email",
                    "pm@example.com",
                    "--name",
                    "Pat",
                    "--role",
                    role,
                    "--password-stdin",
                ],
                "a manager password\n",
            )
        };
        let out = add("wizard");
        assert!(
            !out.status.success() && text(&out).contains("role: 'wizard' is not one of"),
            "{}",
            text(&out)
        );
        assert!(add("partner_manager").status.success());
        let out = add("partner_manager");
        assert!(!out.status.success() && text(&out).contains("already exists"));
        let out = run(&["user", "list", "--database-url", url], "");
        let listing = text(&out);
        assert!(
            listing.contains("root@example.com")
                && listing.contains("pm@example.com")
                && listing.contains("partner_manager"),
            "{listing}"
        );
        assert!(
            run(
                &["user", "disable", "--database-url", url, "pm@example.com"],
                ""
            )
            .status
            .success()
        );
        assert!(text(&run(&["user", "list", "--database-url", url], "")).contains("disabled"));
        assert!(
            run(
                &["user", "enable", "--database-url", url, "pm@example.com"],
                ""
            )
            .status
            .success()
        );
        let services = services::Services::new(db.db.clone(), services::Config::default());
        let system = services::Actor::system("test");
        let pm = services
            .find_user_by_email(&system, "pm@example.com")
            .await
            .unwrap();
        let pm = services::Actor::from_user(&pm);
        let (_, token) = services.create_api_token(&pm, "laptop").await.unwrap();
        let out = run(
            &[
                "user",
                "reset-password",
                "--database-url",
                url,
                "pm@example.com",
                "--password-stdin",
            ],
            "a brand new password\n",
        );
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            matches!(
                services.token_actor(&token, "1").await,
                Err(services::Error::Unauthenticated)
            ),
            "the reset revoked the API token"
        );
        let out = run(
            &[
                "user",
                "disable",
                "--database-url",
                url,
                "nobody@example.com",
            ],
            "",
        );
        assert!(!out.status.success() && text(&out).contains("not found"));
        // the reset password works for signing in
        let server = Server::start(&["serve", "--database-url", url]);
        server.sign_in("pm@example.com", "a brand new password");
        let (clean, _) = server.stop();
        assert!(clean, "graceful shutdown exits 0");
    }
}

#[tokio::test]
async fn two_servers_share_one_postgres_database() {
    let db = TestDb::new(Backend::Postgres).await;
    let url = db.url.as_str();
    assert!(
        run(
            &[
                "init",
                "--database-url",
                url,
                "--email",
                "root@example.com",
                "--password-stdin"
            ],
            "the first admin pass\n"
        )
        .status
        .success()
    );
    let one = Server::start(&["serve", "--database-url", url]);
    let two = Server::start(&["serve", "--database-url", url]);
    let session = one.sign_in("root@example.com", "the first admin pass");
    let cookie_header = format!("partneros_session={session}");
    let (status, _, me) = http(
        two.1,
        "GET",
        "/api/v1/me",
        &[("cookie", &cookie_header)],
        "",
    );
    assert_eq!(status, 200, "a session from server one works on server two");
    assert!(me.contains("root@example.com"));
    let (_, _, account) = http(two.1, "GET", "/account", &[("cookie", &cookie_header)], "");
    let csrf = account
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let headers = [
        ("cookie", cookie_header.as_str()),
        ("content-type", "application/json"),
        ("x-csrf-token", csrf.as_str()),
    ];
    let (status, _, _) = http(
        two.1,
        "POST",
        "/api/v1/partners",
        &headers,
        r#"{"legal_name":"Shared Co","partner_type":"si","gtm_model":"resell"}"#,
    );
    assert_eq!(status, 201);
    let (_, _, list) = http(
        one.1,
        "GET",
        "/api/v1/partners",
        &[("cookie", &cookie_header)],
        "",
    );
    assert!(
        list.contains("Shared Co"),
        "server one sees what server two wrote"
    );
    let (status, _, _) = http(
        one.1,
        "POST",
        "/logout",
        &[
            ("cookie", &cookie_header),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        &format!("csrf_token={csrf}"),
    );
    assert_eq!(status, 303);
    let (status, _, _) = http(
        two.1,
        "GET",
        "/api/v1/me",
        &[("cookie", &cookie_header)],
        "",
    );
    assert_eq!(
        status, 401,
        "signing out on one server ends the session on both"
    );
    assert!(one.stop().0 && two.stop().0);
}

#[test]
fn demo_twice_neither_duplicates_nor_fails() {
    let path =
        std::env::temp_dir().join(format!("partneros-demo-test-{}.db", uuid::Uuid::now_v7()));
    let url = format!("sqlite://{}", path.display());
    let count_partners = |server: &Server| {
        let session = server.sign_in("admin@demo.partneros.test", services::demo::DEMO_PASSWORD);
        let cookie_header = format!("partneros_session={session}");
        let (_, _, body) = http(
            server.1,
            "GET",
            "/api/v1/partners?limit=200&archived=true",
            &[("cookie", &cookie_header)],
            "",
        );
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        page["items"].as_array().unwrap().len()
    };
    let first = Server::start(&["demo", "--database-url", &url]);
    let partners = count_partners(&first);
    assert!(partners >= 40, "{partners} demo partners");
    // The portal partner's admin has a renewal reminder; its people are certified and learning.
    let session = first.sign_in("admin@northwind.example", services::demo::DEMO_PASSWORD);
    let cookie_header = format!("partneros_session={session}");
    let get = |path: &str| -> serde_json::Value {
        let (_, _, body) = http(first.1, "GET", path, &[("cookie", &cookie_header)], "");
        serde_json::from_str(&body).unwrap()
    };
    let notifications = get("/api/v1/me/notifications?unread=true");
    let kinds: Vec<&str> = notifications["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"renewal_reminder") && kinds.contains(&"deal_decision"),
        "{notifications}"
    );
    let me = get("/api/v1/me");
    let northwind = me["partner_id"].as_str().unwrap().to_owned();
    let records = get(&format!("/api/v1/partners/{northwind}/certifications"));
    assert!(records["items"].as_array().unwrap().len() >= 2, "{records}");
    let deals = get("/api/v1/deals");
    let items = deals["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        5,
        "Northwind's own registrations only: {deals}"
    );
    assert!(items.iter().all(|d| d["conflict_findings"].is_null()));
    let pipeline = get("/api/v1/pipeline");
    assert_eq!(pipeline["won"]["deals"], 2, "{pipeline}");
    let learning = get(&format!("/api/v1/partners/{northwind}/learning"));
    assert_eq!(
        learning["enrollments"][0]["status"], "in_progress",
        "{learning}"
    );
    // Internal alignment at work for the partner manager: a queue, cases being worked, two
    // requests ranked across currencies, an answered survey round.
    let session = first.sign_in("pm@demo.partneros.test", services::demo::DEMO_PASSWORD);
    let cookie_header = format!("partneros_session={session}");
    let get = |path: &str| -> serde_json::Value {
        let (_, _, body) = http(first.1, "GET", path, &[("cookie", &cookie_header)], "");
        serde_json::from_str(&body).unwrap()
    };
    let my_work = get("/api/v1/my-work");
    assert!(
        !my_work["items"].as_array().unwrap().is_empty(),
        "{my_work}"
    );
    // The cases, their sweep on the real clock and their history: tests/demo_alignment.rs.
    let cases = get("/api/v1/escalations?state=in_progress,waiting_on_partner,resolved");
    // A dispute and the roadshow in progress, a contract waiting on Northwind, an MDF resolved.
    assert_eq!(cases["items"].as_array().unwrap().len(), 4, "{cases}");
    let requests = get("/api/v1/integration-requests");
    assert_eq!(requests["items"].as_array().unwrap().len(), 2, "{requests}");
    let survey = get("/api/v1/internal-nps");
    assert_eq!(survey["current"]["answers"], 6, "{survey}");
    let team = get("/api/v1/teams/partner_manager");
    assert_eq!(team["members"].as_array().unwrap().len(), 3, "{team}");
    let (clean, out) = first.stop();
    assert!(clean);
    assert!(
        out.contains("program created")
            && out.contains("pm@demo.partneros.test")
            && out.contains("partneros-demo"),
        "{out}"
    );
    let second = Server::start(&["demo", "--database-url", &url]);
    assert_eq!(count_partners(&second), partners);
    let (clean, out) = second.stop();
    assert!(clean && out.contains("already present"), "{out}");
    // Every write the demo made kept the pipeline's rollups exact.
    let check = run(&["check", "rollups", "--database-url", &url], "");
    assert!(
        check.status.success() && text(&check).contains("rollups match"),
        "{}",
        text(&check)
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn program_init_and_check() {
    let dir = std::env::temp_dir().join(format!("partneros-program-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("program.toml");
    let path = file.to_str().unwrap();
    let out = run(&["program", "init", path], "");
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("# ") && written.contains("[[tiers]]"),
        "the default is commented"
    );
    let out = run(&["program", "check", path], "");
    assert!(
        out.status.success()
            && text(&out).contains("Registered < Bronze < Silver < Gold < Platinum"),
        "{}",
        text(&out)
    );
    let out = run(&["program", "init", path], "");
    assert!(
        !out.status.success() && text(&out).contains("pass --force"),
        "never overwrites silently"
    );
    std::fs::write(
        &file,
        written.replacen("discount_percent = 15", "discount_percent = \"15%\"", 1),
    )
    .unwrap();
    let out = run(&["program", "check", path], "");
    let report = text(&out);
    assert!(!out.status.success());
    let line = written[..written.find("discount_percent = 15").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        report.contains(&format!("{path}:{line}:")),
        "names file and line: {report}"
    );
    assert!(
        report.contains("fix:") && report.contains("not accepted"),
        "{report}"
    );
    assert!(
        !report.contains("backtrace"),
        "errors read as messages: {report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn import_facts_dry_run_then_import() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.as_str();
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    let input = domain::partners::PartnerInput {
        legal_name: "Acme Integrators Ltd".into(),
        domains: vec!["acme.example".into()],
        partner_type: "si".into(),
        gtm_model: "co_sell".into(),
        ..Default::default()
    };
    let system = services::Actor::system("test");
    let acme = services.create_partner(&system, &input).await.unwrap().id;
    let dir = std::env::temp_dir().join(format!("partneros-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("facts.csv");
    let path = file.to_str().unwrap();

    std::fs::write(
        &file,
        "partner,quarter,sourced_revenue\nacme.example,2026-Q1,lots\nghost.example,2026-Q1,5\n",
    )
    .unwrap();
    let out = run(&["import", "facts", "--database-url", url, path], "");
    let report = text(&out);
    assert!(!out.status.success());
    assert!(
        report.contains(&format!(
            "{path}:2: sourced_revenue: 'lots' is not an amount"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!("{path}:3: partner: no partner")),
        "{report}"
    );
    assert!(
        report.contains("2 problem(s) in 2 row(s); nothing was written"),
        "{report}"
    );

    std::fs::write(&file, "partner,quarter,sourced_revenue,certified_people\nacme.example,2026-Q1,120000,3\nAcme Integrators Ltd,2026-Q2,80000,3\n").unwrap();
    let out = run(
        &["import", "facts", "--database-url", url, path, "--dry-run"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(
            "checked (dry run, nothing written) 2 row(s) for 1 partner(s): 2 new quarter(s)"
        ),
        "{}",
        text(&out)
    );
    assert!(
        services
            .partner_history(&system, acme)
            .await
            .unwrap()
            .is_empty()
    );
    let out = run(&["import", "facts", "--database-url", url, path], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("imported 2 row(s)"), "{}", text(&out));
    assert_eq!(
        services.partner_history(&system, acme).await.unwrap().len(),
        2
    );

    // What-if against that data: nothing is stored, the summary and timing are printed.
    let proposed = dir.join("proposed.toml");
    std::fs::write(
        &proposed,
        domain::program::DEFAULT_PROGRAM.replacen(
            "discount_percent = 10",
            "discount_percent = 12",
            1,
        ),
    )
    .unwrap();
    let out = run(
        &[
            "program",
            "simulate",
            "--database-url",
            url,
            proposed.to_str().unwrap(),
        ],
        "",
    );
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("1 partners evaluated for ") && report.contains("would move up"),
        "{report}"
    );
    assert!(
        report.contains("discount exposure") && report.contains("nothing was stored"),
        "{report}"
    );
    // Certification completions: a bad row is reported by line; then imported.
    let completions = dir.join("completions.csv");
    std::fs::write(&completions, "partner,email,certification,date,score\nacme.example,ana@acme.example,sales_foundation,2026-01-15,55\n").unwrap();
    let out = run(
        &[
            "import",
            "certifications",
            "--database-url",
            url,
            completions.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        !out.status.success() && text(&out).contains(":2: score: 55% is below the pass mark"),
        "{}",
        text(&out)
    );
    std::fs::write(&completions, "partner,email,certification,date,score\nacme.example,ana@acme.example,sales_foundation,2026-01-15,85\n").unwrap();
    let out = run(
        &[
            "import",
            "certifications",
            "--database-url",
            url,
            completions.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        out.status.success() && text(&out).contains("1 certification(s) recorded"),
        "{}",
        text(&out)
    );
    assert_eq!(
        services
            .certification_records(&system, acme, &services::PageRequest::everything())
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    std::fs::write(&proposed, "[program]\nname = 1\n").unwrap();
    let out = run(
        &[
            "program",
            "simulate",
            "--database-url",
            url,
            proposed.to_str().unwrap(),
        ],
        "",
    );
    assert!(
        !out.status.success() && text(&out).contains("line 2"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn import_rates_dry_run_then_import() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.as_str();
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    let system = services::Actor::system("test");
    let dir = std::env::temp_dir().join(format!("partneros-rates-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rates.csv");
    let path = file.to_str().unwrap();

    std::fs::write(
        &file,
        "currency,rate,effective_on\nJPY,0.0067,2026-11-01\nEUR,-1,2026-11-01\n",
    )
    .unwrap();
    let out = run(&["import", "rates", "--database-url", url, path], "");
    assert!(!out.status.success());
    assert!(
        text(&out).contains(&format!(
            "{path}:3: rate: '-1' is not a rate like 0.0067 or 1.0825"
        )),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("1 problem(s) in 2 row(s); nothing was written"));

    std::fs::write(&file, "currency,rate,effective_on\nJPY,0.0067,2026-11-01\n").unwrap();
    let out = run(
        &["import", "rates", "--database-url", url, path, "--dry-run"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("checked (dry run, nothing written) 1 rate(s): 1 new"),
        "{}",
        text(&out)
    );
    assert!(
        services
            .exchange_rates(&system, &services::PageRequest::everything())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let out = run(&["import", "rates", "--database-url", url, path], "");
    assert!(out.status.success(), "{}", text(&out));
    let stored = services
        .exchange_rates(&system, &services::PageRequest::everything())
        .await
        .unwrap()
        .items;
    assert_eq!(
        (
            stored.len(),
            stored[0].rate.as_str(),
            stored[0].imported_by.as_str()
        ),
        (1, "0.0067", "system (cli)")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
