use rust_decimal::Decimal;
use time::macros::date;

use super::*;

fn days(first: time::Date, last: time::Date) -> Period {
    Period { first, last }
}

#[test]
fn a_meeting_covers_its_week_from_monday_its_month_or_its_quarter() {
    // 2026-12-02 is a Wednesday.
    assert_eq!(
        period(Kind::WeeklyStandup, date!(2026 - 12 - 02)),
        days(date!(2026 - 11 - 30), date!(2026 - 12 - 06))
    );
    assert_eq!(
        period(Kind::WeeklyStandup, date!(2026 - 11 - 30)),
        days(date!(2026 - 11 - 30), date!(2026 - 12 - 06))
    );
    assert_eq!(
        period(Kind::WeeklyStandup, date!(2026 - 12 - 06)),
        days(date!(2026 - 11 - 30), date!(2026 - 12 - 06))
    );
    assert_eq!(
        period(Kind::MonthlySync, date!(2028 - 02 - 10)),
        days(date!(2028 - 02 - 01), date!(2028 - 02 - 29))
    );
    assert_eq!(
        period(Kind::QuarterlyReview, date!(2026 - 11 - 15)),
        days(date!(2026 - 10 - 01), date!(2026 - 12 - 31))
    );
}

#[test]
fn a_pack_is_read_as_of_the_periods_last_day_or_today_while_it_runs() {
    let november = days(date!(2026 - 11 - 01), date!(2026 - 11 - 30));
    assert_eq!(
        as_of(november, date!(2026 - 12 - 02)),
        date!(2026 - 11 - 30)
    );
    assert_eq!(
        as_of(november, date!(2026 - 11 - 12)),
        date!(2026 - 11 - 12)
    );
}

#[test]
fn a_deal_is_stuck_from_the_day_it_has_gone_stuck_days_without_a_change() {
    // 14 days before 2026-12-02 is 2026-11-18.
    assert!(is_stuck(date!(2026 - 11 - 18), date!(2026 - 12 - 02), 14));
    assert!(is_stuck(date!(2026 - 11 - 01), date!(2026 - 12 - 02), 14));
    assert!(!is_stuck(date!(2026 - 11 - 19), date!(2026 - 12 - 02), 14));
    assert!(!is_stuck(date!(2026 - 12 - 02), date!(2026 - 12 - 02), 14));
}

#[test]
fn open_action_items_of_earlier_meetings_of_the_same_kind_are_carried_over() {
    let this_week = days(date!(2026 - 11 - 30), date!(2026 - 12 - 06));
    let as_of = date!(2026 - 12 - 02);
    let item = |meeting_first, kind, done_on| ActionFacts {
        meeting_first,
        kind,
        done_on,
    };
    let last_week = date!(2026 - 11 - 23);
    assert!(carried_over(
        &item(last_week, Kind::WeeklyStandup, None),
        Kind::WeeklyStandup,
        this_week,
        as_of
    ));
    // Done after the day the pack is read as of: still open then.
    assert!(carried_over(
        &item(last_week, Kind::WeeklyStandup, Some(date!(2026 - 12 - 03))),
        Kind::WeeklyStandup,
        this_week,
        as_of
    ));
    // Done on that day: settled.
    assert!(!carried_over(
        &item(last_week, Kind::WeeklyStandup, Some(date!(2026 - 12 - 02))),
        Kind::WeeklyStandup,
        this_week,
        as_of
    ));
    // Recorded this week, or at a meeting of another kind: not carried.
    assert!(!carried_over(
        &item(date!(2026 - 11 - 30), Kind::WeeklyStandup, None),
        Kind::WeeklyStandup,
        this_week,
        as_of
    ));
    assert!(!carried_over(
        &item(date!(2026 - 11 - 01), Kind::MonthlySync, None),
        Kind::WeeklyStandup,
        this_week,
        as_of
    ));
}

#[test]
fn the_median_takes_the_middle_value_or_the_mean_of_the_middle_two() {
    assert_eq!(median_days(&[30, 10, 20]), Some(Decimal::from(20)));
    assert_eq!(median_days(&[1, 2, 3, 10]), Some(Decimal::new(25, 1)));
    assert_eq!(median_days(&[]), None);
}

#[test]
fn meetings_are_titled_by_kind_and_period() {
    assert_eq!(
        title(
            Kind::WeeklyStandup,
            period(Kind::WeeklyStandup, date!(2026 - 12 - 02))
        ),
        "Weekly partner standup, week of 30 Nov 2026"
    );
    assert_eq!(
        title(
            Kind::MonthlySync,
            period(Kind::MonthlySync, date!(2026 - 11 - 12))
        ),
        "Monthly cross-functional sync, November 2026"
    );
    assert_eq!(
        title(
            Kind::QuarterlyReview,
            period(Kind::QuarterlyReview, date!(2026 - 11 - 12))
        ),
        "Quarterly executive review, 2026-Q4"
    );
}

#[test]
fn a_meeting_names_every_bad_field() {
    let form = MeetingForm {
        kind: "daily".into(),
        held_on: "2026-13-01".into(),
        attendees: vec!["nobody".into()],
    };
    let fields: Vec<String> = validate_meeting(&form, date!(2026 - 12 - 02))
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["kind", "held_on", "attendees"]);
}

#[test]
fn a_meeting_is_taken_for_this_period_or_the_next_but_not_one_further_out() {
    // 2026-12-02 is a Wednesday of 2026-Q4.
    let today = date!(2026 - 12 - 02);
    let person = "0190a000-0000-7000-8000-000000000001";
    let form = |kind: &str, held_on: &str| MeetingForm {
        kind: kind.into(),
        held_on: held_on.into(),
        attendees: vec![person.into()],
    };
    // Next week's standup (Monday 2026-12-07 to Sunday 2026-12-13) is prepared this week.
    let next_week = validate_meeting(&form("weekly_standup", "2026-12-13"), today).unwrap();
    assert_eq!(next_week.held_on, date!(2026 - 12 - 13));
    let refused = validate_meeting(&form("weekly_standup", "2026-12-14"), today).unwrap_err();
    assert_eq!(refused[0].field, "held_on");
    assert_eq!(
        refused[0].message,
        "2026-12-14 is too far ahead: a meeting is prepared at most one week ahead"
    );
    // Later this month, and next month; not the month after.
    let taken = validate_meeting(&form("monthly_sync", "2026-12-20"), today).unwrap();
    assert_eq!(taken.kind, Kind::MonthlySync);
    assert_eq!(taken.attendees.len(), 1);
    assert!(validate_meeting(&form("monthly_sync", "2027-01-31"), today).is_ok());
    assert_eq!(
        validate_meeting(&form("monthly_sync", "2027-02-01"), today).unwrap_err()[0].message,
        "2027-02-01 is too far ahead: a meeting is prepared at most one month ahead"
    );
    assert!(validate_meeting(&form("quarterly_review", "2027-03-31"), today).is_ok());
    assert_eq!(
        validate_meeting(&form("quarterly_review", "2027-04-01"), today).unwrap_err()[0].message,
        "2027-04-01 is too far ahead: a meeting is prepared at most one quarter ahead"
    );
    // Past periods stay open: a meeting is recorded after it was held.
    assert!(validate_meeting(&form("weekly_standup", "2025-01-06"), today).is_ok());
    let nobody = MeetingForm {
        attendees: Vec::new(),
        ..form("weekly_standup", "2026-12-01")
    };
    assert_eq!(
        validate_meeting(&nobody, today).unwrap_err()[0].message,
        "choose at least one attendee"
    );
}

#[test]
fn a_period_not_begun_is_one_whose_first_day_is_after_today() {
    let december = days(date!(2026 - 12 - 01), date!(2026 - 12 - 31));
    assert!(not_begun(december, date!(2026 - 11 - 30)));
    assert!(!not_begun(december, date!(2026 - 12 - 01)));
    // Read as of today, before it begins.
    assert_eq!(
        as_of(december, date!(2026 - 11 - 30)),
        date!(2026 - 11 - 30)
    );
}

#[test]
fn an_action_item_needs_text_an_owner_and_a_due_day() {
    let fields: Vec<String> = validate_action(&ActionForm::default())
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["text", "owner_id", "due_on"]);
    assert_eq!(
        validate_decision(&DecisionForm::default()).unwrap_err()[0].field,
        "text"
    );
}

#[test]
fn a_case_is_open_at_the_end_unless_resolved_or_closed_by_then() {
    use crate::escalations::State;
    assert!(open_at_end(None), "no state change yet: as opened");
    for open in [
        State::Open,
        State::Acknowledged,
        State::InProgress,
        State::WaitingOnPartner,
        State::Reopened,
    ] {
        assert!(open_at_end(Some(open)), "{open:?}");
    }
    assert!(!open_at_end(Some(State::Resolved)));
    assert!(!open_at_end(Some(State::Closed)));
}
