use super::*;

fn catalog() -> Vec<String> {
    certifications::default_catalog()
        .into_iter()
        .map(|c| c.key)
        .collect()
}
use crate::program::evaluation::PartnerFacts;
use crate::quarter::Quarter;
use history::*;

fn q(text: &str) -> Quarter {
    Quarter::parse(text).unwrap()
}

fn quarter(text: &str, revenue: i64, qbrs: u32, certified: u32) -> QuarterFacts {
    QuarterFacts {
        sourced_revenue: Decimal::from(revenue),
        qbrs,
        certified_people: certified,
        ..QuarterFacts::empty(q(text))
    }
}

#[test]
fn trailing_twelve_months_add_flows_and_carry_stocks_forward() {
    let history = vec![
        quarter("2025-Q4", 400_000, 1, 2),
        quarter("2026-Q1", 100_000, 1, 3),
        quarter("2026-Q2", 50_000, 1, 4),
        quarter("2026-Q4", 25_000, 2, 5),
        quarter("2027-Q2", 1, 0, 9),
    ];
    let facts = facts_as_of(&history, q("2026-Q3"));
    assert_eq!(
        facts.sourced_revenue_12m,
        Decimal::from(550_000),
        "Q4-25..Q3-26"
    );
    assert_eq!(facts.qbrs_per_year, 3);
    assert_eq!(
        facts.certified_people, 4,
        "Q2's count carries into Q3 (no row)"
    );
    let facts = facts_as_of(&history, q("2026-Q4"));
    assert_eq!(
        facts.sourced_revenue_12m,
        Decimal::from(175_000),
        "2025-Q4 left the window"
    );
    assert_eq!(facts.certified_people, 5);
    assert_eq!(
        facts_as_of(&history, q("2025-Q3")),
        PartnerFacts::default(),
        "before any row"
    );
    assert_eq!(facts_as_of(&[], q("2026-Q3")), PartnerFacts::default());
}

#[test]
fn input_names_every_bad_field_and_round_trips() {
    let input = QuarterFactsInput {
        quarter: "2026-Q7".into(),
        sourced_revenue: "lots".into(),
        certified_people: "-1".into(),
        qbrs: "two".into(),
        ipp_score: "101".into(),
        executive_sponsor: "ceo".into(),
        ..Default::default()
    };
    let errors = input.validate(q("2026-Q4"), &catalog(), "USD").unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "quarter",
            "sourced_revenue",
            "executive_sponsor",
            "qbrs",
            "certified_people",
            "ipp_score"
        ]
    );
    assert!(
        errors[3].message.contains("'two' is not a whole number"),
        "{errors:?}"
    );
    let yen = QuarterFactsInput {
        sourced_revenue: "120,000.50".into(),
        ..Default::default()
    };
    let errors = yen.validate(q("2026-Q4"), &catalog(), "JPY").unwrap_err();
    assert_eq!(errors[0].message, "JPY amounts have no decimals");
    let too_many_advanced = QuarterFactsInput {
        certified_people: "1".into(),
        advanced_certified_people: "2".into(),
        ..Default::default()
    };
    let errors = too_many_advanced
        .validate(q("2026-Q4"), &catalog(), "USD")
        .unwrap_err();
    assert_eq!(errors[0].field, "advanced_certified_people");

    let ok = QuarterFactsInput {
        sourced_revenue: "$380,000.50".into(),
        certified_people: "4".into(),
        executive_sponsor: "VP".into(),
        ..Default::default()
    };
    let facts = ok.validate(q("2026-Q4"), &catalog(), "USD").unwrap();
    assert_eq!(
        facts.quarter,
        q("2026-Q4"),
        "empty quarter means the current one"
    );
    assert_eq!(
        facts.sourced_revenue,
        "380000.50".parse::<Decimal>().unwrap()
    );
    assert_eq!(
        facts
            .to_input()
            .validate(q("2020-Q1"), &catalog(), "USD")
            .unwrap(),
        facts,
        "round trip"
    );
}

#[test]
fn api_clients_may_send_numbers_or_text() {
    let input: QuarterFactsInput = serde_json::from_str(
        r#"{"quarter":"2026-Q3","sourced_revenue":120000.5,"certified_people":3,"qbrs":"1"}"#,
    )
    .unwrap();
    let facts = input.validate(q("2026-Q4"), &catalog(), "USD").unwrap();
    assert_eq!(facts.certified_people, 3);
    assert_eq!(
        facts.sourced_revenue,
        "120000.5".parse::<Decimal>().unwrap()
    );
    assert!(serde_json::from_str::<QuarterFactsInput>(r#"{"revenue":1}"#).is_err());
}

#[test]
fn csv_reads_partial_columns_and_reports_every_bad_row_by_line() {
    let text = "partner,quarter,sourced_revenue,certified_people\n\
                acme.com,2026-Q3,\"120,000\",3\n\
                Globex,2026 Q4,,\n\
                ,2026-Q4,5,1\n\
                initech.io,2026-Q9,5,1\n\
                initech.io,2026-Q2,lots,x\n\
                acme.com,2026-q3,1,1\n";
    let (rows, errors) = parse_facts_csv(text, &catalog(), "USD");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[0].cells,
        [
            ("sourced_revenue".to_owned(), "120,000".to_owned()),
            ("certified_people".to_owned(), "3".to_owned())
        ]
    );
    assert!(rows[1].cells.is_empty(), "empty cells set nothing");
    let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "line 4, partner: is required",
            "line 5, quarter: '2026-Q9' is not a quarter like 2026-Q3",
            "line 6, sourced_revenue: 'lots' is not an amount like 380000 or 380000.50",
            "line 6, certified_people: 'x' is not a whole number",
            "line 7, quarter: acme.com 2026-Q3 already appears on line 2",
        ]
    );
}

#[test]
fn certification_counts_come_from_forms_and_csv_columns() {
    let input = QuarterFactsInput {
        certifications: [
            ("sales_advanced".to_owned(), "2".to_owned()),
            ("wizardry".to_owned(), "1".to_owned()),
        ]
        .into(),
        ..Default::default()
    };
    let errors = input.validate(q("2026-Q4"), &catalog(), "USD").unwrap_err();
    assert_eq!(errors[0].field, "cert.wizardry");
    assert!(
        errors[0]
            .message
            .starts_with("'wizardry' is not a certification of the program")
    );
    let input = QuarterFactsInput {
        certifications: [("sales_advanced".to_owned(), "2".to_owned())].into(),
        ..Default::default()
    };
    let facts = input.validate(q("2026-Q4"), &catalog(), "USD").unwrap();
    assert_eq!(facts.certifications["sales_advanced"], 2);
    assert_eq!(
        facts_as_of(std::slice::from_ref(&facts), q("2027-Q1")).certifications["sales_advanced"],
        2,
        "a stock carries forward"
    );
    let json: QuarterFactsInput =
        serde_json::from_str(r#"{"certifications":{"sales_advanced":3}}"#).unwrap();
    assert_eq!(json.certifications["sales_advanced"], "3");

    let (rows, errors) = parse_facts_csv(
        "partner,quarter,cert.technical_expert\nacme.com,2026-Q3,2\n",
        &catalog(),
        "USD",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let applied = rows[0].apply(None, "USD").unwrap();
    assert_eq!(applied.certifications["technical_expert"], 2);
    let (_, errors) = parse_facts_csv("partner,quarter,cert.wizardry\n", &catalog(), "USD");
    assert_eq!(
        (errors[0].line, errors[0].field.as_str()),
        (1, "cert.wizardry")
    );
}

#[test]
fn csv_header_problems_are_reported_on_line_1() {
    let (rows, errors) = parse_facts_csv(
        "partner,revenue,quarter,quarter\nacme.com,1,2026-Q1,2026-Q1\n",
        &catalog(),
        "USD",
    );
    assert!(rows.is_empty());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|e| e.line == 1));
    assert!(
        errors[0]
            .message
            .contains("unknown column 'revenue'; the columns are: partner, quarter")
    );
    assert!(errors[1].message.contains("appears twice"));
    let (_, errors) = parse_facts_csv("name,quarter\n", &catalog(), "USD");
    assert!(
        errors
            .iter()
            .any(|e| e.message == "the header has no 'partner' column"),
        "{errors:?}"
    );
    let (_, errors) = parse_facts_csv(
        "partner,quarter\nacme.com,2026-Q1,extra\n",
        &catalog(),
        "USD",
    );
    assert_eq!(
        errors[0].to_string(),
        "line 2, row: has 3 cells but the header has 2; put values containing commas in double quotes"
    );
}

#[test]
fn applying_a_row_keeps_unset_values_and_checks_consistency() {
    let stored = QuarterFacts {
        advanced_certified_people: 2,
        ..quarter("2026-Q3", 10, 1, 3)
    };
    let row = FactsRow {
        line: 9,
        partner: "acme.com".into(),
        quarter: q("2026-Q3"),
        cells: vec![("sourced_revenue".into(), "500".into())],
    };
    let merged = row.apply(Some(&stored), "USD").unwrap();
    assert_eq!(merged.sourced_revenue, Decimal::from(500));
    assert_eq!(
        (
            merged.certified_people,
            merged.advanced_certified_people,
            merged.qbrs
        ),
        (3, 2, 1)
    );
    let lowering = FactsRow {
        cells: vec![("certified_people".into(), "1".into())],
        ..row
    };
    let errors = lowering.apply(Some(&stored), "USD").unwrap_err();
    assert_eq!(errors[0].line, 9);
    assert_eq!(errors[0].field, "advanced_certified_people");
}

proptest! {
    #[test]
    fn csv_parsing_never_panics(text in "\\PC{0,300}") {
        let _ = parse_facts_csv(&text, &catalog(), "USD");
    }

    #[test]
    fn more_revenue_in_any_quarter_never_lowers_the_trailing_figure(
        revenues in proptest::collection::vec(0i64..1_000_000, 8), at in 0usize..8, extra in 1i64..100_000
    ) {
        let start = q("2025-Q1");
        let quarters: Vec<Quarter> = std::iter::successors(Some(start), |q| Some(q.next())).take(8).collect();
        let history: Vec<QuarterFacts> = quarters.iter().zip(&revenues).map(|(quarter, r)| QuarterFacts {
            sourced_revenue: Decimal::from(*r), ..QuarterFacts::empty(*quarter)
        }).collect();
        let mut more = history.clone();
        more[at].sourced_revenue += Decimal::from(extra);
        for quarter in &quarters {
            prop_assert!(facts_as_of(&more, *quarter).sourced_revenue_12m >= facts_as_of(&history, *quarter).sourced_revenue_12m);
        }
    }
}
