//! The policy sections of program.toml: shipped defaults, sections left out or written in
//! part, moved and retired keys, and bad values named by their line.

use super::*;

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

/// Programs written when deal registration kept its own days off still load: the dates join
/// `[business_hours] holidays`, the one list, and a warning on their line says so.
/// A program parsed, with every issue as (severity, line, message).
fn parse_with_issues(text: &str) -> (Option<Program>, Vec<(Severity, usize, String)>) {
    let (program, issues) = parse(text);
    let issues = issues
        .into_iter()
        .map(|i| (i.severity, i.line, i.message))
        .collect();
    (program, issues)
}

#[test]
fn deal_registration_holidays_move_to_the_business_calendar() {
    let decision = "decision_sla_business_days = 2";
    let text = replace(
        decision,
        &format!("{decision}\nholidays = [\"2027-01-01\", 2026-12-25]"),
    )
    .replacen("holidays = []", "holidays = [2026-12-25, 2026-12-31]", 1);
    let (program, warnings) = parse_with_issues(&text);
    assert_eq!(
        warnings,
        [(
            Severity::Warning,
            line_of(&text, "holidays = [\"2027-01-01\""),
            "deal_registration.holidays is read as business_hours.holidays, the one list of \
             days off"
                .to_owned()
        )]
    );
    assert_eq!(
        program.unwrap().policies.business_hours.holidays,
        [
            time::macros::date!(2026 - 12 - 25),
            time::macros::date!(2026 - 12 - 31),
            time::macros::date!(2027 - 01 - 01)
        ]
    );
}

/// Programs written when conflict cases kept their own deadlines still load: the keys are
/// no longer read, and a warning on each line says so.
#[test]
fn retired_conflict_hours_load_with_a_warning() {
    let lead = "lead_acceptance_hours = 48";
    let text = replace(
        lead,
        &format!("{lead}\nconflict_identify_hours = 24\nconflict_resolve_hours = 72"),
    );
    let (program, warnings) = parse_with_issues(&text);
    assert_eq!(
        warnings,
        [
            (
                Severity::Warning,
                line_of(&text, "conflict_identify_hours = 24"),
                "slas.conflict_identify_hours is no longer read: a conflict case is an escalation \
                 case, timed by escalation_response_hours for its urgency and \
                 escalation_resolution_days"
                    .to_owned()
            ),
            (
                Severity::Warning,
                line_of(&text, "conflict_resolve_hours = 72"),
                "slas.conflict_resolve_hours is no longer read: a conflict case is an escalation \
                 case, timed by escalation_response_hours for its urgency and \
                 escalation_resolution_days"
                    .to_owned()
            )
        ]
    );
    assert_eq!(
        program.unwrap().policies.slas,
        policy::Slas::default(),
        "the retired keys are forgotten"
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
    let cases: [(&str, &str, &str); 24] = [
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
        (
            "amber_within_percent = 10",
            "amber_within_percent = 110",
            "dashboard.amber_within_percent is 110, outside 0-100",
        ),
        (
            "partner_revenue_per_quarter = 0",
            "partner_revenue_per_quarter = -5",
            "dashboard.partner_revenue_per_quarter is negative",
        ),
        (
            "underperform_below_percent = 50",
            "underperform_below_percent = 150",
            "tracker.underperform_below_percent is 150, outside 0-100",
        ),
        (
            "underperform_months = 2",
            "underperform_months = 0",
            "tracker.underperform_months is 0",
        ),
        (
            "internal_nps = 7 ",
            "internal_nps = 10 ",
            "targets.internal_nps is 10, outside 0 to 9",
        ),
        ("cadence = \"quarterly\"", "cadence = \"weekly\"", "weekly"),
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

/// A program written when onboarding work items were given `onboarding_kickoff_days` still
/// loads: the key is no longer read, and a warning on its line says so.
#[test]
fn retired_onboarding_kickoff_days_loads_with_a_warning() {
    let lead = "lead_acceptance_hours = 48";
    let text = replace(lead, &format!("{lead}\nonboarding_kickoff_days = 5"));
    let (program, warnings) = parse_with_issues(&text);
    assert_eq!(
        warnings,
        [(
            Severity::Warning,
            line_of(&text, "onboarding_kickoff_days = 5"),
            "slas.onboarding_kickoff_days is no longer read: an onboarding item is due on its \
             checklist day, due_days of its [[onboarding.items]] row"
                .to_owned()
        )]
    );
    assert_eq!(program.unwrap().policies.slas, policy::Slas::default());
}
