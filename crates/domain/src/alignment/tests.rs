//! Boundary tests, every expected instant worked out by hand. December 2026: Wednesday the
//! 2nd, Friday the 4th, Monday the 7th. London keeps summer time from 29 March 01:00 UTC to
//! 25 October 01:00 UTC in 2026.

use time::macros::{date, datetime, time};
use time::{Duration, Weekday};

use super::*;
use crate::escalations::escalation_targets;
use crate::program::policy::{
    BusinessHours, Clock, EscalationCategory, EscalationPaths, Raci, RaciMatrix, Slas, Team,
    Urgency,
};
use crate::time_zone::TimeZone;

const WEEK: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

/// Monday to Friday, 09:00–17:00 UTC, no holidays (the shipped default).
fn utc() -> BusinessCalendar {
    BusinessCalendar::from_hours(&BusinessHours::default()).unwrap()
}

fn in_zone(name: &str) -> BusinessCalendar {
    BusinessCalendar::new(
        TimeZone::named(name).unwrap(),
        &WEEK,
        time!(09:00),
        time!(17:00),
        [],
    )
    .unwrap()
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

#[test]
fn working_hours_skip_the_weekend() {
    let cal = utc();
    assert_eq!(
        cal.add_hours(datetime!(2026-12-04 16:00 UTC), 2),
        datetime!(2026-12-07 10:00 UTC)
    );
    // Ending exactly at the close is the close, not Monday's opening.
    assert_eq!(
        cal.add_hours(datetime!(2026-12-04 16:00 UTC), 1),
        datetime!(2026-12-04 17:00 UTC)
    );
    // Saturday noon: the hours start on Monday morning.
    assert_eq!(
        cal.add_hours(datetime!(2026-12-05 12:00 UTC), 8),
        datetime!(2026-12-07 17:00 UTC)
    );
    // Before opening and after closing on a weekday.
    assert_eq!(
        cal.add_hours(datetime!(2026-12-02 07:00 UTC), 1),
        datetime!(2026-12-02 10:00 UTC)
    );
    assert_eq!(
        cal.add_hours(datetime!(2026-12-02 18:00 UTC), 1),
        datetime!(2026-12-03 10:00 UTC)
    );
    // Three full working days.
    assert_eq!(
        cal.add_hours(datetime!(2026-12-07 09:00 UTC), 24),
        datetime!(2026-12-09 17:00 UTC)
    );
    assert_eq!(
        cal.add_hours(datetime!(2026-12-05 12:00 UTC), 0),
        datetime!(2026-12-05 12:00 UTC)
    );
    assert_eq!(
        cal.working_between(
            datetime!(2026-12-04 16:00 UTC),
            datetime!(2026-12-07 10:00 UTC)
        ),
        hours(2)
    );
    assert_eq!(
        cal.working_between(
            datetime!(2026-12-07 10:00 UTC),
            datetime!(2026-12-04 16:00 UTC)
        ),
        Duration::ZERO
    );
    assert_eq!(
        cal.working_between(
            datetime!(2026-12-05 00:00 UTC),
            datetime!(2026-12-06 23:59 UTC)
        ),
        Duration::ZERO
    );
}

#[test]
fn whole_working_days_skip_weekends_and_holidays() {
    // 2026-11-27 is a Friday; its two working days end on Tuesday 1 December.
    let friday = date!(2026 - 11 - 27);
    assert_eq!(utc().add_working_days(friday, 2), date!(2026 - 12 - 01));
    assert_eq!(utc().add_working_days(friday, 0), friday);
    assert_eq!(
        utc().add_working_days(date!(2026 - 11 - 28), 1),
        date!(2026 - 11 - 30),
        "from a Saturday"
    );
    // Monday off: Friday's two days end on Wednesday; a holiday on a Sunday changes nothing.
    let monday_off = BusinessHours {
        holidays: vec![date!(2026 - 11 - 30), date!(2026 - 11 - 29)],
        ..BusinessHours::default()
    };
    let cal = BusinessCalendar::from_hours(&monday_off).unwrap();
    assert_eq!(cal.add_working_days(friday, 2), date!(2026 - 12 - 02));
    // A Sunday-to-Thursday week: Friday's two days end on Monday.
    let gulf = BusinessCalendar::new(
        TimeZone::UTC,
        &[
            Weekday::Sunday,
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
        ],
        time!(08:00),
        time!(16:00),
        [],
    )
    .unwrap();
    assert_eq!(gulf.add_working_days(friday, 2), date!(2026 - 11 - 30));
}

#[test]
fn holidays_are_skipped() {
    // Christmas Day is a Friday, and the Monday after is off too.
    let hours_off = BusinessHours {
        holidays: vec![date!(2026 - 12 - 25), date!(2026 - 12 - 28)],
        ..BusinessHours::default()
    };
    let cal = BusinessCalendar::from_hours(&hours_off).unwrap();
    assert_eq!(
        cal.add_hours(datetime!(2026-12-24 16:00 UTC), 2),
        datetime!(2026-12-29 10:00 UTC)
    );
    assert_eq!(
        cal.working_between(
            datetime!(2026-12-24 16:00 UTC),
            datetime!(2026-12-29 10:00 UTC)
        ),
        hours(2)
    );
    assert_eq!(
        cal.add_hours(datetime!(2026-12-25 10:00 UTC), 1),
        datetime!(2026-12-29 10:00 UTC)
    );
}

#[test]
fn london_hours_seen_from_utc_follow_daylight_saving() {
    let london = in_zone("Europe/London");
    // March: Friday 09:00–17:00 GMT is 09:00–17:00 UTC; Monday 09:00–17:00 BST is
    // 08:00–16:00 UTC. One hour on Friday, one from 08:00 UTC on Monday.
    assert_eq!(
        london.add_hours(datetime!(2026-03-27 16:00 UTC), 2),
        datetime!(2026-03-30 09:00 UTC)
    );
    assert_eq!(
        london.working_between(
            datetime!(2026-03-30 07:00 UTC),
            datetime!(2026-03-30 09:00 UTC)
        ),
        hours(1)
    );
    assert_eq!(
        london.working_between(
            datetime!(2026-03-27 00:00 UTC),
            datetime!(2026-03-31 00:00 UTC)
        ),
        hours(16)
    );
    // October: Friday closes at 16:00 UTC (17:00 BST), Monday opens at 09:00 UTC (GMT).
    assert_eq!(
        london.add_hours(datetime!(2026-10-23 15:00 UTC), 2),
        datetime!(2026-10-26 10:00 UTC)
    );
    assert_eq!(
        london.working_between(
            datetime!(2026-10-23 15:00 UTC),
            datetime!(2026-10-26 10:00 UTC)
        ),
        hours(2)
    );
}

#[test]
fn the_working_day_is_the_zones_own_date() {
    // Los Angeles in December is UTC−8: Friday 16:00 there is Saturday 00:00 UTC, still
    // inside Friday's window; Monday opens at 17:00 UTC.
    let la = in_zone("America/Los_Angeles");
    assert_eq!(
        la.add_hours(datetime!(2026-12-05 00:00 UTC), 2),
        datetime!(2026-12-07 18:00 UTC)
    );
}

#[test]
fn a_calendar_needs_working_time() {
    let zone = TimeZone::UTC;
    assert!(BusinessCalendar::new(zone, &[], time!(09:00), time!(17:00), []).is_none());
    assert!(BusinessCalendar::new(zone, &WEEK, time!(17:00), time!(09:00), []).is_none());
    assert!(BusinessCalendar::new(zone, &WEEK, time!(09:00), time!(09:00), []).is_none());
}

#[test]
fn calendar_targets_run_through_the_night() {
    let cal = utc();
    let slas = Slas::default();
    let targets = escalation_targets(&slas, Urgency::P1, &cal);
    assert_eq!(targets.first_response, Target::hours(2, Clock::Calendar));
    let clock = SlaClock::new(datetime!(2026-12-02 23:00 UTC), targets.first_response);
    assert_eq!(
        clock.due_at(&cal, datetime!(2026-12-02 23:30 UTC)),
        datetime!(2026-12-03 01:00 UTC)
    );
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-03 00:30 UTC), 25),
        SlaState::DueSoon {
            due_at: datetime!(2026-12-03 01:00 UTC),
            remaining: Duration::minutes(30)
        }
    );
    // P2's eight hours are business hours: Thursday's whole day.
    let p2 = escalation_targets(&slas, Urgency::P2, &cal);
    assert_eq!(p2.first_response, Target::hours(8, Clock::Business));
    let clock = SlaClock::new(datetime!(2026-12-02 23:00 UTC), p2.first_response);
    assert_eq!(
        clock.due_at(&cal, datetime!(2026-12-02 23:00 UTC)),
        datetime!(2026-12-03 17:00 UTC)
    );
    // Resolution: 5 working days of 8 hours = 40 working hours (Thu, Fri, Mon, Tue, Wed).
    assert_eq!(
        p2.resolution,
        Target {
            length: hours(40),
            clock: Clock::Business
        }
    );
    let clock = SlaClock::new(datetime!(2026-12-02 23:00 UTC), p2.resolution);
    assert_eq!(
        clock.due_at(&cal, datetime!(2026-12-02 23:00 UTC)),
        datetime!(2026-12-09 17:00 UTC)
    );
    assert_eq!(Target::days(5, Clock::Calendar, &cal).length, hours(120));
}

/// Eight business hours from Wednesday 09:00: due Wednesday 17:00 unpaused.
fn eight_hours_from_wednesday() -> SlaClock {
    SlaClock::new(
        datetime!(2026-12-02 09:00 UTC),
        Target::hours(8, Clock::Business),
    )
}

#[test]
fn a_pause_in_working_hours_extends_the_due_time() {
    let cal = utc();
    let mut clock = eight_hours_from_wednesday();
    clock.pauses.push(Pause {
        from: datetime!(2026-12-02 11:00 UTC),
        until: Some(datetime!(2026-12-02 13:00 UTC)),
    });
    // Two paused working hours: 17:00 + 2 h = Thursday 11:00.
    assert_eq!(
        clock.due_at(&cal, datetime!(2026-12-02 16:00 UTC)),
        datetime!(2026-12-03 11:00 UTC)
    );
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-02 12:00 UTC), 25),
        SlaState::Paused {
            remaining: hours(6)
        }
    );
    // Wednesday 16:00: 1 h left that day, 2 h on Thursday = 3 h of 8, over 25 %.
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-02 16:00 UTC), 25),
        SlaState::OnTrack {
            due_at: datetime!(2026-12-03 11:00 UTC),
            remaining: hours(3)
        }
    );
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-03 10:00 UTC), 25),
        SlaState::DueSoon {
            due_at: datetime!(2026-12-03 11:00 UTC),
            remaining: hours(1)
        }
    );
}

#[test]
fn a_pause_across_the_weekend_counts_only_its_working_hours() {
    let cal = utc();
    let mut clock = SlaClock::new(
        datetime!(2026-12-04 09:00 UTC),
        Target::hours(8, Clock::Business),
    );
    clock.pauses.push(Pause {
        from: datetime!(2026-12-04 15:00 UTC),
        until: Some(datetime!(2026-12-07 11:00 UTC)),
    });
    // Six hours worked on Friday, two left from Monday 11:00.
    assert_eq!(
        clock.due_at(&cal, datetime!(2026-12-07 11:00 UTC)),
        datetime!(2026-12-07 13:00 UTC)
    );
    // A calendar clock pauses every hour: 30 min used on Friday, 90 left from Monday 09:00.
    let mut p1 = SlaClock::new(
        datetime!(2026-12-04 16:00 UTC),
        Target::hours(2, Clock::Calendar),
    );
    p1.pauses.push(Pause {
        from: datetime!(2026-12-04 16:30 UTC),
        until: Some(datetime!(2026-12-07 09:00 UTC)),
    });
    assert_eq!(
        p1.due_at(&cal, datetime!(2026-12-07 09:00 UTC)),
        datetime!(2026-12-07 10:30 UTC)
    );
}

#[test]
fn an_open_pause_freezes_the_remaining_time() {
    let cal = utc();
    let mut clock = eight_hours_from_wednesday();
    clock.pauses.push(Pause {
        from: datetime!(2026-12-02 15:00 UTC),
        until: None,
    });
    let now = datetime!(2026-12-03 12:00 UTC);
    assert_eq!(
        clock.state(&cal, now, 25),
        SlaState::Paused {
            remaining: hours(2)
        }
    );
    assert_eq!(clock.remaining(&cal, now), hours(2));
    // Were the pause to end now: paused 2 h on Wednesday and 3 h on Thursday, so due
    // Wednesday 17:00 + 5 h = Thursday 14:00.
    assert_eq!(clock.due_at(&cal, now), datetime!(2026-12-03 14:00 UTC));
    // A pause that begins this very instant already reads as paused.
    let mut clock = eight_hours_from_wednesday();
    clock.pauses.push(Pause {
        from: datetime!(2026-12-02 12:00 UTC),
        until: None,
    });
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-02 12:00 UTC), 25),
        SlaState::Paused {
            remaining: hours(5)
        }
    );
}

#[test]
fn a_pause_after_the_breach_does_not_lift_it() {
    let cal = utc();
    let mut clock = eight_hours_from_wednesday();
    clock.pauses.push(Pause {
        from: datetime!(2026-12-03 10:00 UTC),
        until: None,
    });
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-03 12:00 UTC), 25),
        SlaState::Breached {
            due_at: datetime!(2026-12-02 17:00 UTC),
            late_by: hours(19)
        }
    );
    // Three working hours late: none after Wednesday's close, Thursday 09:00–12:00.
    assert_eq!(
        clock.remaining(&cal, datetime!(2026-12-03 12:00 UTC)),
        -hours(3)
    );
}

#[test]
fn exactly_at_the_due_instant_is_on_time() {
    let cal = utc();
    let clock = eight_hours_from_wednesday();
    let due = datetime!(2026-12-02 17:00 UTC);
    assert_eq!(
        clock.state(&cal, due, 25),
        SlaState::DueSoon {
            due_at: due,
            remaining: Duration::ZERO
        }
    );
    assert_eq!(
        clock.state(&cal, due + Duration::SECOND, 25),
        SlaState::Breached {
            due_at: due,
            late_by: Duration::SECOND
        }
    );
    let met = |at| SlaClock {
        met_at: Some(at),
        ..eight_hours_from_wednesday()
    };
    assert_eq!(
        met(due).state(&cal, datetime!(2026-12-09 12:00 UTC), 25),
        SlaState::Met {
            at: due,
            due_at: due,
            late: false
        }
    );
    assert_eq!(
        met(due + Duration::SECOND).state(&cal, datetime!(2026-12-09 12:00 UTC), 25),
        SlaState::Met {
            at: due + Duration::SECOND,
            due_at: due,
            late: true
        }
    );
    // Due soon from the last 25 % (2 of 8 hours) on, inclusive.
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-02 15:00 UTC), 25),
        SlaState::DueSoon {
            due_at: due,
            remaining: hours(2)
        }
    );
    assert_eq!(
        clock.state(&cal, datetime!(2026-12-02 14:59 UTC), 25),
        SlaState::OnTrack {
            due_at: due,
            remaining: Duration::minutes(121)
        }
    );
}

fn routed(activity: Activity) -> Route {
    route(&crate::program::shipped().policies.raci, activity).unwrap()
}

#[test]
fn a_row_without_a_responsible_team_queues_for_the_accountable_one() {
    use Team::*;
    let row = [
        (PartnerManager, Raci::Accountable),
        (Legal, Raci::Consulted),
    ];
    let matrix = RaciMatrix(
        [("contract_review".to_owned(), row.into_iter().collect())]
            .into_iter()
            .collect(),
    );
    assert_eq!(
        route(&matrix, Activity::ContractReview),
        Some(Route {
            queue: PartnerManager,
            accountable: PartnerManager,
            consulted: vec![Legal],
            informed: vec![]
        })
    );
}

#[test]
fn work_goes_to_the_responsible_teams_queue() {
    use Team::*;
    let cases = [
        (
            Activity::PartnerSourcing,
            Sales,
            Marketing,
            vec![PartnerManager],
        ),
        (
            Activity::Onboarding,
            Marketing,
            PartnerManager,
            vec![Sales, Product, Finance],
        ),
        (
            Activity::LeadHandoff,
            Sales,
            Marketing,
            vec![PartnerManager],
        ),
        (Activity::DealRegistration, PartnerManager, Sales, vec![]),
        (
            Activity::CommissionPayment,
            Finance,
            PartnerManager,
            vec![Sales],
        ),
        // Legal reviews, the partner manager answers for it.
        (
            Activity::ContractReview,
            Legal,
            PartnerManager,
            vec![Sales, Marketing, Product, Finance],
        ),
        (
            Activity::IntegrationRequests,
            PartnerManager,
            Product,
            vec![Sales, CustomerSuccess],
        ),
    ];
    for (activity, queue, accountable, consulted) in cases {
        assert_eq!(
            routed(activity),
            Route {
                queue,
                accountable,
                consulted,
                informed: vec![]
            },
            "{activity}"
        );
    }
    let onboarding = routed(Activity::Onboarding);
    assert!(onboarding.may_comment(Product));
    assert!(onboarding.may_comment(PartnerManager));
    assert!(!onboarding.may_comment(Legal));
}

#[test]
fn informed_teams_read_but_do_not_comment() {
    let start = crate::program::DEFAULT_PROGRAM
        .find("# ---- Policies")
        .unwrap();
    let text = format!(
        "{}\n[raci]\nlead_handoff = {{ sales = \"R\", marketing = \"A\", finance = \"I\" }}\n",
        &crate::program::DEFAULT_PROGRAM[..start]
    );
    let program = crate::program::parse(&text).0.unwrap();
    let lead = route(&program.policies.raci, Activity::LeadHandoff).unwrap();
    assert_eq!(lead.informed, [Team::Finance]);
    assert_eq!(lead.consulted, []);
    assert!(!lead.may_comment(Team::Finance));
    // Rows the file does not write keep their defaults.
    assert_eq!(
        route(&program.policies.raci, Activity::CommissionPayment)
            .unwrap()
            .queue,
        Team::Finance
    );
}

#[test]
fn breached_cases_climb_the_ladder() {
    let paths = EscalationPaths::default();
    let slas = Slas::default();
    let at = |past_due: Duration| {
        escalation_target(&paths, &slas, EscalationCategory::ChannelConflict, past_due)
            .map(|t| (t.step, t.holder, t.topic_executive))
    };
    assert_eq!(at(-hours(1)), None);
    assert_eq!(at(Duration::ZERO), None);
    assert_eq!(at(Duration::SECOND), Some((1, "partner_manager", None)));
    assert_eq!(
        at(Duration::days(7) - Duration::SECOND),
        Some((1, "partner_manager", None))
    );
    assert_eq!(
        at(Duration::days(7)),
        Some((2, "alliances_lead", Some("vp_sales")))
    );
    assert_eq!(
        at(Duration::days(14) - Duration::SECOND),
        Some((2, "alliances_lead", Some("vp_sales")))
    );
    assert_eq!(
        at(Duration::days(14)),
        Some((3, "executive_sponsor", Some("vp_sales")))
    );
    assert_eq!(
        at(Duration::days(60)),
        Some((3, "executive_sponsor", Some("vp_sales")))
    );
}

#[test]
fn each_topic_reaches_its_executive() {
    let paths = EscalationPaths::default();
    let slas = Slas::default();
    let cases = [
        (EscalationCategory::ChannelConflict, Some("vp_sales")),
        (EscalationCategory::CommissionDispute, Some("cfo")),
        (EscalationCategory::Mdf, Some("cmo")),
        (EscalationCategory::Technical, Some("cpo")),
        (EscalationCategory::Contractual, None),
        (EscalationCategory::Other, None),
    ];
    for (category, executive) in cases {
        let target = escalation_target(&paths, &slas, category, Duration::days(8)).unwrap();
        assert_eq!(
            (target.holder, target.topic_executive),
            ("alliances_lead", executive),
            "{category}"
        );
    }
}

proptest::proptest! {
    /// Over a year of London's clock changes: the working time added is the working time
    /// counted, and adding in two steps lands where adding once does (which lets a pause
    /// move a due instant on from where it was).
    #[test]
    fn adding_and_counting_working_time_agree(
        start_minute in 0i64..366 * 24 * 60,
        first in 0i64..10 * 8 * 60,
        second in 0i64..10 * 8 * 60,
    ) {
        let london = in_zone("Europe/London");
        let start = datetime!(2026-01-01 00:00 UTC) + Duration::minutes(start_minute);
        let (first, second) = (Duration::minutes(first), Duration::minutes(second));
        let end = london.add(start, first);
        proptest::prop_assert_eq!(london.working_between(start, end), first);
        proptest::prop_assert_eq!(london.add(end, second), london.add(start, first + second));
    }
}
