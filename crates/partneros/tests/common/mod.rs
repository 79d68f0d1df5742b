//! What the binary's tests share: running `partneros` with arguments and input, and reading
//! what it printed; for the report commands, a small program to report on and the files
//! they write.
// Each test binary uses only some of these.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_partneros");

pub fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `partneros report <table> --database-url <url>` and `more` arguments.
pub fn report<'a>(table: &'a str, url: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    [&["report", table, "--database-url", url][..], more].concat()
}

/// Runs `partneros` with `args` and no input, asserting it succeeded; its standard output.
pub fn succeeds(args: &[&str]) -> String {
    String::from_utf8_lossy(&run_well(args).stdout).into_owned()
}

/// Runs `partneros` with `args` and no input, asserting it failed saying `message`.
pub fn fails_saying(args: &[&str], message: &str) {
    let out = run(args, "");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(message), "{}", text(&out));
}

/// A migrated SQLite database (its `url` for `--database-url`) and the services over it.
pub async fn program() -> (store::testing::TestDb, services::Services) {
    let db = store::testing::TestDb::new(store::Backend::Sqlite).await;
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    (db, services)
}

/// A reseller named `name` at the website `domain`, placed in `tier` when one is given.
pub async fn add_reseller(
    services: &services::Services,
    name: &str,
    domain: &str,
    tier: Option<&str>,
) {
    let system = services::Actor::system("test");
    let partner = services
        .create_partner(
            &system,
            &domain::partners::PartnerInput {
                legal_name: name.into(),
                domains: vec![domain.into()],
                partner_type: "reseller".into(),
                gtm_model: "resell".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    if let Some(tier) = tier {
        services
            .set_tier_manually(&system, partner.id, tier, "test")
            .await
            .unwrap();
    }
}

/// Runs `partneros` with `args` and `--format xlsx --output` a file of its own, asserting it
/// said it wrote `rows` rows; the workbook's sheet named `sheet`.
pub fn xlsx_sheet(args: &[&str], rows: usize, sheet: &str) -> calamine::Range<calamine::Data> {
    use calamine::Reader;
    let dir = std::env::temp_dir().join(format!("partneros-report-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.xlsx");
    let path = file.to_str().unwrap();
    let args = [args, &["--format", "xlsx", "--output", path]].concat();
    let said = text(&run_well(&args));
    assert!(
        said.contains(&format!("{rows} row(s) written as xlsx")),
        "{said}"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    range
}

/// Runs `partneros` with `args` and no input, asserting it succeeded.
fn run_well(args: &[&str]) -> Output {
    let out = run(args, "");
    assert!(out.status.success(), "{}", text(&out));
    out
}
