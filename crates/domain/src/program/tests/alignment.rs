//! `[business_hours]`, `[escalation_paths]`, the escalation clocks of `[slas]` and `[raci]`.

use super::*;
use policy::{Clock, EscalationCategory, Raci, Team, Urgency};
use time::Weekday;
use time::macros::{date, time};

const WEEKDAYS: &str = "weekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]";
const HOLIDAYS: &str = "holidays = []                       # e.g.";

#[test]
fn shipped_business_hours_and_escalation_paths() {
    let p = default_program();
    let hours = &p.policies.business_hours;
    assert_eq!(hours.time_zone, "UTC");
    assert_eq!(
        hours.weekdays,
        [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday
        ]
    );
    assert_eq!((hours.start, hours.end), (time!(09:00), time!(17:00)));
    assert!(hours.holidays.is_empty());
    let slas = &p.policies.slas;
    let clocks: Vec<Clock> = [Urgency::P1, Urgency::P2, Urgency::P3, Urgency::P4]
        .map(|u| slas.escalation_response_clock.of(u))
        .to_vec();
    assert_eq!(
        clocks,
        [
            Clock::Calendar,
            Clock::Business,
            Clock::Business,
            Clock::Business
        ]
    );
    assert_eq!(slas.escalation_resolution_clock, Clock::Business);
    assert_eq!(slas.due_soon_percent, 25);
    assert_eq!(slas.escalation_auto_close_days, 7);
    let paths = &p.policies.escalation_paths;
    assert_eq!(
        paths.ladder,
        ["partner_manager", "alliances_lead", "executive_sponsor"]
    );
    assert_eq!(
        paths.by_topic.of(EscalationCategory::Technical),
        Some("cpo")
    );
    assert_eq!(paths.by_topic.of(EscalationCategory::Other), None);
    assert_eq!(
        p.policies.raci.accountable("integration_requests"),
        Some(Team::Product)
    );
    let contract_review: Vec<(Team, Raci)> = p.policies.raci.0["contract_review"]
        .iter()
        .map(|(team, part)| (*team, *part))
        .collect();
    assert_eq!(
        contract_review,
        [
            (Team::Sales, Raci::Consulted),
            (Team::Marketing, Raci::Consulted),
            (Team::Product, Raci::Consulted),
            (Team::Finance, Raci::Consulted),
            (Team::Legal, Raci::Responsible),
            (Team::PartnerManager, Raci::Accountable),
        ]
    );
}

#[test]
fn business_hours_are_written_as_people_say_them() {
    let text = replace("time_zone = \"UTC\"", "time_zone = \"europe/london\"");
    let text = text.replacen(WEEKDAYS, "weekdays = [\"Sunday\", \"MON\", \"tue\"]", 1);
    let text = text.replacen("start = \"09:00\"", "start = 08:30:00", 1);
    let text = text.replacen(HOLIDAYS, "holidays = [2026-12-25, \"2027-01-01\"] #", 1);
    let (program, issues) = parse(&text);
    assert!(issues.is_empty(), "{issues:?}");
    let hours = program.unwrap().policies.business_hours;
    assert_eq!(hours.time_zone, "Europe/London");
    assert_eq!(
        hours.weekdays,
        [Weekday::Sunday, Weekday::Monday, Weekday::Tuesday]
    );
    assert_eq!(hours.start, time!(08:30));
    assert_eq!(
        hours.holidays,
        [date!(2026 - 12 - 25), date!(2027 - 01 - 01)]
    );
}

#[test]
fn escalation_sections_may_be_written_in_part() {
    let start = DEFAULT_PROGRAM.find("# ---- Policies").unwrap();
    let text = format!(
        "{}\n[business_hours]\ntime_zone = \"America/New_York\"\n[escalation_paths.by_topic]\ntechnical = \"cto\"\n",
        &DEFAULT_PROGRAM[..start]
    );
    let (program, issues) = parse(&text);
    assert!(issues.is_empty(), "{issues:?}");
    let policies = program.unwrap().policies;
    assert_eq!(policies.business_hours.time_zone, "America/New_York");
    assert_eq!(policies.business_hours.end, time!(17:00));
    let topics = &policies.escalation_paths.by_topic;
    assert_eq!(topics.of(EscalationCategory::Technical), Some("cto"));
    assert_eq!(topics.of(EscalationCategory::Mdf), Some("cmo"));
    assert_eq!(policies.escalation_paths.ladder.len(), 3);
}

/// Each bad value in the new sections is refused with the key in its message and the line it
/// is written on.
#[test]
fn bad_alignment_values_name_their_key_and_line() {
    let cases: [(&str, &str, &str); 15] = [
        (
            WEEKDAYS,
            "weekdays = [\"mon\", \"funday\"]",
            "business_hours.weekdays: 'funday' is not a weekday (mon, tue, wed, thu, fri, sat, sun)",
        ),
        (
            WEEKDAYS,
            "weekdays = [\"mon\", \"tue\", \"mon\"]",
            "business_hours.weekdays names Monday twice",
        ),
        (
            WEEKDAYS,
            "weekdays = []",
            "business_hours.weekdays is empty",
        ),
        (
            "end = \"17:00\"",
            "end = \"08:00\"",
            "business_hours.end (08:00) is not after business_hours.start (09:00)",
        ),
        (
            "end = \"17:00\"",
            "end = \"09:00\"",
            "business_hours.end (09:00) is not after business_hours.start (09:00)",
        ),
        (
            "start = \"09:00\"",
            "start = \"9am\"",
            "business_hours.start: '9am' is not a time of day like \"09:00\"",
        ),
        (
            "end = \"17:00\"",
            "end = \"25:00\"",
            "business_hours.end: '25:00' is not a time of day like \"09:00\"",
        ),
        (
            "time_zone = \"UTC\"",
            "time_zone = \"Mars/Olympus\"",
            "business_hours.time_zone: 'Mars/Olympus' is not a time zone of the IANA database",
        ),
        (
            HOLIDAYS,
            "holidays = [\"next friday\"] #",
            "business_hours.holidays: holiday 'next friday' is not a date like 2027-03-31",
        ),
        (
            "ladder = [\"partner_manager\", \"alliances_lead\", \"executive_sponsor\"]",
            "ladder = [\"partner_manager\", \"executive_sponsor\"]",
            "escalation_paths.ladder has 2 steps, not 3",
        ),
        (
            "ladder = [\"partner_manager\", \"alliances_lead\", \"executive_sponsor\"]",
            "ladder = [\"partner_manager\", \"Alliances Lead\", \"executive_sponsor\"]",
            "escalation_paths.ladder names 'Alliances Lead', not a key",
        ),
        (
            "channel_conflict = \"vp_sales\"",
            "channel_conflict = \"VP Sales\"",
            "escalation_paths.by_topic.channel_conflict is 'VP Sales'",
        ),
        (
            "escalation_auto_close_days = 7 ",
            "escalation_auto_close_days = 0 ",
            "slas.escalation_auto_close_days is 0",
        ),
        (
            "due_soon_percent = 25",
            "due_soon_percent = 120",
            "slas.due_soon_percent is 120, outside 0-100",
        ),
        (
            "deal_registration = { sales = \"A\", partner_manager = \"R\" }",
            "deal_registration = { sales = \"R\", partner_manager = \"R\", marketing = \"A\" }",
            "raci.deal_registration has 2 responsible teams (R)",
        ),
    ];
    for (from, to, expected) in cases {
        let text = replace(from, to);
        let issue = only_error(&text);
        assert!(issue.message.contains(expected), "{to}: {issue:?}");
        assert_eq!(issue.line, line_of(&text, to), "{to}: {issue:?}");
    }
}

#[test]
fn unknown_keys_and_values_in_the_new_sections_are_refused() {
    let text = replace("mdf = \"cmo\"", "campaigns = \"cmo\"");
    let issue = only_error(&text);
    assert!(
        issue.message.contains("unknown field `campaigns`"),
        "{issue:?}"
    );
    assert_eq!(issue.line, line_of(&text, "campaigns = \"cmo\""));

    let text = replace("p1 = \"calendar\"", "p1 = \"weekly\"");
    let issue = only_error(&text);
    assert!(
        issue.message.contains("unknown variant `weekly`"),
        "{issue:?}"
    );
    assert_eq!(issue.line, line_of(&text, "p1 = \"weekly\""));

    let text = replace("conflict_urgency = \"p3\"", "conflict_urgency = \"urgent\"");
    let issue = only_error(&text);
    assert!(
        issue
            .message
            .contains("deal_registration.conflict_urgency is 'urgent', not one of p1, p2, p3, p4"),
        "{issue:?}"
    );
    assert_eq!(issue.line, line_of(&text, "conflict_urgency = \"urgent\""));
}

#[test]
fn a_response_may_not_outlast_the_resolution() {
    // Five resolution days are 120 response hours: p4 = 120 loads, 121 does not.
    let text = replace("p4 = 72", "p4 = 120");
    let (program, issues) = parse(&text);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(
        program.unwrap().policies.slas.escalation_response_hours.p4,
        120
    );
    let text = replace("p4 = 72", "p4 = 121");
    let issue = only_error(&text);
    assert!(
        issue
            .message
            .contains("a p4 response in 121 hours would be due after the resolution in 5 days"),
        "{issue:?}"
    );
}

#[test]
fn contract_items_are_done_by_contract_reviews_responsible_team() {
    use onboarding::Owner;
    let owner = |p: &Program, key: &str| {
        p.onboarding
            .items
            .iter()
            .find(|i| i.key == key)
            .unwrap()
            .owner
    };
    let p = default_program();
    for key in ["nda_signed", "msa_signed", "program_agreement_signed"] {
        assert_eq!(owner(&p, key), Owner::Team(Team::Legal), "{key}");
    }
    assert!(
        !p.onboarding
            .items
            .iter()
            .find(|i| i.key == "kickoff_session")
            .unwrap()
            .is_contract()
    );

    // A program written before the mark: the legal phase's items are contracts, given to
    // contract_review's Responsible team, with a warning on the owner written.
    let nda = "key = \"nda_signed\"\nphase = \"legal\"\ntitle = \"NDA signed\"\nowner = \"legal\"";
    let older = replace(
        nda,
        &nda.replace("owner = \"legal\"", "owner = \"partner_manager\""),
    );
    let (program, issues) = parse(&older);
    assert_eq!(
        owner(&program.unwrap(), "nda_signed"),
        Owner::Team(Team::Legal)
    );
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].severity, Severity::Warning);
    assert_eq!(
        issues[0].line,
        line_of(&older, "owner = \"partner_manager\"")
    );
    assert!(
        issues[0].message.contains("'nda_signed' is a contract"),
        "{issues:?}"
    );

    // The row decides: Finance responsible for contract review gets the contracts.
    let finance = replace(
        "finance = \"C\", legal = \"R\", partner_manager = \"A\" }",
        "finance = \"R\", legal = \"C\", partner_manager = \"A\" }",
    );
    let (program, _) = parse(&finance);
    assert_eq!(
        owner(&program.unwrap(), "msa_signed"),
        Owner::Team(Team::Finance)
    );

    // contract = false keeps a legal-phase item with the owner written.
    let plain = replace(
        nda,
        &format!(
            "{}\ncontract = false",
            nda.replace("owner = \"legal\"", "owner = \"partner_manager\"")
        ),
    );
    let (program, issues) = parse(&plain);
    assert!(issues.is_empty(), "{issues:?}");
    let program = program.unwrap();
    assert_eq!(
        owner(&program, "nda_signed"),
        Owner::Team(Team::PartnerManager)
    );
    assert_eq!(owner(&program, "msa_signed"), Owner::Team(Team::Legal));
}
