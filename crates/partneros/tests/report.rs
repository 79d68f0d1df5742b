//! `partneros report …`: the portal's report tables from the shell, as CSV on standard output
//! and as XLSX files read back with calamine.

use store::Backend;
use store::testing::TestDb;

mod common;
use common::{run, text};

#[tokio::test]
async fn report_tracker_as_csv_and_xlsx() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.as_str();
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    let system = services::Actor::system("test");
    let partner = services
        .create_partner(
            &system,
            &domain::partners::PartnerInput {
                legal_name: "Alpha Ltd".into(),
                domains: vec!["alpha.com".into()],
                partner_type: "reseller".into(),
                gtm_model: "resell".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    services
        .set_tier_manually(&system, partner.id, "silver", "test")
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("partneros-report-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();

    let out = run(
        &["report", "tracker", "--database-url", url, "--months", "2"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    // No wins: two slow months against Silver's $6,250 pace.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "Partner,Tier,Partner manager,Monthly pace,Monthly pace currency,Won {older},Won {older} currency,Won {newer},Won {newer} currency,Total won,Total won currency,Underperforming\n",
            older = month(2),
            newer = month(1)
        ) + "Alpha Ltd,Silver,,6250.00,USD,0.00,USD,0.00,USD,0.00,USD,yes\n"
    );

    let file = dir.join("tracker.xlsx");
    let path = file.to_str().unwrap();
    let out = run(
        &[
            "report",
            "tracker",
            "--database-url",
            url,
            "--format",
            "xlsx",
            "--output",
            path,
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("1 row(s) written as xlsx"),
        "{}",
        text(&out)
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = book.worksheet_range("Performance tracker").unwrap();
    assert_eq!(
        sheet.get((1, 0)),
        Some(&calamine::Data::String("Alpha Ltd".into()))
    );

    let out = run(
        &["report", "tracker", "--database-url", url, "--months", "13"],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("months: must be between 1 and 12"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn report_scorecard_by_name_as_csv_and_xlsx() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.as_str();
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    let system = services::Actor::system("test");
    for name in ["Alpha Ltd", "Alpha Ltd 2"] {
        services
            .create_partner(
                &system,
                &domain::partners::PartnerInput {
                    legal_name: name.into(),
                    domains: vec![format!("{}.com", name.len())],
                    partner_type: "reseller".into(),
                    gtm_model: "resell".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let out = run(
        &[
            "report",
            "scorecard",
            "--database-url",
            url,
            "--partner",
            "alpha ltd",
            "--quarter",
            "2026Q4",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 9, "{csv}");
    assert!(
        lines[0].starts_with("Quarter,Won,Won currency,Won deals,ARR,ARR currency,")
            && lines[0].ends_with(",Commitment band,IPP fit (of 100),Risks"),
        "{csv}"
    );
    assert!(lines[1].starts_with("2025-Q1,0.00,USD,0,"), "{csv}");
    assert!(lines[8].starts_with("2026-Q4,0.00,USD,0,"), "{csv}");

    let dir = std::env::temp_dir().join(format!("partneros-scorecard-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scorecard.xlsx");
    let out = run(
        &[
            "report",
            "scorecard",
            "--database-url",
            url,
            "--partner",
            "Alpha Ltd",
            "--quarter",
            "2026-Q4",
            "--format",
            "xlsx",
            "--output",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("8 row(s) written as xlsx"),
        "{}",
        text(&out)
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = book.worksheet_range("Scorecard").unwrap();
    assert_eq!(
        sheet.get((8, 0)),
        Some(&calamine::Data::String("2026-Q4".into()))
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let out = run(
        &[
            "report",
            "scorecard",
            "--database-url",
            url,
            "--partner",
            "Nobody",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("partner: no partner is named 'Nobody'"),
        "{}",
        text(&out)
    );
    let out = run(
        &[
            "report",
            "scorecard",
            "--database-url",
            url,
            "--partner",
            "Alpha Ltd",
            "--quarter",
            "2026Q9",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("quarter: "), "{}", text(&out));
}

#[tokio::test]
async fn report_dashboard_as_csv_and_xlsx() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.as_str();
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    let system = services::Actor::system("test");
    for (name, tier) in [
        ("Alpha", "silver"),
        ("Bravo", "silver"),
        ("Charlie", "gold"),
    ] {
        let partner = services
            .create_partner(
                &system,
                &domain::partners::PartnerInput {
                    legal_name: format!("{name} Ltd"),
                    domains: vec![format!("{}.com", name.to_lowercase())],
                    partner_type: "reseller".into(),
                    gtm_model: "resell".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        services
            .set_tier_manually(&system, partner.id, tier, "test")
            .await
            .unwrap();
    }
    let dir = std::env::temp_dir().join(format!("partneros-report-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();

    let out = run(
        &[
            "report",
            "dashboard",
            "--database-url",
            url,
            "--table",
            "tiers",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Tier,Partners\nRegistered,0\nBronze,0\nSilver,2\nGold,1\nPlatinum,0\n"
    );

    let file = dir.join("dashboard.xlsx");
    let path = file.to_str().unwrap();
    let out = run(
        &[
            "report",
            "dashboard",
            "--database-url",
            url,
            "--tier",
            "gold",
            "--table",
            "tiers",
            "--format",
            "xlsx",
            "--output",
            path,
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("5 row(s) written as xlsx"),
        "{}",
        text(&out)
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = book.worksheet_range("Partners per tier").unwrap();
    assert_eq!(
        sheet.get((4, 0)),
        Some(&calamine::Data::String("Gold".into()))
    );
    assert_eq!(sheet.get((4, 1)), Some(&calamine::Data::Float(1.0)));
    assert_eq!(sheet.get((3, 1)), Some(&calamine::Data::Float(0.0)));

    let out = run(
        &[
            "report",
            "dashboard",
            "--database-url",
            url,
            "--quarter",
            "2026Q5",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("quarter: '2026Q5' is not a quarter"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The month `back` complete months ago, e.g. "2026-11".
fn month(back: i64) -> String {
    let mut day = store::now().date().replace_day(1).unwrap();
    for _ in 0..back {
        day = (day - time::Duration::days(1)).replace_day(1).unwrap();
    }
    format!("{:04}-{:02}", day.year(), u8::from(day.month()))
}

#[tokio::test]
async fn report_pipeline_for_the_program_and_one_partner_by_name() {
    let db = TestDb::new(Backend::Sqlite).await;
    let url = db.url.as_str();
    let services = services::Services::new(db.db.clone(), services::Config::default());
    db.db.migrate().await.unwrap();
    let system = services::Actor::system("test");
    for name in ["Alpha Ltd", "Bravo Ltd"] {
        services
            .create_partner(
                &system,
                &domain::partners::PartnerInput {
                    legal_name: name.into(),
                    domains: vec![format!("{}.com", name[..5].to_lowercase())],
                    partner_type: "reseller".into(),
                    gtm_model: "resell".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let close = store::now().date() + time::Duration::days(45);
    let today = store::now().date();
    let file = format!(
        "partner,customer_name,industry,region,deal_size,currency,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n\
         alpha.com,Big Co,Retail,emea,250000,USD,{close},Sync,discovery,40,Ana,submitted,{today},,\n\
         bravo.com,Small Co,Retail,emea,1000.50,USD,{close},Sync,discovery,10,Bo,submitted,{today},,\n"
    );
    let report = services
        .import_deals(&system, &file, false, &|_| {})
        .await
        .unwrap();
    assert!(report.applied, "{:?}", report.errors);

    // $250,000 at 40 % and $1,000.50 at 10 %: weighted $100,000 + $100.05.
    let out = run(&["report", "pipeline", "--database-url", url], "");
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.starts_with(
            "Breakdown,Group,Deals,Value,Value currency,Weighted value,Weighted value currency\n\
             Open pipeline,All open registrations,2,251000.50,USD,100100.05,USD\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("Partner,Bravo Ltd,1,1000.50,USD,100.05,USD\n"),
        "{csv}"
    );

    let out = run(
        &[
            "report",
            "pipeline",
            "--database-url",
            url,
            "--partner",
            "alpha ltd",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.contains("Open pipeline,All open registrations,1,250000.00,USD,100000.00,USD\n"),
        "{csv}"
    );
    assert!(!csv.contains("Bravo"), "{csv}");

    let out = run(
        &[
            "report",
            "pipeline",
            "--database-url",
            url,
            "--partner",
            "Nobody",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("partner: no partner is named 'Nobody'"),
        "{}",
        text(&out)
    );
}
