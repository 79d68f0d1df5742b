use super::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn default_program() -> Program {
    let (program, issues) = parse(DEFAULT_PROGRAM);
    assert!(
        issues.is_empty(),
        "the shipped program has issues: {issues:?}"
    );
    program.unwrap()
}

fn replace(from: &str, to: &str) -> String {
    assert!(DEFAULT_PROGRAM.contains(from), "{from}");
    DEFAULT_PROGRAM.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

fn only_error(text: &str) -> Issue {
    let (program, issues) = parse(text);
    assert!(program.is_none(), "a file with errors is never accepted");
    let errors: Vec<Issue> = issues
        .into_iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn shipped_program_reproduces_the_playbook_numbers() {
    let p = default_program();
    let keys: Vec<&str> = p.tiers.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["registered", "bronze", "silver", "gold", "platinum"]);
    let revenue: Vec<Decimal> = p
        .tiers
        .iter()
        .map(|t| t.entry.sourced_revenue_12m)
        .collect();
    assert_eq!(
        revenue,
        [0, 0, 100_000, 500_000, 1_000_000].map(Decimal::from)
    );
    let certified: Vec<u32> = p.tiers.iter().map(|t| t.entry.certified_people).collect();
    assert_eq!(certified, [0, 1, 3, 5, 8]);
    let references: Vec<u32> = p
        .tiers
        .iter()
        .map(|t| t.entry.customer_references)
        .collect();
    assert_eq!(references, [0, 1, 5, 10, 15]);
    let discounts: Vec<Decimal> = p
        .tiers
        .iter()
        .map(|t| t.benefits.discount_percent)
        .collect();
    assert_eq!(discounts, [0, 10, 15, 20, 25].map(Decimal::from));
    let mdf: Vec<Decimal> = p.tiers.iter().map(|t| t.benefits.mdf_per_year).collect();
    assert_eq!(mdf, [0, 0, 10_000, 50_000, 100_000].map(Decimal::from));
    let protection: Vec<u32> = p
        .tiers
        .iter()
        .map(|t| t.benefits.deal_protection_days)
        .collect();
    assert_eq!(protection, [0, 30, 60, 90, 90]);
    let support: Vec<u32> = p
        .tiers
        .iter()
        .map(|t| t.benefits.support_response_hours)
        .collect();
    assert_eq!(support, [72, 48, 24, 4, 2]);
    assert_eq!(
        p.tiers[2].keep.sourced_revenue_12m,
        Decimal::from(75_000),
        "Silver keeps at $75K"
    );
    assert_eq!(p.tiers[3].keep, p.tiers[3].entry, "keep defaults to entry");
    assert!(
        p.tiers[3].entry.certified_people >= 2,
        "Gold floor: 2 certified resources"
    );
    assert_eq!(p.tiers[4].entry.executive_sponsor, SponsorLevel::CLevel);
    assert_eq!(p.progression.upgrade_after_quarters, 2);
    assert_eq!(
        (
            p.progression.downgrade_notice_days,
            p.progression.remediation_days
        ),
        (30, 90)
    );
    assert_eq!(p.currency, "USD");
}

#[test]
fn unknown_key_names_line_column_and_fix() {
    let text = replace("mdf_per_year = 10000", "mdf_per_yr = 10000");
    let issue = only_error(&text);
    assert_eq!(issue.line, line_of(&text, "mdf_per_yr"));
    assert!(
        issue.message.contains("unknown field `mdf_per_yr`"),
        "{}",
        issue.message
    );
    assert!(issue.fix.contains("spelling"));
}

#[test]
fn wrong_type_names_its_line() {
    let text = replace(
        "certified_people = 3\nadvanced",
        "certified_people = \"three\"\nadvanced",
    );
    let issue = only_error(&text);
    assert_eq!(issue.line, line_of(&text, "\"three\""));
    assert!(issue.message.contains("invalid type"), "{}", issue.message);
}

#[test]
fn unknown_enum_value_lists_the_choices() {
    let text = replace(
        "executive_sponsor = \"vp\"",
        "executive_sponsor = \"board\"",
    );
    let issue = only_error(&text);
    assert_eq!(issue.line, line_of(&text, "\"board\""));
    assert!(
        issue.message.contains("none") && issue.message.contains("c_level"),
        "{}",
        issue.message
    );
    assert_eq!(issue.fix, "use one of the values listed");
}

#[test]
fn syntax_error_names_its_line() {
    let text = replace("discount_percent = 15", "discount_percent = ");
    let issue = only_error(&text);
    assert_eq!(issue.line, line_of(&text, "discount_percent = \n"));
}

#[test]
fn tiers_out_of_order_point_at_the_smaller_criterion() {
    let text = replace(
        "sourced_revenue_12m = 500000",
        "sourced_revenue_12m = 50000",
    );
    let issue = only_error(&text);
    assert_eq!(issue.line, line_of(&text, "sourced_revenue_12m = 50000\n"));
    assert!(
        issue.message.contains(
            "tiers out of order: gold asks for sourced_revenue_12m 50000, less than silver"
        ),
        "{}",
        issue.message
    );
}

#[test]
fn keep_stricter_than_entry_is_an_error() {
    let text = replace(
        "sourced_revenue_12m = 75000",
        "sourced_revenue_12m = 750000",
    );
    let issue = only_error(&text);
    assert_eq!(issue.line, line_of(&text, "= 750000"));
    assert!(
        issue
            .message
            .contains("keep.sourced_revenue_12m (750000) is stricter"),
        "{}",
        issue.message
    );
}

#[test]
fn duplicate_keys_bad_currency_and_discounts_are_errors() {
    let (program, issues) = parse(&replace("key = \"gold\"", "key = \"silver\""));
    assert!(program.is_none());
    assert!(issues[0].message.contains("used twice"), "{issues:?}");
    assert!(
        issues[1..]
            .iter()
            .all(|i| i.message.contains("names tier 'gold'")),
        "the policies that named gold are reported too: {issues:?}"
    );
    let issue = only_error(&replace("currency = \"USD\"", "currency = \"dollars\""));
    assert_eq!(issue.line, 9);
    for code in ["XXX", "XAU", "BTC", "usd"] {
        let issue = only_error(&replace(
            "currency = \"USD\"",
            &format!("currency = \"{code}\""),
        ));
        let expected = format!("currency '{code}' is not an ISO 4217 currency");
        assert_eq!((issue.line, issue.column, issue.message), (9, 12, expected));
    }
    let issue = only_error(&replace("discount_percent = 25", "discount_percent = 125"));
    assert!(issue.message.contains("outside 0-100"));
    let issue = only_error(&replace(
        "advanced_certified_people = 3",
        "advanced_certified_people = 9",
    ));
    assert!(
        issue
            .message
            .contains("9 advanced certified people but only 8")
    );
}

#[test]
fn too_similar_tiers_warn_but_are_accepted() {
    let text = replace(
        "discount_percent = 25\nmdf_per_year = 100000",
        "discount_percent = 20\nmdf_per_year = 50000",
    );
    let (program, issues) = parse(&text);
    assert!(program.is_some(), "warnings do not block");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].severity, Severity::Warning);
    assert!(
        issues[0]
            .message
            .contains("platinum differs from gold in only 1 benefit"),
        "{}",
        issues[0].message
    );
    assert_eq!(issues[0].line, line_of(&text, "key = \"platinum\""));
}

#[test]
fn a_higher_tier_giving_less_is_a_warning() {
    let text = replace("discount_percent = 25", "discount_percent = 5");
    let (program, issues) = parse(&text);
    assert!(program.is_some());
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0]
            .message
            .contains("platinum offers less discount_percent than gold"),
        "{}",
        issues[0].message
    );
}

#[test]
fn missing_section_is_reported() {
    let text = DEFAULT_PROGRAM.replace("[review]\n", "[reviews]\n");
    let (program, issues) = parse(&text);
    assert!(program.is_none());
    assert!(
        issues[0].message.contains("unknown field `reviews`")
            || issues[0].message.contains("missing field `review`"),
        "{:?}",
        issues
    );
}

#[test]
fn certification_criteria_name_catalog_keys_and_are_evaluated() {
    assert_eq!(
        default_program().certifications,
        certifications::default_catalog()
    );
    let gold_entry = "executive_sponsor = \"vp\"\nco_marketing_per_year = 2\n";
    let plat_entry = "executive_sponsor = \"c_level\"\nco_marketing_per_year = 4\n";
    let with = |entry: &str, text: &str, count: u32| {
        text.replacen(
            entry,
            &format!("{entry}certifications = {{ technical_advanced = {count} }}\n"),
            1,
        )
    };
    let text = with(plat_entry, &with(gold_entry, DEFAULT_PROGRAM, 2), 2);
    let program = parse(&text).0.unwrap();
    assert_eq!(
        program.tiers[3].entry.certifications["technical_advanced"],
        2
    );
    assert_eq!(
        program.tiers[3].keep.certifications["technical_advanced"], 2,
        "keep inherits"
    );

    let unknown = replace(
        gold_entry,
        &format!("{gold_entry}certifications = {{ wizardry = 2 }}\n"),
    );
    let issue = only_error(&unknown);
    assert_eq!(issue.line, line_of(&unknown, "certifications = { wizardry"));
    assert!(
        issue
            .message
            .contains("names 'wizardry', which is not in the certification catalog"),
        "{issue:?}"
    );
    assert!(issue.fix.contains("sales_foundation"), "{issue:?}");

    // Platinum (above) asks nothing of it: out of order.
    let (_, issues) = parse(&text);
    assert!(
        issues.iter().all(|i| i.severity == Severity::Warning),
        "{issues:?}"
    );
    let lower = with(plat_entry, &with(gold_entry, DEFAULT_PROGRAM, 2), 1);
    let issue = only_error(&lower);
    assert!(
        issue.message.contains(
            "platinum asks for 1 people with technical_advanced, fewer than gold below it asks (2)"
        ),
        "{issue:?}"
    );

    let facts = crate::program::evaluation::PartnerFacts {
        sourced_revenue_12m: Decimal::from(600_000),
        certified_people: 5,
        advanced_certified_people: 2,
        customer_references: 10,
        qbrs_per_year: 4,
        executive_sponsor: Some(SponsorLevel::Vp),
        co_marketing_per_year: 2,
        certifications: [("technical_advanced".to_owned(), 1)].into(),
        ..Default::default()
    };
    let result = crate::program::evaluation::evaluate(&program, &facts);
    assert_eq!(
        result.qualifies_for,
        Some(2),
        "Silver: Gold needs 2 technical advanced"
    );
    assert_eq!(
        result.next.unwrap().1,
        "1 more person certified in Technical — Advanced to reach Gold"
    );
    assert_eq!(
        crate::program::evaluation::qualifies_for(&program, &facts),
        Some(2)
    );

    let bad_catalog = replace("pass_mark_percent = 70", "pass_mark_percent = 170");
    let issue = only_error(&bad_catalog);
    assert!(issue.message.contains("outside 1-100"), "{issue:?}");
    assert_eq!(issue.line, line_of(&bad_catalog, "pass_mark_percent = 170"));
    let twice = replace("key = \"sales_expert\"", "key = \"sales_foundation\"").replacen(
        "steps = [\"sales_foundation\", \"sales_advanced\", \"sales_expert\"]",
        "steps = [\"sales_foundation\", \"sales_advanced\"]",
        1,
    );
    let issue = only_error(&twice);
    assert!(issue.message.contains("is used twice"), "{issue:?}");
    let second = twice.rfind("key = \"sales_foundation\"").unwrap();
    assert_eq!(issue.line, twice[..second].matches('\n').count() + 1);
}

#[test]
fn onboarding_template_builds_a_dated_checklist() {
    use onboarding::*;
    use time::macros::date;
    let p = default_program();
    assert_eq!(p.onboarding, Onboarding::default());
    let start = date!(2026 - 11 - 02);
    let list = checklist(&p.onboarding, start);
    assert_eq!(list.len(), 23);
    let win = list.iter().find(|i| i.key == "first_joint_win").unwrap();
    assert_eq!(win.completes_when, Some(Observed::FirstDealWon));
    assert_eq!(list[0].due_on, start, "Day 0 first");
    let first_deal = list.iter().find(|i| i.key == "first_deal").unwrap();
    assert_eq!(first_deal.due_on, date!(2027 - 01 - 01));
    assert_eq!(
        first_deal.completes_when,
        Some(Observed::FirstDealRegistered)
    );
    assert_eq!(first_deal.owner, Owner::Partner(PartnerSide::Partner));
    assert!(
        !overdue(first_deal, false, date!(2027 - 01 - 01)),
        "due today is not overdue"
    );
    assert!(overdue(first_deal, false, date!(2027 - 01 - 02)));
    assert!(!overdue(first_deal, true, date!(2027 - 06 - 01)));
    assert_eq!(
        health_checks_due(&p.onboarding, start, date!(2026 - 12 - 02), &[]),
        [30]
    );
    assert_eq!(
        health_checks_due(&p.onboarding, start, date!(2027 - 02 - 01), &[30]),
        [60, 90]
    );

    let text = replace("key = \"msa_signed\"", "key = \"nda_signed\"");
    let issue = only_error(&text);
    assert!(
        issue
            .message
            .contains("onboarding item key 'nda_signed' is used twice"),
        "{issue:?}"
    );
    let second = text.rfind("key = \"nda_signed\"").unwrap();
    assert_eq!(issue.line, text[..second].matches('\n').count() + 1);
    let issue = only_error(&replace("owner = \"product\"", "owner = \"janitor\""));
    assert!(
        issue.message.contains("did not match any variant"),
        "{issue:?}"
    );
}

#[test]
fn roadmap_stages_follow_the_seed_and_observations_complete_items() {
    use onboarding::*;
    let stages: Vec<&str> = [0, 7, 8, 30, 31, 60, 90, 180]
        .into_iter()
        .map(roadmap_stage)
        .collect();
    assert_eq!(
        stages,
        [
            "Day 0", "Week 1", "Month 1", "Month 1", "Month 2", "Month 2", "Q1–Q2", "Q1–Q2"
        ]
    );
    let nothing = ObservedFacts::default();
    let kinds = [
        Observed::FirstDealRegistered,
        Observed::FirstDealWon,
        Observed::SalesCertificationEarned,
        Observed::FirstQbrScheduled,
    ];
    for kind in kinds {
        assert!(!observed_complete(kind, &nothing), "{kind:?}");
        assert_eq!(Observed::parse(kind.key()), Some(kind));
    }
    let registered = ObservedFacts {
        deals_registered: 1,
        ..nothing
    };
    assert!(observed_complete(
        Observed::FirstDealRegistered,
        &registered
    ));
    assert!(!observed_complete(Observed::FirstDealWon, &registered));
    assert!(observed_complete(
        Observed::FirstDealWon,
        &ObservedFacts {
            deals_won: 1,
            ..nothing
        }
    ));
    assert!(observed_complete(
        Observed::FirstQbrScheduled,
        &ObservedFacts { qbrs: 1, ..nothing }
    ));
    assert!(observed_complete(
        Observed::SalesCertificationEarned,
        &ObservedFacts {
            sales_certified: true,
            ..nothing
        }
    ));
    assert_eq!(Observed::parse("nonsense"), None);
}

#[test]
fn learning_paths_name_catalog_certifications() {
    let p = default_program();
    assert_eq!(p.policies.enablement.learning_paths.len(), 2);
    let text = replace(
        "steps = [\"sales_foundation\", \"sales_advanced\", \"sales_expert\"]",
        "steps = [\"sales_foundation\", \"sales_guru\"]",
    );
    let issue = only_error(&text);
    assert!(
        issue
            .message
            .contains("learning path 'sales_path' names certification 'sales_guru'"),
        "{issue:?}"
    );
    assert_eq!(issue.line, line_of(&text, "\"sales_guru\"]"));
    let twice = replace(
        "steps = [\"sales_foundation\", \"sales_advanced\", \"sales_expert\"]",
        "steps = [\"sales_foundation\", \"sales_foundation\"]",
    );
    assert!(
        only_error(&twice)
            .message
            .contains("lists 'sales_foundation' twice")
    );
}

mod policies;

mod recruitment;

mod alignment;

#[test]
fn diff_shows_changed_lines_only() {
    let changed = replace("discount_percent = 25", "discount_percent = 30");
    let text = diff(DEFAULT_PROGRAM, &changed);
    assert!(
        text.contains("-discount_percent = 25\n+discount_percent = 30"),
        "{text}"
    );
    assert!(
        !text.contains("key = \"registered\""),
        "unchanged parts are left out"
    );
    assert!(diff(DEFAULT_PROGRAM, DEFAULT_PROGRAM).is_empty());
}

mod evaluation;

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse(&text);
    }

    #[test]
    fn damaging_any_line_never_panics_and_never_accepts_garbage(line in 0usize..140, junk in "[=\\[\\]\"a-z0-9 ]{0,12}") {
        let mut lines: Vec<String> = DEFAULT_PROGRAM.lines().map(str::to_owned).collect();
        let index = line % lines.len();
        lines[index] = junk;
        let (program, issues) = parse(&lines.join("\n"));
        if program.is_none() {
            prop_assert!(issues.iter().any(|i| i.severity == Severity::Error && i.line >= 1));
        }
    }
}

mod quarterly_history;

mod progression_policy;

mod what_if;
