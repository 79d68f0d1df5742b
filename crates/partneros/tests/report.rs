//! `partneros report …`: the portal's report tables from the shell, as CSV on standard output
//! and as XLSX files read back with calamine.

mod common;
use calamine::Data;
use common::{add_reseller, fails_saying, program, report, succeeds, xlsx_sheet};

#[tokio::test]
async fn report_tracker_as_csv_and_xlsx() {
    let (db, services) = program().await;
    let url = db.url.as_str();
    add_reseller(&services, "Alpha Ltd", "alpha.com", Some("silver")).await;

    // No wins: two slow months against Silver's $6,250 pace.
    assert_eq!(
        succeeds(&report("tracker", url, &["--months", "2"])),
        format!(
            "Partner,Tier,Partner manager,Monthly pace,Monthly pace currency,Won {older},Won {older} currency,Won {newer},Won {newer} currency,Total won,Total won currency,Underperforming\n",
            older = month(2),
            newer = month(1)
        ) + "Alpha Ltd,Silver,,6250.00,USD,0.00,USD,0.00,USD,0.00,USD,yes\n"
    );

    let sheet = xlsx_sheet(&report("tracker", url, &[]), 1, "Performance tracker");
    assert_eq!(sheet.get((1, 0)), Some(&Data::String("Alpha Ltd".into())));

    fails_saying(
        &report("tracker", url, &["--months", "13"]),
        "months: must be between 1 and 12",
    );
}

#[tokio::test]
async fn report_scorecard_by_name_as_csv_and_xlsx() {
    let (db, services) = program().await;
    let url = db.url.as_str();
    add_reseller(&services, "Alpha Ltd", "9.com", None).await;
    add_reseller(&services, "Alpha Ltd 2", "11.com", None).await;

    let csv = succeeds(&report(
        "scorecard",
        url,
        &["--partner", "alpha ltd", "--quarter", "2026Q4"],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 9, "{csv}");
    assert!(
        lines[0].starts_with("Quarter,Won,Won currency,Won deals,ARR,ARR currency,")
            && lines[0].ends_with(",Commitment band,IPP fit (of 100),Risks"),
        "{csv}"
    );
    assert!(lines[1].starts_with("2025-Q1,0.00,USD,0,"), "{csv}");
    assert!(lines[8].starts_with("2026-Q4,0.00,USD,0,"), "{csv}");

    let sheet = xlsx_sheet(
        &report(
            "scorecard",
            url,
            &["--partner", "Alpha Ltd", "--quarter", "2026-Q4"],
        ),
        8,
        "Scorecard",
    );
    assert_eq!(sheet.get((8, 0)), Some(&Data::String("2026-Q4".into())));

    fails_saying(
        &report("scorecard", url, &["--partner", "Nobody"]),
        "partner: no partner is named 'Nobody'",
    );
    fails_saying(
        &report(
            "scorecard",
            url,
            &["--partner", "Alpha Ltd", "--quarter", "2026Q9"],
        ),
        "quarter: ",
    );
}

#[tokio::test]
async fn report_dashboard_as_csv_and_xlsx() {
    let (db, services) = program().await;
    let url = db.url.as_str();
    add_reseller(&services, "Alpha Ltd", "alpha.com", Some("silver")).await;
    add_reseller(&services, "Bravo Ltd", "bravo.com", Some("silver")).await;
    add_reseller(&services, "Charlie Ltd", "charlie.com", Some("gold")).await;

    assert_eq!(
        succeeds(&report("dashboard", url, &["--table", "tiers"])),
        "Tier,Partners\nRegistered,0\nBronze,0\nSilver,2\nGold,1\nPlatinum,0\n"
    );

    let sheet = xlsx_sheet(
        &report("dashboard", url, &["--tier", "gold", "--table", "tiers"]),
        5,
        "Partners per tier",
    );
    assert_eq!(sheet.get((4, 0)), Some(&Data::String("Gold".into())));
    assert_eq!(sheet.get((4, 1)), Some(&Data::Float(1.0)));
    assert_eq!(sheet.get((3, 1)), Some(&Data::Float(0.0)));

    fails_saying(
        &report("dashboard", url, &["--quarter", "2026Q5"]),
        "quarter: '2026Q5' is not a quarter",
    );
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
    let (db, services) = program().await;
    let url = db.url.as_str();
    add_reseller(&services, "Alpha Ltd", "alpha.com", None).await;
    add_reseller(&services, "Bravo Ltd", "bravo.com", None).await;
    let close = store::now().date() + time::Duration::days(45);
    let today = store::now().date();
    let file = format!(
        "partner,customer_name,industry,region,deal_size,currency,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n\
         alpha.com,Big Co,Retail,emea,250000,USD,{close},Sync,discovery,40,Ana,submitted,{today},,\n\
         bravo.com,Small Co,Retail,emea,1000.50,USD,{close},Sync,discovery,10,Bo,submitted,{today},,\n"
    );
    let imported = services
        .import_deals(&services::Actor::system("test"), &file, false, &|_| {})
        .await
        .unwrap();
    assert!(imported.applied, "{:?}", imported.errors);

    // $250,000 at 40 % and $1,000.50 at 10 %: weighted $100,000 + $100.05.
    let csv = succeeds(&report("pipeline", url, &[]));
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

    let csv = succeeds(&report("pipeline", url, &["--partner", "alpha ltd"]));
    assert!(
        csv.contains("Open pipeline,All open registrations,1,250000.00,USD,100000.00,USD\n"),
        "{csv}"
    );
    assert!(!csv.contains("Bravo"), "{csv}");

    fails_saying(
        &report("pipeline", url, &["--partner", "Nobody"]),
        "partner: no partner is named 'Nobody'",
    );
}
