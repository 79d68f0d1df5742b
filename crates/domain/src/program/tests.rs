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

#[test]
fn shipped_policies_are_the_documented_defaults() {
    let p = default_program();
    assert_eq!(p.policies, policy::Policies::default());
    assert_eq!(p.ipp, ipp::Ipp::default());
    assert_eq!(p.scoring_3c4c, scoring_3c4c::Scoring3c4c::default());
    let c = &p.policies.commissions;
    assert_eq!(c.rate_percent_by_tier["gold"], Decimal::from(20));
    assert_eq!(c.accelerator_for(Decimal::from(24_999)), Decimal::ONE);
    assert_eq!(
        c.accelerator_for(Decimal::from(25_000)),
        Decimal::new(125, 2)
    );
    assert_eq!(
        c.accelerator_for(Decimal::from(1_000_000)),
        Decimal::from(2)
    );
    assert_eq!(p.policies.deal_registration.decision_sla_business_days, 2);
    assert_eq!(p.policies.co_sell.required_above, Decimal::from(50_000));
    assert_eq!(p.policies.mdf.min_pipeline_multiple, Decimal::from(5));
    assert_eq!(p.policies.targets.deal_velocity_days, 45);
    assert_eq!(
        p.policies.raci.accountable("commission_payment"),
        Some(policy::Team::PartnerManager)
    );
}

#[test]
fn policy_sections_may_be_left_out_or_written_in_part() {
    let start = DEFAULT_PROGRAM.find("# ---- Policies").unwrap();
    let (program, issues) = parse(&DEFAULT_PROGRAM[..start]);
    assert!(issues.is_empty(), "{issues:?}");
    let program = program.unwrap();
    assert_eq!(program.policies, policy::Policies::default());
    assert_eq!(program.ipp, ipp::Ipp::default());

    let partial = format!(
        "{}\n[mdf]\nmin_pipeline_multiple = 3\n",
        &DEFAULT_PROGRAM[..start]
    );
    let program = parse(&partial).0.unwrap();
    assert_eq!(program.policies.mdf.min_pipeline_multiple, Decimal::from(3));
    assert_eq!(program.policies.mdf.submit_days_before_activity, 14);
}

#[test]
fn holidays_are_toml_dates_or_strings() {
    let text = replace("holidays = []", "holidays = [2026-12-25, \"2027-01-01\"]");
    let (program, issues) = parse(&text);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(
        program.unwrap().policies.deal_registration.holidays,
        [
            time::macros::date!(2026 - 12 - 25),
            time::macros::date!(2027 - 01 - 01)
        ]
    );
}

#[test]
fn auto_approval_covers_the_named_tier_and_those_above() {
    let p = default_program();
    let order: Vec<String> = p.tiers.iter().map(|t| t.key.clone()).collect();
    let rules = &p.policies.deal_registration;
    assert_eq!(rules.auto_approve_limit("silver", &order), None);
    assert_eq!(
        rules.auto_approve_limit("gold", &order),
        Some(Decimal::from(50_000))
    );
    assert_eq!(
        rules.auto_approve_limit("platinum", &order),
        Some(Decimal::from(100_000))
    );
    assert_eq!(rules.auto_approve_limit("unknown", &order), None);
}

/// Each bad policy value is refused with the line it is written on.
#[test]
fn bad_policy_values_name_their_line() {
    let cases: [(&str, &str, &str); 18] = [
        (
            "holidays = []",
            "holidays = [2026-12-25, \"2026-13-01\"]",
            "holiday '2026-13-01' is not a date like 2027-03-31",
        ),
        (
            "holidays = []",
            "holidays = [9999-12-25]",
            "holiday '9999-12-25' is outside the years 1970-2100",
        ),
        (
            "decision_sla_business_days = 2",
            "decision_sla_business_days = 0",
            "is 0",
        ),
        (
            "expiry_warning_days = [14, 3]",
            "expiry_warning_days = [3, 14]",
            "largest to the smallest",
        ),
        (
            "fuzzy_match_threshold = 0.85",
            "fuzzy_match_threshold = 1.5",
            "outside 0-1",
        ),
        (
            "tier = \"gold\"\nbelow",
            "tier = \"diamond\"\nbelow",
            "names tier 'diamond'",
        ),
        (
            "internal_rep_bonus_percent = 5",
            "internal_rep_bonus_percent = 105",
            "outside 0-100",
        ),
        (
            "min_pipeline_multiple = 5",
            "min_pipeline_multiple = -1",
            "negative",
        ),
        (
            "purposes = [\"event\", \"campaign\", \"collateral\", \"digital\"]",
            "purposes = []",
            "purposes is empty",
        ),
        ("silver = 15\n", "silver = 150\n", "outside 0-100"),
        ("multiplier = 1.25", "multiplier = 0.5", "below 1"),
        ("from = 50000", "from = 10000", "does not rise above"),
        (
            "pay_day_of_month = 15",
            "pay_day_of_month = 31",
            "not a day every month has",
        ),
        (
            "escalate_to_executives_days = 14",
            "escalate_to_executives_days = 3",
            "after escalation to the VP",
        ),
        (
            "deal_registration = { sales = \"A\", partner_manager = \"R\" }",
            "deal_registration = { sales = \"A\", partner_manager = \"A\" }",
            "2 accountable teams",
        ),
        (
            "partner_nps = 50",
            "partner_nps = 150",
            "outside -100 to 100",
        ),
        ("revenue = 30", "revenue = 35", "add up to 105"),
        ("go_from = 3.5", "go_from = 2.0", "bands must rise"),
    ];
    for (from, to, expected) in cases {
        let text = replace(from, to);
        let issue = only_error(&text);
        assert!(issue.message.contains(expected), "{to}: {issue:?}");
        let line = text[..text.find(to).unwrap()].matches('\n').count() + 1;
        // Weights are checked as a whole: reported at their table's header, the line above.
        let expected = if to.starts_with("revenue =") {
            line - 1
        } else {
            line
        };
        assert_eq!(issue.line, expected, "{to}: {issue:?}");
    }
}

#[test]
fn ipp_and_3c4c_checks_name_their_line() {
    let text = replace("weight = 10\n", "weight = 15\n");
    let issue = only_error(&text);
    assert!(issue.message.contains("add up to 105"), "{issue:?}");
    assert_eq!(issue.line, line_of(&text, "[[ipp.categories]]"));

    let text = replace("{ key = \"geography\"", "{ key = \"industry_segment\"");
    let issue = only_error(&text);
    assert!(issue.message.contains("used twice"), "{issue:?}");
    assert_eq!(
        issue.line,
        line_of(&text, "{ key = \"industry_segment\", question = \"Covers")
    );

    let issue = only_error(&replace(
        "min_score = 3\ncriteria = [\n  { key = \"industry",
        "min_score = 7\ncriteria = [\n  { key = \"industry",
    ));
    assert!(issue.message.contains("outside 0-5"), "{issue:?}");

    let text = replace("capability = 40", "capability = 50");
    let issue = only_error(&text);
    assert!(
        issue.message.contains("weights_3c add up to 110"),
        "{issue:?}"
    );
    let issue = only_error(&replace(
        "[scoring_3c4c]\n",
        "[scoring_3c4c]\nexcellent_from = 4.5\n",
    ));
    assert!(
        issue.message.contains("unknown field `excellent_from`"),
        "{issue:?}"
    );
}

#[test]
fn defaults_naming_missing_tiers_say_they_are_defaults() {
    let start = DEFAULT_PROGRAM.find("# ---- Policies").unwrap();
    let renamed = DEFAULT_PROGRAM[..start].replace("key = \"gold\"", "key = \"diamond\"");
    let (program, issues) = parse(&renamed);
    assert!(program.is_none());
    assert!(
        issues.iter().any(|i| i.message.contains(
            "a shipped default: the file does not set `commissions.rate_percent_by_tier.gold`"
        )),
        "{issues:?}"
    );
}

mod recruitment {
    use super::*;
    use ipp::{IppAnswers, IppVerdict, ipp_fit};
    use scoring_3c4c::{Band, Scores, score};

    fn all_scored(value: u8) -> IppAnswers {
        let profile = ipp::Ipp::default();
        IppAnswers {
            scores: profile
                .categories
                .iter()
                .flat_map(|c| c.criteria.iter().map(|k| (k.key.clone(), value)))
                .collect(),
            red_flags: Default::default(),
        }
    }

    #[test]
    fn fit_score_runs_from_0_to_100_with_contributions() {
        let profile = ipp::Ipp::default();
        let top = ipp_fit(&profile, &all_scored(5));
        assert_eq!(top.score, Decimal::from(100));
        assert_eq!(top.verdict, IppVerdict::Fit);
        let sum: Decimal = top.criteria.iter().map(|c| c.contribution).sum();
        assert!(
            (sum - Decimal::from(100)).abs() < Decimal::new(5, 2),
            "{sum}"
        );
        let geography = top.criteria.iter().find(|c| c.key == "geography").unwrap();
        assert_eq!(
            geography.max_contribution,
            Decimal::new(667, 2),
            "20 points over 3 criteria"
        );

        let mut answers = all_scored(3);
        answers.scores.insert("deal_economics".into(), 0);
        let result = ipp_fit(&profile, &answers);
        assert_eq!(result.score, Decimal::from(54), "60 - 6 for economics");
        assert_eq!(result.verdict, IppVerdict::Fit);
    }

    #[test]
    fn a_must_have_category_below_its_minimum_is_not_a_fit() {
        let profile = ipp::Ipp::default();
        let mut answers = all_scored(5);
        answers.scores.insert("integrations".into(), 0);
        answers.scores.insert("certifications_delivery".into(), 5);
        let result = ipp_fit(&profile, &answers);
        assert_eq!(result.verdict, IppVerdict::BelowMinimum);
        assert_eq!(
            result.reasons,
            ["Capability averages 2.5 of 5, below the minimum of 3"]
        );
        answers.scores.insert("integrations".into(), 1);
        assert_eq!(
            ipp_fit(&profile, &answers).verdict,
            IppVerdict::Fit,
            "3.0 meets 3"
        );
    }

    #[test]
    fn any_red_flag_disqualifies_and_says_why() {
        let profile = ipp::Ipp::default();
        let mut answers = all_scored(5);
        answers.red_flags.insert("direct_competitor".into());
        let result = ipp_fit(&profile, &answers);
        assert_eq!(result.verdict, IppVerdict::Disqualified);
        assert_eq!(result.score, Decimal::from(100), "the score still shows");
        assert_eq!(result.reasons, ["red flag: Is a direct competitor"]);
    }

    #[test]
    fn ipp_answers_are_validated_by_name() {
        let profile = ipp::Ipp::default();
        let mut answers = all_scored(6);
        answers.scores.insert("charisma".into(), 2);
        answers.red_flags.insert("too_big".into());
        let errors = answers.validate(&profile).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"charisma")
                && fields.contains(&"too_big")
                && fields.contains(&"geography"),
            "{fields:?}"
        );
        assert!(all_scored(5).validate(&profile).is_ok());
    }

    #[test]
    fn bands_follow_the_playbook_boundaries() {
        let config = scoring_3c4c::Scoring3c4c::default();
        let s = |capacity, capability, commitment, customers| Scores {
            capacity,
            capability,
            commitment,
            customers,
        };
        // 3C weights 30/40/30.
        assert_eq!(score(&config, &s(4, 4, 3, None)).score, Decimal::new(37, 1));
        assert_eq!(score(&config, &s(4, 4, 3, None)).band, Band::Go);
        assert_eq!(
            score(&config, &s(3, 3, 3, None)).band,
            Band::Develop,
            "3.0 is develop"
        );
        assert_eq!(
            score(&config, &s(2, 3, 3, None)).band,
            Band::Conditional,
            "2.7"
        );
        assert_eq!(
            score(&config, &s(3, 2, 3, None)).band,
            Band::Conditional,
            "2.6"
        );
        assert_eq!(score(&config, &s(2, 2, 3, None)).band, Band::NoGo, "2.3");
        // 4C weights 25/30/25/20: 3*.25 + 4*.3 + 3*.25 + 4*.2 = 3.5 → go.
        let four = score(&config, &s(3, 4, 3, Some(4)));
        assert_eq!((four.score, four.band), (Decimal::new(350, 2), Band::Go));
        // 3.45 shows as 3.45 and stays below go.
        let mut custom = config.clone();
        custom.weights_3c = scoring_3c4c::Weights3c {
            capacity: 45,
            capability: 55,
            commitment: 0,
        };
        let edge = score(&custom, &s(3, 4, 0, None)); // 1.35 + 2.2 = 3.55
        assert_eq!(edge.band, Band::Go);
        custom.weights_3c = scoring_3c4c::Weights3c {
            capacity: 55,
            capability: 45,
            commitment: 0,
        };
        let edge = score(&custom, &s(3, 4, 0, None)); // 1.65 + 1.8 = 3.45
        assert_eq!(
            (edge.score, edge.band),
            (Decimal::new(345, 2), Band::Develop)
        );
        assert!(s(6, 0, 0, Some(9)).validate().is_err());
    }

    proptest! {
        #[test]
        fn fit_score_stays_in_range_and_rises_with_any_score(scores in proptest::collection::vec(0u8..=5, 9), bump in 0usize..9) {
            let profile = ipp::Ipp::default();
            let keys: Vec<String> = profile.categories.iter().flat_map(|c| c.criteria.iter().map(|k| k.key.clone())).collect();
            let answers = IppAnswers { scores: keys.iter().cloned().zip(scores.iter().copied()).collect(), red_flags: Default::default() };
            let result = ipp_fit(&profile, &answers);
            prop_assert!(result.score >= Decimal::ZERO && result.score <= Decimal::from(100));
            let mut better = answers.clone();
            let key = &keys[bump];
            let current = better.scores[key];
            better.scores.insert(key.clone(), (current + 1).min(5));
            prop_assert!(ipp_fit(&profile, &better).score >= result.score);
        }

        #[test]
        fn a_higher_c_never_lowers_the_band(capacity in 0u8..=5, capability in 0u8..=5, commitment in 0u8..=5, customers in proptest::option::of(0u8..=5)) {
            let config = scoring_3c4c::Scoring3c4c::default();
            let base = Scores { capacity, capability, commitment, customers };
            let better = Scores { capacity: (capacity + 1).min(5), ..base };
            let rank = |b: Band| [Band::NoGo, Band::Conditional, Band::Develop, Band::Go].iter().position(|x| *x == b).unwrap();
            prop_assert!(rank(score(&config, &better).band) >= rank(score(&config, &base).band));
        }
    }
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
            certifications: Default::default(),
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
            certifications: Default::default(),
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
                        certifications: [("sales_advanced".to_owned(), certified / 2)].into(),
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
        fn the_fast_path_agrees_with_the_explained_evaluation(facts in facts_strategy()) {
            let program = default_program();
            prop_assert_eq!(
                crate::program::evaluation::qualifies_for(&program, &facts),
                evaluate(&program, &facts).qualifies_for
            );
            for tier in &program.tiers {
                let explained = crate::program::evaluation::check_criteria(&tier.keep, &facts, &program).iter().all(|c| c.met);
                prop_assert_eq!(crate::program::evaluation::meets(&tier.keep, &facts), explained);
            }
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

mod quarterly_history {
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
}

mod progression_policy {
    use super::*;
    use crate::quarter::Quarter;
    use history::QuarterFacts;
    use progression::{Action, Active, ProposalKind, Situation, next_action};
    use time::macros::date;

    const TODAY: time::Date = date!(2026 - 11 - 27);

    fn now() -> Quarter {
        Quarter::containing(TODAY)
    }

    /// A quarter whose trailing window holds `revenue_12m` when the three before it are empty,
    /// with Silver's other entry criteria (3 certified, 1 advanced, 5 references).
    fn quarter(q: Quarter, revenue: i64, qbrs: u32, certified: u32) -> QuarterFacts {
        QuarterFacts {
            sourced_revenue: Decimal::from(revenue),
            qbrs,
            certified_people: certified,
            advanced_certified_people: 1.min(certified),
            customer_references: 5,
            ..QuarterFacts::empty(q)
        }
    }

    fn situation<'a>(
        program: &'a Program,
        current: usize,
        history: &'a [QuarterFacts],
    ) -> Situation<'a> {
        Situation {
            program,
            current,
            history,
            quarter: now(),
            today: TODAY,
            active: None,
            raised_this_period: 0,
            upgrade_block: None,
            downgrade_hold: None,
        }
    }

    /// Silver-level facts in each of the last `n` quarters (and nothing before).
    fn silver_for(n: usize) -> Vec<QuarterFacts> {
        now()
            .trailing(n)
            .into_iter()
            .map(|q| quarter(q, 60_000, 1, 3))
            .collect()
    }

    #[test]
    fn upgrade_after_two_consecutive_qualifying_quarters() {
        let program = default_program();
        // One quarter of 60K: 60K trailing, below Silver's 100K; two quarters: 120K in both? No —
        // the earlier quarter alone has 60K. Three quarters give 120K now and 120K last quarter.
        let one = silver_for(2);
        assert!(matches!(
            next_action(&situation(&program, 1, &one)),
            Action::Nothing { .. }
        ));
        let three = silver_for(3);
        match next_action(&situation(&program, 1, &three)) {
            Action::ProposeUpgrade { to, why } => {
                assert_eq!(to, 2);
                assert_eq!(
                    why,
                    format!(
                        "qualified for Silver in {} and {} (2 consecutive quarter(s), on trailing 12 months)",
                        now().previous(),
                        now()
                    )
                );
            }
            other => panic!("{other:?}"),
        }
        let mut slower = program.clone();
        slower.progression.upgrade_after_quarters = 3;
        assert!(
            matches!(
                next_action(&situation(&slower, 1, &three)),
                Action::Nothing { .. }
            ),
            "raising the bar delays it"
        );
        assert!(
            matches!(
                next_action(&situation(&program, 2, &three)),
                Action::Nothing { .. }
            ),
            "already Silver"
        );
    }

    #[test]
    fn at_most_one_proposal_per_partner_per_period() {
        let program = default_program();
        let history = silver_for(3);
        let mut s = situation(&program, 1, &history);
        s.raised_this_period = 1;
        match next_action(&s) {
            Action::Nothing { why } => {
                assert_eq!(why, format!("already had a tier proposal in {}", now()))
            }
            other => panic!("{other:?}"),
        }
        s.raised_this_period = 0;
        s.active = Some(Active::Open {
            kind: ProposalKind::Upgrade,
            to: 2,
        });
        assert_eq!(
            next_action(&s),
            Action::Nothing {
                why: "a proposal awaits a decision".into()
            }
        );
    }

    #[test]
    fn downgrade_starts_with_notice_after_two_quarters_below_keep() {
        let program = default_program();
        // Silver keeps at 75K: 50K trailing in each of the last two quarters is below.
        let below: Vec<QuarterFacts> = vec![
            quarter(now().previous(), 25_000, 1, 3),
            quarter(now(), 25_000, 1, 3),
        ];
        match next_action(&situation(&program, 2, &below)) {
            Action::StartNotice {
                to,
                notice_until,
                remediation_until,
                why,
            } => {
                assert_eq!(
                    to, 1,
                    "Bronze: the highest tier whose keep criteria are met"
                );
                assert_eq!(notice_until, date!(2026 - 12 - 27));
                assert_eq!(remediation_until, date!(2027 - 02 - 25));
                assert!(
                    why.starts_with(&format!(
                        "below Silver's keep criteria in {} and {}",
                        now().previous(),
                        now()
                    )),
                    "{why}"
                );
                assert!(
                    why.ends_with("to keep the tier: $25,000 more closed-won revenue"),
                    "{why}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Below in this quarter only: the previous quarter still kept Silver (75K trailing).
        let once = vec![
            quarter(now().previous().previous(), 80_000, 2, 3),
            quarter(now(), 0, 1, 3),
        ];
        let facts_then = history::facts_as_of(&once, now().previous());
        assert!(crate::program::evaluation::keeps_tier(
            &program,
            2,
            &facts_then
        ));
        assert!(matches!(
            next_action(&situation(&program, 2, &once)),
            Action::Nothing { .. }
        ));
        assert!(
            matches!(
                next_action(&situation(&program, 0, &[])),
                Action::Nothing { .. }
            ),
            "nothing below the lowest tier"
        );
    }

    #[test]
    fn a_certification_lapse_starts_the_notice_at_once() {
        let program = default_program();
        let history = vec![
            quarter(now().previous(), 200_000, 2, 3),
            quarter(now(), 0, 0, 2),
        ];
        match next_action(&situation(&program, 2, &history)) {
            Action::StartNotice { why, .. } => assert!(
                why.starts_with("certification lapse below Silver's requirement"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        let mut lenient = program.clone();
        lenient.progression.certification_lapse_triggers_downgrade = false;
        assert!(matches!(
            next_action(&situation(&lenient, 2, &history)),
            Action::Nothing { .. }
        ));
    }

    #[test]
    fn missed_qbrs_start_the_notice() {
        let program = default_program();
        // Gold keeps 4 QBRs a year: one a quarter. None in the last two quarters is two missed,
        // even though the trailing year still shows enough (four held earlier).
        let mut history: Vec<QuarterFacts> = now()
            .trailing(4)
            .into_iter()
            .map(|q| QuarterFacts {
                sourced_revenue: Decimal::from(200_000),
                qbrs: 2,
                certified_people: 5,
                advanced_certified_people: 2,
                customer_references: 10,
                executive_sponsor: Some(SponsorLevel::Vp),
                co_marketing: 1,
                ..QuarterFacts::empty(q)
            })
            .collect();
        assert!(matches!(
            next_action(&situation(&program, 3, &history)),
            Action::Nothing { .. }
        ));
        history[2].qbrs = 0;
        history[3].qbrs = 0;
        match next_action(&situation(&program, 3, &history)) {
            Action::StartNotice { why, .. } => {
                assert!(why.starts_with("2 QBRs missed in a row"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        let mut patient = program.clone();
        patient.progression.missed_qbrs_before_downgrade = 3;
        assert!(matches!(
            next_action(&situation(&patient, 3, &history)),
            Action::Nothing { .. }
        ));
    }

    #[test]
    fn remediation_ends_in_recovery_or_a_downgrade_proposal() {
        let program = default_program();
        let below = vec![quarter(now(), 25_000, 1, 3)];
        let mut s = situation(&program, 2, &below);
        s.active = Some(Active::Notice {
            remediation_until: date!(2027 - 01 - 15),
        });
        assert_eq!(
            next_action(&s),
            Action::Nothing {
                why: "in remediation until 2027-01-15".into()
            }
        );
        s.active = Some(Active::Notice {
            remediation_until: TODAY,
        });
        match next_action(&s) {
            Action::ProposeDowngrade { to, why } => {
                assert_eq!(to, 1);
                assert!(
                    why.contains(
                        "after remediation ended 2026-11-27: $50,000 more closed-won revenue"
                    ),
                    "{why}"
                );
            }
            other => panic!("{other:?}"),
        }
        let recovered = vec![quarter(now(), 80_000, 2, 3)];
        let mut s = situation(&program, 2, &recovered);
        s.active = Some(Active::Notice {
            remediation_until: TODAY,
        });
        assert!(matches!(next_action(&s), Action::Recovered { .. }));
        s.active = Some(Active::Open {
            kind: ProposalKind::Downgrade,
            to: 1,
        });
        assert!(
            matches!(next_action(&s), Action::Withdraw { .. }),
            "recovered before the decision"
        );
    }

    #[test]
    fn an_upgrade_no_longer_supported_is_withdrawn() {
        let program = default_program();
        let history = vec![quarter(now(), 10_000, 1, 3)];
        let mut s = situation(&program, 1, &history);
        s.active = Some(Active::Open {
            kind: ProposalKind::Upgrade,
            to: 2,
        });
        match next_action(&s) {
            Action::Withdraw { why } => {
                assert_eq!(why, format!("no longer qualifies for Silver in {}", now()))
            }
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn the_policy_is_deterministic_and_never_upgrades_to_a_tier_not_met(
            revenues in proptest::collection::vec(0i64..400_000, 1..8), certified in 0u32..10, current in 0usize..5
        ) {
            let program = default_program();
            let history: Vec<QuarterFacts> = now().trailing(revenues.len()).into_iter().zip(&revenues)
                .map(|(q, r)| quarter(q, *r, 1, certified)).collect();
            let s = situation(&program, current, &history);
            let action = next_action(&s);
            prop_assert_eq!(&action, &next_action(&s));
            if let Action::ProposeUpgrade { to, .. } = action {
                prop_assert!(to > current);
                let now_facts = history::facts_as_of(&history, now());
                prop_assert!(crate::program::evaluation::evaluate(&program, &now_facts).qualifies_for >= Some(to));
            }
            if let Action::StartNotice { to, remediation_until, .. } = action {
                prop_assert!(to < current && remediation_until > TODAY);
            }
        }
    }
}

mod what_if {
    use super::*;
    use crate::program::evaluation::PartnerFacts;
    use simulation::{Direction, SimPartner, simulate};

    fn partner(name: &str, revenue: i64, certified: u32, references: u32, qbrs: u32) -> SimPartner {
        SimPartner {
            name: name.into(),
            facts: PartnerFacts {
                sourced_revenue_12m: Decimal::from(revenue),
                certified_people: certified,
                advanced_certified_people: 1.min(certified),
                customer_references: references,
                qbrs_per_year: qbrs,
                ..Default::default()
            },
        }
    }

    fn book() -> Vec<SimPartner> {
        vec![
            partner("Silver at 120K", 120_000, 3, 5, 2),
            partner("Silver at 400K", 400_000, 3, 5, 2),
            partner("Bronze", 20_000, 1, 1, 1),
            partner("Nothing yet", 0, 0, 0, 0),
        ]
    }

    #[test]
    fn the_same_program_moves_nobody() {
        let program = default_program();
        let result = simulate(&program, &program, &book());
        assert!(result.moves.is_empty());
        assert_eq!(result.unchanged, 4);
        assert_eq!(result.current, result.proposed);
        // 15% of 120K + 15% of 400K + 10% of 20K; MDF 10K + 10K + 0.
        assert_eq!(result.current.discount_exposure, Decimal::from(80_000));
        assert_eq!(result.current.mdf_allocation, Decimal::from(20_000));
        let counts: Vec<usize> = result.current.by_tier.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            counts,
            [1, 1, 2, 0, 0],
            "the partner with nothing still meets Registered"
        );
    }

    #[test]
    fn raising_silvers_revenue_bar_moves_the_120k_partner_down_and_saves_benefits() {
        let current = default_program();
        let text = DEFAULT_PROGRAM.replacen(
            "sourced_revenue_12m = 100000",
            "sourced_revenue_12m = 150000",
            1,
        );
        let proposed = parse(&text).0.unwrap();
        let result = simulate(&current, &proposed, &book());
        assert_eq!(result.moves.len(), 1);
        let m = &result.moves[0];
        assert_eq!(
            (m.partner, m.from.as_deref(), m.to.as_deref(), m.direction),
            (0, Some("Silver"), Some("Bronze"), Direction::Down)
        );
        assert_eq!(
            result.current.discount_exposure - result.proposed.discount_exposure,
            Decimal::from(6_000),
            "(15% − 10%) × 120K"
        );
        assert_eq!(
            result.current.mdf_allocation - result.proposed.mdf_allocation,
            Decimal::from(10_000)
        );
    }

    #[test]
    fn a_renamed_tier_is_reclassified_and_mdf_can_follow_revenue() {
        let current = default_program();
        let text = DEFAULT_PROGRAM
            .replacen("key = \"silver\"", "key = \"silver_plus\"", 1)
            .replacen("silver = 15\n", "silver_plus = 15\n", 1)
            .replacen(
                "budget_basis = \"tier\"",
                "budget_basis = \"revenue_percent\"",
                1,
            );
        let (proposed, issues) = parse(&text);
        let proposed = proposed.unwrap_or_else(|| panic!("{issues:?}"));
        let result = simulate(&current, &proposed, &book());
        assert_eq!(result.moves.len(), 2);
        assert!(
            result
                .moves
                .iter()
                .all(|m| m.direction == Direction::Reclassified)
        );
        // 15% of each partner's revenue, whatever its tier: 15% × 540K.
        assert_eq!(result.proposed.mdf_allocation, Decimal::from(81_000));
    }

    proptest! {
        #[test]
        fn raising_a_threshold_never_moves_anyone_up(revenues in proptest::collection::vec(0i64..2_000_000, 1..20), tier in 1usize..5, bump in 1i64..500_000) {
            let current = default_program();
            let mut proposed = current.clone();
            proposed.tiers[tier].entry.sourced_revenue_12m += Decimal::from(bump);
            let partners: Vec<SimPartner> = revenues.iter().map(|r| partner("p", *r, 8, 15, 12)).collect();
            let result = simulate(&current, &proposed, &partners);
            prop_assert!(result.moves.iter().all(|m| m.direction == Direction::Down));
            prop_assert!(result.proposed.discount_exposure <= result.current.discount_exposure);
        }
    }
}
