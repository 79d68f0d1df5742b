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
    let issue = only_error(&replace("key = \"gold\"", "key = \"silver\""));
    assert!(issue.message.contains("used twice"));
    let issue = only_error(&replace("currency = \"USD\"", "currency = \"dollars\""));
    assert_eq!(issue.line, 9);
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

mod evaluation {
    use super::*;
    use crate::program::evaluation::{PartnerFacts, evaluate, keeps_tier};

    fn silver_partner() -> PartnerFacts {
        PartnerFacts {
            sourced_revenue_12m: Decimal::from(380_000),
            certified_people: 4,
            advanced_certified_people: 2,
            customer_references: 10,
            qbrs_per_year: 4,
            executive_sponsor: Some(SponsorLevel::Vp),
            co_marketing_per_year: 2,
            ipp_score: 70,
        }
    }

    #[test]
    fn qualifies_for_the_highest_tier_met_and_explains_the_gap() {
        let program = default_program();
        let evaluation = evaluate(&program, &silver_partner());
        assert_eq!(evaluation.qualifies_for, Some(2), "Silver");
        let (next, sentence) = evaluation.next.unwrap();
        assert_eq!(next, 3);
        assert_eq!(
            sentence,
            "$120,000 more closed-won revenue and 1 more certified person to reach Gold"
        );
        let gold = &evaluation.tiers[3];
        let revenue = gold
            .iter()
            .find(|c| c.criterion == "sourced_revenue_12m")
            .unwrap();
        assert_eq!(
            (
                revenue.required.as_str(),
                revenue.actual.as_str(),
                revenue.met
            ),
            ("$500,000", "$380,000", false)
        );
        assert!(
            gold.iter()
                .find(|c| c.criterion == "customer_references")
                .unwrap()
                .met
        );
    }

    #[test]
    fn nobody_and_top_tier_edges() {
        let program = default_program();
        let nothing = evaluate(&program, &PartnerFacts::default());
        assert_eq!(nothing.qualifies_for, Some(0), "Registered asks nothing");
        assert_eq!(
            nothing.next.unwrap().1,
            "1 more certified person, 1 more customer reference and 1 more QBR this year to reach Bronze"
        );
        let top = PartnerFacts {
            sourced_revenue_12m: Decimal::from(2_000_000),
            certified_people: 9,
            advanced_certified_people: 4,
            customer_references: 20,
            qbrs_per_year: 12,
            executive_sponsor: Some(SponsorLevel::CLevel),
            co_marketing_per_year: 4,
            ipp_score: 90,
        };
        let evaluation = evaluate(&program, &top);
        assert_eq!(evaluation.qualifies_for, Some(4));
        assert!(evaluation.next.is_none());
    }

    #[test]
    fn keep_criteria_are_gentler_than_entry() {
        let program = default_program();
        let mut facts = silver_partner();
        facts.sourced_revenue_12m = Decimal::from(80_000);
        assert_eq!(
            evaluate(&program, &facts).qualifies_for,
            Some(1),
            "below Silver entry"
        );
        assert!(
            keeps_tier(&program, 2, &facts),
            "but above Silver keep ($75K)"
        );
        facts.sourced_revenue_12m = Decimal::from(70_000);
        assert!(!keeps_tier(&program, 2, &facts));
    }

    #[test]
    fn facts_input_names_every_bad_field() {
        use crate::program::evaluation::FactsInput;
        let input = FactsInput {
            sourced_revenue_12m: "lots".into(),
            certified_people: -1,
            advanced_certified_people: 2,
            ipp_score: 101,
            executive_sponsor: "ceo".into(),
            ..Default::default()
        };
        let fields: Vec<String> = input
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "sourced_revenue_12m",
                "certified_people",
                "ipp_score",
                "advanced_certified_people",
                "executive_sponsor"
            ]
        );
        let ok = FactsInput {
            sourced_revenue_12m: "380,000.50".into(),
            certified_people: 4,
            executive_sponsor: "vp".into(),
            ..Default::default()
        };
        let facts = ok.validate().unwrap();
        assert_eq!(
            facts.sourced_revenue_12m,
            "380000.50".parse::<Decimal>().unwrap()
        );
        assert_eq!(facts.to_input().validate().unwrap(), facts, "round trip");
    }

    fn facts_strategy() -> impl Strategy<Value = PartnerFacts> {
        (
            0u64..3_000_000,
            0u32..12,
            0u32..6,
            0u32..20,
            0u32..14,
            0usize..4,
            0u32..6,
            0u32..101,
        )
            .prop_map(
                |(revenue, certified, advanced, references, qbrs, sponsor, co_marketing, ipp)| {
                    PartnerFacts {
                        sourced_revenue_12m: Decimal::from(revenue),
                        certified_people: certified,
                        advanced_certified_people: advanced.min(certified),
                        customer_references: references,
                        qbrs_per_year: qbrs,
                        executive_sponsor: [
                            None,
                            Some(SponsorLevel::None),
                            Some(SponsorLevel::Vp),
                            Some(SponsorLevel::CLevel),
                        ][sponsor],
                        co_marketing_per_year: co_marketing,
                        ipp_score: ipp,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn raising_a_threshold_never_upgrades_anyone(facts in facts_strategy(), tier in 0usize..5, bump in 1u32..500_000) {
            let program = default_program();
            let before = evaluate(&program, &facts).qualifies_for;
            let mut stricter = program.clone();
            stricter.tiers[tier].entry.sourced_revenue_12m += Decimal::from(bump);
            stricter.tiers[tier].entry.certified_people += bump % 3;
            let after = evaluate(&stricter, &facts).qualifies_for;
            prop_assert!(after <= before, "{:?} -> {:?}", before, after);
        }

        #[test]
        fn evaluation_is_deterministic(facts in facts_strategy()) {
            let program = default_program();
            prop_assert_eq!(evaluate(&program, &facts), evaluate(&program, &facts));
        }

        #[test]
        fn more_of_everything_never_lowers_the_tier(facts in facts_strategy(), extra in 0u32..5) {
            let program = default_program();
            let mut better = facts.clone();
            better.sourced_revenue_12m += Decimal::from(extra * 100_000);
            better.certified_people += extra;
            better.customer_references += extra;
            prop_assert!(evaluate(&program, &better).qualifies_for >= evaluate(&program, &facts).qualifies_for);
        }
    }
}

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
