//! Work items' routes, due instants and warnings, every instant worked out by hand. December
//! 2026: Wednesday the 2nd, Friday the 4th, Monday the 7th; the default calendar works
//! Monday to Friday, 09:00–17:00 UTC (a working day of 8 hours).

use time::Duration;
use time::macros::datetime;

use super::*;
use crate::program::policy::{BusinessHours, Team};

fn calendar() -> BusinessCalendar {
    BusinessCalendar::from_hours(&BusinessHours::default()).unwrap()
}

#[test]
fn each_kind_goes_to_its_responsible_team_and_tells_the_accountable_one() {
    let policies = Policies::default();
    let onboarding = route_of(&policies, WorkKind::Onboarding, None).unwrap();
    assert_eq!(onboarding.queue, Team::Marketing);
    assert_eq!(onboarding.accountable, Team::PartnerManager);
    assert_eq!(
        onboarding.consulted,
        vec![Team::Sales, Team::Product, Team::Finance]
    );
    let deals = route_of(&policies, WorkKind::DealRegistration, None).unwrap();
    assert_eq!(deals.queue, Team::PartnerManager);
    assert_eq!(deals.accountable, Team::Sales);
    let leads = route_of(&policies, WorkKind::LeadHandoff, None).unwrap();
    assert_eq!(leads.queue, Team::Sales);
    assert_eq!(leads.accountable, Team::Marketing);
    assert_eq!(leads.consulted, vec![Team::PartnerManager]);
}

#[test]
fn an_onboarding_item_owned_by_a_team_is_that_teams_work() {
    let policies = Policies::default();
    let route = route_of(&policies, WorkKind::Onboarding, Some(Team::Finance)).unwrap();
    assert_eq!(route.queue, Team::Finance);
    assert_eq!(route.accountable, Team::PartnerManager);
}

#[test]
fn a_contract_item_is_contract_reviews_work_due_on_its_checklist_day() {
    let policies = Policies::default();
    let route = route_of(&policies, WorkKind::ContractReview, Some(Team::Legal)).unwrap();
    assert_eq!(route.queue, Team::Legal);
    assert_eq!(route.accountable, Team::PartnerManager);
    assert_eq!(
        route.consulted,
        vec![Team::Sales, Team::Marketing, Team::Product, Team::Finance]
    );
    assert_eq!(
        WorkKind::ContractReview.entry_kind(),
        EntryKind::ContractReview
    );
    // Day 0's contract, opened Wednesday 2nd 10:00: due at Thursday 00:00 UTC, like any
    // checklist item, not seven working days on.
    let state = sla_state(
        WorkKind::ContractReview,
        datetime!(2026-12-02 10:00 UTC),
        None,
        Some(time::macros::date!(2026 - 12 - 02)),
        &policies,
        &calendar(),
        datetime!(2026-12-02 12:00 UTC),
    );
    assert_eq!(
        state,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-03 00:00 UTC),
            remaining: Duration::hours(12)
        }
    );
}

#[test]
fn the_accountable_team_does_the_work_of_a_row_without_a_responsible_one() {
    let mut policies = Policies::default();
    policies
        .raci
        .0
        .get_mut("deal_registration")
        .unwrap()
        .retain(|team, _| *team != Team::PartnerManager);
    let route = route_of(&policies, WorkKind::DealRegistration, None).unwrap();
    assert_eq!(route.queue, Team::Sales);
    assert_eq!(route.accountable, Team::Sales);
}

#[test]
fn a_registration_submitted_on_friday_afternoon_is_due_on_tuesday() {
    // 2 working days = 16 h: Friday 15:00–17:00 (2 h), Monday (8 h), Tuesday 09:00–15:00.
    let policies = Policies::default();
    let created = datetime!(2026-12-04 15:00 UTC);
    let state = sla_state(
        WorkKind::DealRegistration,
        created,
        None,
        None,
        &policies,
        &calendar(),
        datetime!(2026-12-07 12:00 UTC),
    );
    assert_eq!(
        state,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-08 15:00 UTC),
            remaining: Duration::hours(11),
        }
    );
}

#[test]
fn a_lead_counts_every_hour_of_the_weekend() {
    // 48 calendar hours from Friday 15:00: Sunday 15:00.
    let policies = Policies::default();
    let state = sla_state(
        WorkKind::LeadHandoff,
        datetime!(2026-12-04 15:00 UTC),
        None,
        None,
        &policies,
        &calendar(),
        datetime!(2026-12-06 15:00:01 UTC),
    );
    assert_eq!(
        state,
        SlaState::Breached {
            due_at: datetime!(2026-12-06 15:00 UTC),
            late_by: Duration::SECOND,
        }
    );
}

#[test]
fn an_onboarding_item_has_seven_working_days() {
    // 56 working hours from Wednesday 2nd 10:00: 7 h that day, 8 h on Thursday, Friday and
    // Monday to Thursday (48 h), 1 h on Friday 11th: 10:00.
    let policies = Policies::default();
    let state = sla_state(
        WorkKind::Onboarding,
        datetime!(2026-12-02 10:00 UTC),
        Some(datetime!(2026-12-11 10:00 UTC)),
        None,
        &policies,
        &calendar(),
        datetime!(2026-12-14 09:00 UTC),
    );
    assert_eq!(
        state,
        SlaState::Met {
            at: datetime!(2026-12-11 10:00 UTC),
            due_at: datetime!(2026-12-11 10:00 UTC),
            late: false,
        }
    );
}

#[test]
fn a_registration_is_due_soon_in_its_last_four_working_hours() {
    // 25 % of 16 h = 4 h: from Tuesday 11:00 (due 15:00), inclusive.
    let policies = Policies::default();
    let at = |now| {
        sla_state(
            WorkKind::DealRegistration,
            datetime!(2026-12-04 15:00 UTC),
            None,
            None,
            &policies,
            &calendar(),
            now,
        )
    };
    assert!(matches!(
        at(datetime!(2026-12-08 10:59 UTC)),
        SlaState::OnTrack { .. }
    ));
    assert_eq!(
        at(datetime!(2026-12-08 11:00 UTC)),
        SlaState::DueSoon {
            due_at: datetime!(2026-12-08 15:00 UTC),
            remaining: Duration::hours(4),
        }
    );
}

#[test]
fn each_warning_is_sent_once() {
    let due_at = datetime!(2026-12-08 15:00 UTC);
    let soon = SlaState::DueSoon {
        due_at,
        remaining: Duration::hours(1),
    };
    let late = SlaState::Breached {
        due_at,
        late_by: Duration::hours(1),
    };
    assert_eq!(warning_due(&soon, Warned::Nothing), Some(Warned::DueSoon));
    assert_eq!(warning_due(&soon, Warned::DueSoon), None);
    assert_eq!(warning_due(&late, Warned::Nothing), Some(Warned::Breached));
    assert_eq!(warning_due(&late, Warned::DueSoon), Some(Warned::Breached));
    assert_eq!(warning_due(&late, Warned::Breached), None);
    let on_track = SlaState::OnTrack {
        due_at,
        remaining: Duration::hours(9),
    };
    assert_eq!(warning_due(&on_track, Warned::Nothing), None);
}

#[test]
fn an_onboarding_item_is_due_at_the_end_of_its_checklist_day() {
    // Opened Wednesday 2nd 10:00, the checklist says Friday 4th: due Saturday 00:00 UTC, 62 h
    // on; due soon in the last 25 % (15 h 30 min), from Friday 08:30.
    let policies = Policies::default();
    let at = |now| {
        sla_state(
            WorkKind::Onboarding,
            datetime!(2026-12-02 10:00 UTC),
            None,
            Some(time::macros::date!(2026 - 12 - 04)),
            &policies,
            &calendar(),
            now,
        )
    };
    let due_at = datetime!(2026-12-05 00:00 UTC);
    assert_eq!(
        at(datetime!(2026-12-04 08:00 UTC)),
        SlaState::OnTrack {
            due_at,
            remaining: Duration::hours(16)
        }
    );
    assert_eq!(
        at(datetime!(2026-12-04 08:30 UTC)),
        SlaState::DueSoon {
            due_at,
            remaining: Duration::minutes(930)
        }
    );
    assert_eq!(
        at(datetime!(2026-12-05 00:00:01 UTC)),
        SlaState::Breached {
            due_at,
            late_by: Duration::seconds(1)
        }
    );
    // Other kinds never read the day: a lead has its 48 hours (24 left of them, on track).
    let lead = sla_state(
        WorkKind::LeadHandoff,
        datetime!(2026-12-02 10:00 UTC),
        None,
        Some(time::macros::date!(2026 - 12 - 04)),
        &policies,
        &calendar(),
        datetime!(2026-12-03 10:00 UTC),
    );
    assert_eq!(
        lead,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-04 10:00 UTC),
            remaining: Duration::hours(24)
        }
    );
}

#[test]
fn work_due_on_a_day_ends_with_the_day_in_the_programs_zone_and_is_met_when_done() {
    // Berlin is UTC+1 in December: Friday 4th ends at 23:00 UTC.
    let berlin = BusinessCalendar::from_hours(&BusinessHours {
        time_zone: "Europe/Berlin".into(),
        ..BusinessHours::default()
    })
    .unwrap();
    let started = datetime!(2026-12-03 23:00 UTC);
    let friday = time::macros::date!(2026 - 12 - 04);
    assert_eq!(
        day_state(
            started,
            friday,
            None,
            &berlin,
            25,
            datetime!(2026-12-04 23:00:01 UTC)
        ),
        SlaState::Breached {
            due_at: datetime!(2026-12-04 23:00 UTC),
            late_by: Duration::seconds(1)
        }
    );
    assert_eq!(
        day_state(
            started,
            friday,
            Some(datetime!(2026-12-04 22:00 UTC)),
            &berlin,
            25,
            datetime!(2026-12-07 09:00 UTC)
        ),
        SlaState::Met {
            at: datetime!(2026-12-04 22:00 UTC),
            due_at: datetime!(2026-12-04 23:00 UTC),
            late: false
        }
    );
    // Recorded on Monday 7th for Friday: breached from the start, due when the day ended.
    assert_eq!(
        day_state(
            datetime!(2026-12-07 09:00 UTC),
            friday,
            None,
            &calendar(),
            25,
            datetime!(2026-12-07 09:00 UTC)
        ),
        SlaState::Breached {
            due_at: datetime!(2026-12-05 00:00 UTC),
            late_by: Duration::hours(57)
        }
    );
}

#[test]
fn my_work_offers_seven_kinds_of_line_and_each_work_kind_is_one_of_them() {
    use crate::validation::Choice;
    let keys: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "onboarding",
            "deal_registration",
            "lead_handoff",
            "contract_review",
            "escalation",
            "meeting_action",
            "remediation"
        ]
    );
    assert_eq!(
        WorkKind::DealRegistration.entry_kind(),
        EntryKind::DealRegistration
    );
    assert_eq!(WorkKind::LeadHandoff.entry_kind(), EntryKind::LeadHandoff);
    assert_eq!(WorkKind::Onboarding.entry_kind(), EntryKind::Onboarding);
}

#[test]
fn my_work_orders_by_state_then_due_time_and_urgency_only_breaks_ties() {
    use ClockState::{Breached, DueSoon, OnTrack, Paused};
    let dec4 = datetime!(2026-12-04 17:00 UTC);
    let dec9 = datetime!(2026-12-09 17:00 UTC);
    // Microseconds since 1970: 4 Dec 2026 17:00 UTC is 1,796,403,600 s.
    assert_eq!(
        urgency_order(OnTrack, Some(dec4), None),
        (2, 1_796_403_600_000_000, 4)
    );
    let mut lines = [
        (
            "P3 case due 9 Dec",
            urgency_order(OnTrack, Some(dec9), Some(Urgency::P3)),
        ),
        ("paused P1", urgency_order(Paused, None, Some(Urgency::P1))),
        (
            "registration due 4 Dec",
            urgency_order(OnTrack, Some(dec4), None),
        ),
        (
            "P1 due 4 Dec",
            urgency_order(OnTrack, Some(dec4), Some(Urgency::P1)),
        ),
        (
            "breached, due 9 Dec",
            urgency_order(Breached, Some(dec9), None),
        ),
        (
            "due soon P4",
            urgency_order(DueSoon, Some(dec9), Some(Urgency::P4)),
        ),
        ("action without a day", urgency_order(OnTrack, None, None)),
    ];
    lines.sort_by_key(|l| l.1);
    let order: Vec<&str> = lines.iter().map(|l| l.0).collect();
    assert_eq!(
        order,
        [
            "breached, due 9 Dec",
            "due soon P4",
            "P1 due 4 Dec",
            "registration due 4 Dec",
            "P3 case due 9 Dec",
            "action without a day",
            "paused P1"
        ]
    );
}

#[test]
fn a_long_title_is_cut_at_a_word_with_an_ellipsis() {
    assert_eq!(shorten("Send the signed MSA", 80), "Send the signed MSA");
    assert_eq!(
        shorten("Send the signed MSA to Bluepeak", 20),
        "Send the signed MSA…"
    );
    // The cut falls inside "Bluepeak": the word goes whole, with the comma before it.
    assert_eq!(shorten("Send the MSA, Bluepeak first", 17), "Send the MSA…");
    assert_eq!(shorten("Supercalifragilistic", 8), "Superca…");
    assert_eq!(shorten("Send the signed MSA", 19), "Send the signed MSA");
    assert_eq!(shorten("Send the signed MSA!", 19), "Send the signed…");
}
