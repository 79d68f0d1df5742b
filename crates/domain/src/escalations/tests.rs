//! Every expected instant worked out by hand on the shipped calendar: Monday to Friday,
//! 09:00–17:00 UTC. December 2026: Wednesday the 2nd, Saturday the 5th, Monday the 7th.
//! Shipped SLAs: P1 responds in 2 calendar hours, P2 in 8 working hours, P3's 24 hours are one
//! working day (8 working hours) and P4's 72 three (24 working hours); every case resolves in 5
//! working days of 8 hours (40 working hours).

use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use super::*;
use crate::FieldError;
use crate::alignment::{BusinessCalendar, SlaState};
use crate::program::policy::{BusinessHours, Clock, Slas};

fn calendar() -> BusinessCalendar {
    BusinessCalendar::from_hours(&BusinessHours::default()).unwrap()
}

fn at(at: OffsetDateTime, to: State) -> StateChange {
    StateChange { at, to }
}

fn view(
    submitted: OffsetDateTime,
    urgency: Urgency,
    changes: &[StateChange],
    now: OffsetDateTime,
) -> SlaView {
    sla_view(
        submitted,
        urgency,
        changes,
        &Slas::default(),
        &calendar(),
        now,
    )
}

fn error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

fn form(issue: &str, category: &str, urgency: &str, occurred_on: &str) -> Form {
    Form {
        issue: issue.into(),
        category: category.into(),
        urgency: urgency.into(),
        occurred_on: occurred_on.into(),
    }
}

#[test]
fn a_complete_case_is_accepted_trimmed() {
    let input = validate(
        &form(
            "  Commission for Q3 missing  ",
            "commission_dispute",
            "p2",
            "2026-12-02",
        ),
        date!(2026 - 12 - 02),
    )
    .unwrap();
    assert_eq!(
        input,
        Input {
            issue: "Commission for Q3 missing".into(),
            category: Category::CommissionDispute,
            urgency: Urgency::P2,
            occurred_on: date!(2026 - 12 - 02),
        }
    );
}

#[test]
fn every_missing_field_is_named() {
    assert_eq!(
        validate(&form(" ", "", "", ""), date!(2026 - 12 - 02)).unwrap_err(),
        vec![
            error("issue", "is required"),
            error(
                "category",
                "is required (one of: channel_conflict, commission_dispute, mdf, technical, contractual, other)"
            ),
            error("urgency", "is required (one of: p1, p2, p3, p4)"),
            error("occurred_on", "is required"),
        ]
    );
}

#[test]
fn wrong_values_are_named_and_the_date_may_not_be_in_the_future() {
    assert_eq!(
        validate(
            &form("x", "billing", "p5", "2026-12-03"),
            date!(2026 - 12 - 02)
        )
        .unwrap_err(),
        vec![
            error(
                "category",
                "'billing' is not one of: channel_conflict, commission_dispute, mdf, technical, contractual, other"
            ),
            error("urgency", "'p5' is not one of: p1, p2, p3, p4"),
            error("occurred_on", "2026-12-03 is in the future"),
        ]
    );
    assert_eq!(
        validate(&form("x", "mdf", "p4", "02/12/2026"), date!(2026 - 12 - 02)).unwrap_err(),
        vec![error(
            "occurred_on",
            "'02/12/2026' is not a date like 2027-03-31"
        )]
    );
    let long = "a".repeat(5001);
    assert_eq!(
        validate(
            &form(&long, "mdf", "p4", "2026-12-01"),
            date!(2026 - 12 - 02)
        )
        .unwrap_err(),
        vec![error("issue", "must be at most 5000 characters")]
    );
}

#[test]
fn our_people_walk_a_case_to_resolved() {
    use State::*;
    use Transition::*;
    let i = Side::Internal;
    assert_eq!(next(Open, Acknowledge, i), Ok(Acknowledged));
    assert_eq!(next(Acknowledged, Start, i), Ok(InProgress));
    assert_eq!(next(InProgress, WaitOnPartner, i), Ok(WaitingOnPartner));
    assert_eq!(next(WaitingOnPartner, Resume, i), Ok(InProgress));
    assert_eq!(next(InProgress, Resolve, i), Ok(Resolved));
    assert_eq!(next(Reopened, Start, i), Ok(InProgress));
}

#[test]
fn only_the_partner_closes_or_reopens_a_resolved_case() {
    use State::*;
    use Transition::*;
    assert_eq!(next(Resolved, ConfirmClosure, Side::Partner), Ok(Closed));
    assert_eq!(next(Resolved, Reopen, Side::Partner), Ok(Reopened));
    let refused = next(Resolved, ConfirmClosure, Side::Internal).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "only the partner may confirm the resolution and close a case"
    );
    assert_eq!(
        next(InProgress, Resolve, Side::Partner)
            .unwrap_err()
            .to_string(),
        "only our people may resolve a case"
    );
}

#[test]
fn a_move_from_the_wrong_state_says_where_it_starts() {
    use State::*;
    use Transition::*;
    assert_eq!(
        next(Open, Resolve, Side::Internal).unwrap_err().to_string(),
        "a case that is open cannot be moved by 'Resolve' (only from: in progress)"
    );
    assert_eq!(
        next(Closed, Reopen, Side::Partner).unwrap_err().to_string(),
        "a case that is closed cannot be moved by 'Reopen' (only from: resolved)"
    );
    assert_eq!(
        next(InProgress, Start, Side::Internal)
            .unwrap_err()
            .to_string(),
        "a case that is in progress cannot be moved by 'Start work' (only from: acknowledged, reopened)"
    );
}

#[test]
fn each_side_is_offered_only_its_moves() {
    use State::*;
    use Transition::*;
    assert_eq!(
        InProgress.moves(Side::Internal),
        vec![WaitOnPartner, Resolve]
    );
    assert_eq!(InProgress.moves(Side::Partner), vec![]);
    assert_eq!(Resolved.moves(Side::Partner), vec![ConfirmClosure, Reopen]);
    assert_eq!(Resolved.moves(Side::Internal), vec![]);
    assert_eq!(Closed.moves(Side::Internal), vec![]);
    assert_eq!(Closed.moves(Side::Partner), vec![]);
}

#[test]
fn a_new_case_runs_both_clocks_in_working_hours() {
    // P2 at Wed 10:00: 8 working hours = Wed 10–17 (7) + Thu 09–10 (1).
    // 40 working hours = Wed 7 + Thu, Fri, Mon, Tue 8 each (39) + Wed 9th 09–10 (1).
    let v = view(
        datetime!(2026-12-02 10:00 UTC),
        Urgency::P2,
        &[],
        datetime!(2026-12-02 12:00 UTC),
    );
    assert_eq!(
        v.response,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-03 10:00 UTC),
            remaining: Duration::hours(6),
        }
    );
    assert_eq!(
        v.resolution,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-09 10:00 UTC),
            remaining: Duration::hours(38),
        }
    );
    assert!(!v.breached);
}

#[test]
fn waiting_on_the_partner_freezes_and_then_extends_the_resolution() {
    let changes = [
        at(datetime!(2026-12-02 11:00 UTC), State::Acknowledged),
        at(datetime!(2026-12-02 11:30 UTC), State::InProgress),
        at(datetime!(2026-12-03 09:00 UTC), State::WaitingOnPartner),
    ];
    // Waiting since Thu 09:00: left then Thu, Fri, Mon, Tue 8 each + Wed 1 = 33 hours.
    let waiting = view(
        datetime!(2026-12-02 10:00 UTC),
        Urgency::P2,
        &changes,
        datetime!(2026-12-04 12:00 UTC),
    );
    assert_eq!(
        waiting.response,
        SlaState::Met {
            at: datetime!(2026-12-02 11:00 UTC),
            due_at: datetime!(2026-12-03 10:00 UTC),
            late: false,
        }
    );
    assert_eq!(
        waiting.resolution,
        SlaState::Paused {
            remaining: Duration::hours(33)
        }
    );
    // Resumed Mon 09:00 after 16 working hours paused (Thu, Fri): Wed 9th 10:00 moves to
    // Wed 9th 10–17 (7) + Thu 10th (8) + Fri 11th 09–10 (1) = Fri 11th 10:00.
    let mut resumed = changes.to_vec();
    resumed.push(at(datetime!(2026-12-07 09:00 UTC), State::InProgress));
    let v = view(
        datetime!(2026-12-02 10:00 UTC),
        Urgency::P2,
        &resumed,
        datetime!(2026-12-07 12:00 UTC),
    );
    assert_eq!(
        v.resolution,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-11 10:00 UTC),
            remaining: Duration::hours(30),
        }
    );
    assert!(!v.breached);
}

#[test]
fn a_p1_on_a_saturday_breaches_two_calendar_hours_later() {
    let v = view(
        datetime!(2026-12-05 12:00 UTC),
        Urgency::P1,
        &[],
        datetime!(2026-12-05 14:30 UTC),
    );
    assert_eq!(
        v.response,
        SlaState::Breached {
            due_at: datetime!(2026-12-05 14:00 UTC),
            late_by: Duration::minutes(30),
        }
    );
    assert!(v.breached);
}

#[test]
fn a_late_first_response_stays_a_breach() {
    // P4 at Mon 7th 10:00: 3 working days = 24 working hours = Mon 7 + Tue 8 + Wed 8 + Thu 09–10 = Thu 10:00.
    let v = view(
        datetime!(2026-12-07 10:00 UTC),
        Urgency::P4,
        &[at(datetime!(2026-12-10 11:00 UTC), State::Acknowledged)],
        datetime!(2026-12-10 12:00 UTC),
    );
    assert_eq!(
        v.response,
        SlaState::Met {
            at: datetime!(2026-12-10 11:00 UTC),
            due_at: datetime!(2026-12-10 10:00 UTC),
            late: true,
        }
    );
    assert!(v.breached);
}

#[test]
fn the_time_a_case_sat_resolved_before_reopening_does_not_count() {
    // P4 at Mon 7th 10:00: resolution due Mon 14th 10:00. Resolved Tue 8th 09:00, reopened
    // Thu 10th 09:00: 16 working hours paused, so due Mon 14th 10–17 (7) + Tue (8) + Wed 16th
    // 09–10 (1).
    let changes = [
        at(datetime!(2026-12-07 11:00 UTC), State::Acknowledged),
        at(datetime!(2026-12-07 11:00 UTC), State::InProgress),
        at(datetime!(2026-12-08 09:00 UTC), State::Resolved),
        at(datetime!(2026-12-10 09:00 UTC), State::Reopened),
        at(datetime!(2026-12-10 10:00 UTC), State::InProgress),
    ];
    let v = view(
        datetime!(2026-12-07 10:00 UTC),
        Urgency::P4,
        &changes,
        datetime!(2026-12-10 12:00 UTC),
    );
    assert_eq!(
        v.resolution,
        SlaState::OnTrack {
            due_at: datetime!(2026-12-16 10:00 UTC),
            remaining: Duration::hours(30),
        }
    );
    let closed = view(
        datetime!(2026-12-07 10:00 UTC),
        Urgency::P4,
        &[
            changes[0],
            changes[1],
            changes[2],
            at(datetime!(2026-12-08 15:00 UTC), State::Closed),
        ],
        datetime!(2026-12-20 12:00 UTC),
    );
    assert_eq!(
        closed.resolution,
        SlaState::Met {
            at: datetime!(2026-12-08 09:00 UTC),
            due_at: datetime!(2026-12-14 10:00 UTC),
            late: false,
        }
    );
    assert!(!closed.breached);
}

#[test]
fn clocks_read_as_states_and_cases_by_their_number() {
    let due = datetime!(2026-12-03 10:00 UTC);
    assert_eq!(
        clock(&SlaState::Met {
            at: datetime!(2026-12-03 11:00 UTC),
            due_at: due,
            late: true
        }),
        (ClockState::MetLate, Some(due))
    );
    assert_eq!(
        clock(&SlaState::Paused {
            remaining: Duration::hours(3)
        }),
        (ClockState::Paused, None)
    );
    assert_eq!(reference(123), "ESC-000123");
    assert_eq!(reference(1_234_567), "ESC-1234567");
    assert!(!EntryKind::InternalNote.visible_to_partner());
    assert!(EntryKind::Remediation.visible_to_partner());
}

// ---- The sweep's answers. A P4 raised Wednesday 2 December 2026 10:00 answers by Monday
// the 7th 10:00 (3 working days, 24 working hours: 7 + 8 + 8 + 1 on Monday) and resolves by Wednesday the 9th
// 10:00 (40 working hours: 7 + 8 + 8 + 8 + 8 + 1). With the shipped [slas], step 2 comes 7 days after the breach and
// step 3 14 days after it.

const RAISED: OffsetDateTime = datetime!(2026-12-02 10:00 UTC);

fn steps_at(changes: &[StateChange], now: OffsetDateTime, taken: u8) -> Option<(u8, String)> {
    let paths = crate::program::policy::EscalationPaths::default();
    let slas = Slas::default();
    let seen = view(RAISED, Urgency::P4, changes, now);
    step_due(&seen, taken, &paths, &slas, Category::Technical).map(|target| {
        (
            target.step,
            format!(
                "{}{}",
                target.holder,
                target
                    .topic_executive
                    .map(|e| format!(" + {e}"))
                    .unwrap_or_default()
            ),
        )
    })
}

/// When the sweep runs, the highest step taken before, and the step due with whom it reaches.
type LadderCase = (OffsetDateTime, u8, Option<(u8, &'static str)>);

#[test]
fn ladder_steps_are_due_from_the_breach_at_their_thresholds() {
    let response_due = datetime!(2026-12-07 10:00 UTC);
    let cases: [LadderCase; 9] = [
        (datetime!(2026-12-07 09:59 UTC), 0, None),
        // At the due instant the case is due soon, not breached.
        (response_due, 0, None),
        (
            datetime!(2026-12-07 10:00:01 UTC),
            0,
            Some((1, "partner_manager")),
        ),
        (datetime!(2026-12-07 10:00:01 UTC), 1, None),
        // One second before 7 calendar days past the due: still step 1, taken.
        (datetime!(2026-12-14 09:59:59 UTC), 1, None),
        (
            datetime!(2026-12-14 10:00 UTC),
            1,
            Some((2, "alliances_lead + cpo")),
        ),
        (datetime!(2026-12-14 10:00 UTC), 2, None),
        (
            datetime!(2026-12-21 10:00 UTC),
            2,
            Some((3, "executive_sponsor + cpo")),
        ),
        // A sweep that never ran until the 14th day takes step 3 alone.
        (
            datetime!(2026-12-21 10:00 UTC),
            0,
            Some((3, "executive_sponsor + cpo")),
        ),
    ];
    for (now, taken, expected) in cases {
        assert_eq!(
            steps_at(&[], now, taken),
            expected.map(|(step, who)| (step, who.to_string())),
            "{now} with {taken} taken"
        );
    }
}

#[test]
fn a_paused_clock_escalates_nothing_and_a_late_answer_stops_the_climb() {
    // Acknowledged Thursday 3rd 10:00, then waiting on the partner from 11:00 on: the
    // resolution clock is paused with 32 working hours left, so no step, however late.
    let waiting = [
        at(datetime!(2026-12-03 10:00 UTC), State::Acknowledged),
        at(datetime!(2026-12-03 10:30 UTC), State::InProgress),
        at(datetime!(2026-12-03 11:00 UTC), State::WaitingOnPartner),
    ];
    assert_eq!(steps_at(&waiting, datetime!(2026-12-31 10:00 UTC), 0), None);
    // Acknowledged late (Monday 7th 12:00) and in progress: the response clock is met late
    // and stops; the resolution clock (due Wednesday 9th 10:00) has not been breached.
    let answered_late = [
        at(datetime!(2026-12-07 12:00 UTC), State::Acknowledged),
        at(datetime!(2026-12-07 12:30 UTC), State::InProgress),
    ];
    assert_eq!(
        steps_at(&answered_late, datetime!(2026-12-09 10:00 UTC), 1),
        None
    );
    // A second after the resolution's due instant step 1 is due again, from that breach.
    assert_eq!(
        steps_at(&answered_late, datetime!(2026-12-09 10:00:01 UTC), 0),
        Some((1, "partner_manager".to_string()))
    );
}

#[test]
fn warnings_are_due_in_the_last_quarter_of_each_target() {
    // The response's last quarter: its last 6 of its 24 working hours (1 on Monday, 5 on
    // Friday), from Friday 4th 12:00.
    let cases: [(OffsetDateTime, &[StateChange], Vec<SlaTarget>); 4] = [
        (datetime!(2026-12-04 11:59 UTC), &[], vec![]),
        (
            datetime!(2026-12-04 12:00 UTC),
            &[],
            vec![SlaTarget::Response],
        ),
        // Answered; the resolution's last 10 of 40 working hours (1 on Wednesday, 8 on
        // Tuesday, 1 on Monday) start Monday 7th 16:00.
        (
            datetime!(2026-12-07 15:59 UTC),
            &[at(datetime!(2026-12-02 11:00 UTC), State::Acknowledged)],
            vec![],
        ),
        (
            datetime!(2026-12-07 16:00 UTC),
            &[at(datetime!(2026-12-02 11:00 UTC), State::Acknowledged)],
            vec![SlaTarget::Resolution],
        ),
    ];
    for (now, changes, expected) in cases {
        assert_eq!(
            warnings_due(&view(RAISED, Urgency::P4, changes, now)),
            expected,
            "{now}"
        );
    }
}

#[test]
fn a_resolution_closes_after_the_partners_silence() {
    let resolved = datetime!(2026-12-02 10:00 UTC);
    let cases: [(Option<OffsetDateTime>, OffsetDateTime, bool); 6] = [
        (None, datetime!(2026-12-08 10:00 UTC), false),
        (None, datetime!(2026-12-09 09:59:59 UTC), false),
        (None, datetime!(2026-12-09 10:00 UTC), true),
        // The partner wrote on day 5: silent since then, 7 days from the 7th.
        (
            Some(datetime!(2026-12-07 10:00 UTC)),
            datetime!(2026-12-09 10:00 UTC),
            false,
        ),
        (
            Some(datetime!(2026-12-07 10:00 UTC)),
            datetime!(2026-12-14 10:00 UTC),
            true,
        ),
        // A word before the resolution does not put the closing off.
        (
            Some(datetime!(2026-12-01 10:00 UTC)),
            datetime!(2026-12-09 10:00 UTC),
            true,
        ),
    ];
    for (wrote, now, closes) in cases {
        assert_eq!(
            auto_close_due(resolved, wrote, now, 7),
            closes,
            "{wrote:?} at {now}"
        );
    }
    // The instant it closes, as the case pages show it.
    assert_eq!(
        auto_close_at(resolved, None, 7),
        datetime!(2026-12-09 10:00 UTC)
    );
    assert_eq!(
        auto_close_at(resolved, Some(datetime!(2026-12-07 10:00 UTC)), 7),
        datetime!(2026-12-14 10:00 UTC)
    );
    assert_eq!(
        auto_close_at(resolved, Some(datetime!(2026-12-01 10:00 UTC)), 7),
        datetime!(2026-12-09 10:00 UTC)
    );
}

#[test]
fn titles_read_as_people_say_them() {
    for (key, label) in [
        ("partner_manager", "Partner manager"),
        ("alliances_lead", "Alliances lead"),
        ("executive_sponsor", "Executive sponsor"),
        ("vp_sales", "VP Sales"),
        ("cfo", "CFO"),
        ("head_of_mdf", "Head of mdf"),
    ] {
        assert_eq!(title_label(key), label);
    }
}

#[test]
fn response_hours_of_a_day_or_more_are_working_days() {
    // The shipped working day is 8 hours. (hours, working time the response may take)
    let cases: [(u32, i64); 9] = [
        (2, 2),
        (8, 8),
        // Under a day, hours beyond a working day are not more than a day.
        (9, 8),
        (23, 8),
        (24, 8),
        (25, 9),
        (48, 16),
        (72, 24),
        (120, 40),
    ];
    for (hours, working) in cases {
        assert_eq!(
            response_target(hours, Clock::Business, &calendar()).length,
            Duration::hours(working),
            "{hours} hours"
        );
    }
    // A calendar clock counts every hour as written.
    assert_eq!(
        response_target(72, Clock::Calendar, &calendar()).length,
        Duration::hours(72)
    );
}

#[test]
fn a_p4_response_is_due_before_its_resolution() {
    // P4 at Thu 3rd 10:00: 72 hours are 3 working days = Thu 7 + Fri 8 + Mon 8 + Tue 09–10,
    // due Tue 8th 10:00; the resolution's 5 working days fall due Thu 10th 10:00. Read as
    // 72 working hours the response was due Tue 15th, after the resolution.
    let v = view(
        datetime!(2026-12-03 10:00 UTC),
        Urgency::P4,
        &[],
        datetime!(2026-12-03 10:00 UTC),
    );
    assert_eq!(clock(&v.response).1, Some(datetime!(2026-12-08 10:00 UTC)));
    assert_eq!(
        clock(&v.resolution).1,
        Some(datetime!(2026-12-10 10:00 UTC))
    );
    // P3's 24 hours are one working day: Thu 10:00 to Fri 10:00.
    let p3 = view(
        datetime!(2026-12-03 10:00 UTC),
        Urgency::P3,
        &[],
        datetime!(2026-12-03 10:00 UTC),
    );
    assert_eq!(clock(&p3.response).1, Some(datetime!(2026-12-04 10:00 UTC)));
}
