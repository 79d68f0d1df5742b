//! Meetings of the communication rhythm through the services, on both backends: packs of a
//! hand-made data set, decisions and action items carried over and ticked once.

use super::*;
use domain::rhythm::{ActionForm, DecisionForm, MeetingForm};
use services::audit::AuditQuery;
use services::rhythm::{MeetingDetail, MeetingQuery, Section};
use time::Duration;

pub(super) fn meeting(kind: &str, held_on: time::Date, attendees: &[&Actor]) -> MeetingForm {
    MeetingForm {
        kind: kind.into(),
        held_on: held_on.to_string(),
        attendees: attendees
            .iter()
            .map(|a| a.user_id.unwrap().to_string())
            .collect(),
    }
}

pub(super) fn section<'a>(detail: &'a MeetingDetail, key: &str) -> &'a Section {
    detail
        .pack
        .sections
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no section {key}"))
}

/// Each figure of a section as (label, value).
pub(super) fn figures(detail: &MeetingDetail, key: &str) -> Vec<(String, String)> {
    section(detail, key)
        .figures
        .iter()
        .map(|f| (f.label.clone(), f.value.clone()))
        .collect()
}

pub(super) fn texts(detail: &MeetingDetail, key: &str) -> Vec<String> {
    section(detail, key)
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect()
}

/// Alpha's user raises a case of `category` today; its id.
async fn escalate(w: &World, category: &str, urgency: &str) -> uuid::Uuid {
    let case = w
        .services
        .submit_escalation(
            &w.a_user,
            w.partner_a,
            &domain::escalations::Form {
                issue: "Portal down".into(),
                category: category.into(),
                urgency: urgency.into(),
                occurred_on: store::now().date().to_string(),
            },
        )
        .await
        .unwrap();
    match case {
        services::escalations::Escalation::Partners(seen) => seen.case.id,
        services::escalations::Escalation::Ours(seen) => seen.case.id,
    }
}

/// A day as packs write it (`7 Dec 2026`), spelled out here rather than borrowed from the
/// code under test.
fn day(date: time::Date) -> String {
    let month = &date.month().to_string()[..3];
    format!("{} {month} {}", date.day(), date.year())
}

pub(super) fn pair(label: &str, value: &str) -> (String, String) {
    (label.into(), value.into())
}

const HEADER: &str = "partner,customer_name,website,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount,protected_until\n";

/// One imported registration of Alpha's.
fn row(customer: &str, status: &str, registered: time::Date, closed: Option<time::Date>) -> String {
    let closed_text = closed.map(|d| d.to_string()).unwrap_or_default();
    let expected = closed.unwrap_or(registered + Duration::days(90));
    let amount = if closed.is_some() { "10000" } else { "" };
    let protected = if status == "approved" {
        (registered + Duration::days(90)).to_string()
    } else {
        String::new()
    };
    format!(
        "alpha.com,{customer},,Retail,emea,10000,{expected},Sync,negotiation,50,Ana,{status},{registered},{closed_text},{amount},{protected}\n"
    )
}

#[tokio::test]
async fn the_packs_count_a_hand_made_month_and_week() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let month_first = today.replace_day(1).unwrap();
        let rows = [
            // Won on the month's first day after 10, 30 and 40 days: the median is 30.
            row(
                "Ten Days",
                "won",
                month_first - Duration::days(10),
                Some(month_first),
            ),
            row(
                "Thirty Days",
                "won",
                month_first - Duration::days(30),
                Some(month_first),
            ),
            row(
                "Forty Days",
                "won",
                month_first - Duration::days(40),
                Some(month_first),
            ),
            // Won the month before: not this month's velocity.
            row(
                "Last Month",
                "won",
                month_first - Duration::days(50),
                Some(month_first - Duration::DAY),
            ),
            // In flight: untouched for 40 days and exactly 30 (stale_deal_days) are stuck.
            row("Forty Idle", "submitted", today - Duration::days(40), None),
            row("Thirty Idle", "approved", today - Duration::days(30), None),
            row("Fresh", "submitted", today, None),
            // Closed lost: not in flight.
            row("Gone", "lost", today - Duration::days(60), Some(today)),
        ];
        let file = format!("{HEADER}{}", rows.concat());
        let report = s
            .import_deals(&Actor::system("test"), &file, false, &|_| {})
            .await
            .unwrap();
        assert!(report.applied, "{:?}", report.errors);
        let lead = s
            .submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        s.accept_lead(&w.manager, lead.id).await.unwrap();
        let mut second = lead_input();
        second.company = "Globex".into();
        second.website = "globex.example".into();
        s.submit_lead(&w.a_user, w.partner_a, &second)
            .await
            .unwrap();
        s.archive_partner(&w.manager, w.partner_b).await.unwrap();
        escalate(&w, "technical", "p2").await;

        let id = s
            .create_meeting(&w.manager, &meeting("monthly_sync", today, &[&w.manager]))
            .await
            .unwrap();
        let monthly = s.meeting(&w.executive, id).await.unwrap();
        assert_eq!(
            figures(&monthly, "leads"),
            [pair("Submitted", "2"), pair("Accepted", "1")]
        );
        assert_eq!(
            figures(&monthly, "deal_velocity"),
            [
                pair("Median days from registration to close", "30 days"),
                pair("Deals won", "3")
            ]
        );
        assert_eq!(
            section(&monthly, "deal_velocity").lines[0].detail,
            format!(
                "registered {}, won {}: 10 days",
                day(month_first - Duration::days(10)),
                day(month_first)
            )
        );
        assert_eq!(figures(&monthly, "churn"), [pair("Partners archived", "1")]);
        assert_eq!(texts(&monthly, "churn"), ["Bravo"]);
        // Each figure links to the list holding its records.
        let links: Vec<Option<String>> = ["leads", "deal_velocity", "churn"]
            .into_iter()
            .flat_map(|key| {
                section(&monthly, key)
                    .figures
                    .iter()
                    .map(|f| f.link.clone())
            })
            .collect();
        assert_eq!(
            links,
            [
                Some("/leads".to_owned()),
                Some("/leads?status=accepted".to_owned()),
                Some("/deals?status=won".to_owned()),
                Some("/deals?status=won".to_owned()),
                Some("/partners?archived=true".to_owned()),
            ]
        );
        let won = s
            .deals(
                &w.manager,
                &services::deals::DealQuery {
                    status: "won".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            won.items.len(),
            4,
            "this month's three and last month's one"
        );
        assert_eq!(
            figures(&monthly, "open_escalations"),
            [
                pair("P1", "0"),
                pair("P2", "1"),
                pair("P3", "0"),
                pair("P4", "0")
            ]
        );

        let id = s
            .create_meeting(&w.manager, &meeting("weekly_standup", today, &[&w.manager]))
            .await
            .unwrap();
        let weekly = s.meeting(&w.manager, id).await.unwrap();
        // Three imported, and the registration the accepted lead became (today's).
        assert_eq!(
            figures(&weekly, "deals_in_flight"),
            [pair("Deals in flight", "4")]
        );
        // The figure's link lists what it counts.
        let link = section(&weekly, "deals_in_flight").figures[0].link.clone();
        assert_eq!(
            link.as_deref(),
            Some("/deals?status=submitted,more_info_requested,approved")
        );
        let listed = s
            .deals(
                &w.manager,
                &services::deals::DealQuery {
                    status: "submitted,more_info_requested,approved".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(listed.items.len(), 4);
        assert_eq!(
            figures(&weekly, "stuck_deals"),
            [pair("No change for 30 days or more", "2")]
        );
        let stuck: Vec<String> = texts(&weekly, "stuck_deals")
            .into_iter()
            .map(|t| t.split(" · ").nth(1).unwrap().to_owned())
            .collect();
        assert_eq!(stuck, ["Forty Idle — Alpha", "Thirty Idle — Alpha"]);
        assert_eq!(
            figures(&weekly, "overdue"),
            [
                pair("Onboarding items", "0"),
                pair("Remediation actions of escalations", "0")
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn open_action_items_come_up_at_the_next_meeting_and_are_done_once() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let last_week = today - Duration::days(7);
        let earlier = s
            .create_meeting(
                &w.manager,
                &meeting("weekly_standup", last_week, &[&w.manager, &w.admin]),
            )
            .await
            .unwrap();
        let err = s
            .add_meeting_action(&w.manager, earlier, &ActionForm::default())
            .await
            .unwrap_err();
        let fields: Vec<String> = match err {
            Error::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields, ["text", "owner_id", "due_on"]);
        let err = s
            .add_meeting_action(
                &w.manager,
                earlier,
                &ActionForm {
                    text: "Call Alpha".into(),
                    owner_id: w.a_user.user_id.unwrap().to_string(),
                    due_on: today.to_string(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "owner_id"),
            "a partner's person owns no action item: {err:?}"
        );
        let action = s
            .add_meeting_action(
                &w.manager,
                earlier,
                &ActionForm {
                    text: "Call Alpha about the stuck deal".into(),
                    owner_id: w.admin.user_id.unwrap().to_string(),
                    due_on: today.to_string(),
                },
            )
            .await
            .unwrap();
        s.add_meeting_decision(
            &w.manager,
            earlier,
            &DecisionForm {
                text: "Alpha gets a co-selling push".into(),
            },
        )
        .await
        .unwrap();
        let told: Vec<(String, String)> = s
            .notifications(&w.admin, &Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|n| n.kind == "meeting_action")
            .map(|n| (n.message, n.link))
            .collect();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].1, format!("/meetings/{earlier}"));
        assert!(told[0].0.ends_with(&format!(
            "due {}: Call Alpha about the stuck deal",
            domain::display::day(today)
        )));

        let this_week = s
            .create_meeting(&w.manager, &meeting("weekly_standup", today, &[&w.manager]))
            .await
            .unwrap();
        let monthly = s
            .create_meeting(&w.manager, &meeting("monthly_sync", today, &[&w.manager]))
            .await
            .unwrap();
        let carried = s.meeting(&w.manager, this_week).await.unwrap();
        assert_eq!(
            texts(&carried, "carried_over"),
            ["Call Alpha about the stuck deal"]
        );
        let other_kind = s.meeting(&w.manager, monthly).await.unwrap();
        assert!(texts(&other_kind, "carried_over").is_empty());

        // Sales read meetings but tick only their own items.
        let sales = user(s, &w.admin, "sales@vendor.test", "sales", None).await;
        let err = s
            .complete_meeting_action(&sales, earlier, action)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(why) if why == "only its owner, or a user whose role is \
                Administrator, Partner manager or Executive, may tick this action item done"),
            "{err:?}"
        );
        s.complete_meeting_action(&w.admin, earlier, action)
            .await
            .unwrap();
        let err = s
            .complete_meeting_action(&w.manager, earlier, action)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        let audit = s
            .audit_log(
                &w.admin,
                &AuditQuery {
                    entity_type: "meeting_action".into(),
                    action: "done".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(audit.items.len(), 1);
        let settled = s.meeting(&w.manager, this_week).await.unwrap();
        assert!(texts(&settled, "carried_over").is_empty());
        let earlier = s.meeting(&w.manager, earlier).await.unwrap();
        assert_eq!(earlier.decisions[0].text, "Alpha gets a co-selling push");
        assert!(earlier.actions[0].done_at.is_some());

        let page = s
            .list_meetings(
                &w.executive,
                &MeetingQuery {
                    kind: "weekly_standup".into(),
                    limit: Some(1),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].id, this_week);
        assert!(page.next_cursor.is_some());
        let err = s
            .list_meetings(&w.a_admin, &MeetingQuery::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn next_weeks_standup_is_prepared_once_and_its_decisions_say_who_and_when() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let monday = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
        let (next_monday, next_sunday) = (monday + Duration::days(7), monday + Duration::days(13));
        let id = s
            .create_meeting(
                &w.manager,
                &meeting("weekly_standup", next_monday, &[&w.manager]),
            )
            .await
            .unwrap();
        let prepared = s.meeting(&w.manager, id).await.unwrap();
        assert!(prepared.pack.not_begun);
        assert_eq!(prepared.pack.as_of, today);
        assert_eq!(
            prepared.pack.reading,
            format!(
                "Covers {} to {}, which has not begun: read as of today, {}, so what is open \
                 shows now and the period's own figures are still empty.",
                day(next_monday),
                day(next_sunday),
                day(today)
            )
        );
        // The week after next is too far ahead.
        let err = s
            .create_meeting(
                &w.manager,
                &meeting("weekly_standup", next_sunday + Duration::DAY, &[&w.manager]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "held_on"
                && e[0].message.ends_with("a meeting is prepared at most one week ahead")),
            "{err:?}"
        );

        // Another day of the same week: refused, naming and linking the first.
        let err = s
            .create_meeting(
                &w.executive,
                &meeting("weekly_standup", next_sunday, &[&w.executive]),
            )
            .await
            .unwrap_err();
        let expected = format!(
            "Weekly partner standup, week of {} is already recorded: /meetings/{id}",
            day(next_monday)
        );
        assert!(
            matches!(&err, Error::Conflict(m) if *m == expected),
            "{err:?}"
        );
        // Two at once for this week: one wins, the other is refused the same way.
        let form = meeting("weekly_standup", today, &[&w.manager]);
        let (first, second) = tokio::join!(
            s.create_meeting(&w.manager, &form),
            s.create_meeting(&w.executive, &form)
        );
        let won: Vec<uuid::Uuid> = [&first, &second]
            .into_iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        assert_eq!(won.len(), 1, "{first:?} {second:?}");
        let lost = if first.is_ok() { second } else { first };
        let expected = format!(
            "Weekly partner standup, week of {} is already recorded: /meetings/{}",
            day(monday),
            won[0]
        );
        assert!(
            matches!(&lost, Err(Error::Conflict(m)) if *m == expected),
            "{lost:?}"
        );
        let standups = s
            .list_meetings(
                &w.manager,
                &MeetingQuery {
                    kind: "weekly_standup".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(standups.items.len(), 2);
        let created = s
            .audit_log(
                &w.admin,
                &AuditQuery {
                    entity_type: "meeting".into(),
                    action: "created".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(created.items.len(), 2, "the refused ones wrote nothing");
        let found = s
            .meeting_of_period(
                &w.executive,
                domain::rhythm::Kind::WeeklyStandup,
                next_sunday,
            )
            .await
            .unwrap();
        assert_eq!(found.map(|m| m.id), Some(id));

        // Who recorded a decision and when come from the actor and the clock.
        let before = store::now();
        s.add_meeting_decision(
            &w.executive,
            id,
            &DecisionForm {
                text: "Bravo joins the pilot".into(),
            },
        )
        .await
        .unwrap();
        let after = store::now();
        let decision = &s.meeting(&w.manager, id).await.unwrap().decisions[0];
        assert_eq!(decision.recorded_by.id, w.executive.user_id.unwrap());
        assert_eq!(decision.recorded_by.name, "exec@vendor.test");
        assert!(before <= decision.recorded_at && decision.recorded_at <= after);
    })
    .await;
}

#[tokio::test]
async fn a_past_weeks_pack_lists_nothing_recorded_after_the_week() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let today = store::now().date();
        let case = escalate(&w, "technical", "p2").await;
        // Recorded today, due three weeks ago: overdue now, but it did not exist two weeks ago.
        s.add_escalation_action(
            &w.manager,
            case,
            &services::escalations::ActionInput {
                body: "Restart the portal".into(),
                due_on: today.to_string(),
            },
        )
        .await
        .unwrap();
        let overdue = today - Duration::days(21);
        set_due_on(&db, "escalation_entries", "Restart the portal", overdue).await;
        let past = s
            .create_meeting(
                &w.manager,
                &meeting("weekly_standup", today - Duration::days(14), &[&w.manager]),
            )
            .await
            .unwrap();
        let past = s.meeting(&w.manager, past).await.unwrap();
        assert!(past.pack.as_of < today, "{}", past.pack.as_of);
        assert!(
            texts(&past, "overdue").is_empty(),
            "{:?}",
            texts(&past, "overdue")
        );
        assert_eq!(
            figures(&past, "overdue")[1],
            pair("Remediation actions of escalations", "0")
        );
        let now = s
            .create_meeting(&w.manager, &meeting("weekly_standup", today, &[&w.manager]))
            .await
            .unwrap();
        let now = s.meeting(&w.manager, now).await.unwrap();
        assert_eq!(
            figures(&now, "overdue")[1],
            pair("Remediation actions of escalations", "1")
        );
    }
}

#[tokio::test]
async fn the_quarterly_reviews_escalation_figures_link_to_the_quarters_cases() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        for category in ["technical", "technical", "mdf"] {
            escalate(&w, category, "p3").await;
        }
        let quarter = domain::quarter::Quarter::containing(today).to_string();
        let id = s
            .create_meeting(
                &w.manager,
                &meeting("quarterly_review", today, &[&w.manager]),
            )
            .await
            .unwrap();
        let review = s.meeting(&w.manager, id).await.unwrap();
        let technical = section(&review, "escalations")
            .figures
            .iter()
            .find(|f| f.label == "Technical")
            .unwrap()
            .clone();
        assert_eq!(technical.value, "2");
        // Times carry their unit, the target too.
        let resolution = section(&review, "metrics")
            .figures
            .iter()
            .find(|f| f.label == "Escalation resolution time")
            .unwrap();
        assert_eq!(resolution.value, "no data yet (target 5 days)");
        assert_eq!(
            technical.link,
            Some(format!("/escalations?quarter={quarter}&category=technical"))
        );
        let listed = s
            .list_escalations(
                &w.manager,
                &services::escalations::EscalationQuery {
                    quarter: quarter.clone(),
                    category: "technical".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        match listed {
            services::escalations::Escalations::Ours(page) => assert_eq!(page.items.len(), 2),
            other => panic!("{other:?}"),
        }
    })
    .await;
}

/// Sets when a case was opened and when its log entered `state` (every entry of it).
async fn backdate(
    w: &World,
    id: uuid::Uuid,
    opened: time::OffsetDateTime,
    states: &[(&str, time::OffsetDateTime)],
) {
    let mut tx = w.services.db.write().await.unwrap();
    let mut query = store::Sql::new("UPDATE escalation_cases SET created_at = ");
    query.push_bind(opened).push(" WHERE id = ").push_bind(id);
    tx.execute(query).await.unwrap();
    for (state, at) in states {
        let mut query = store::Sql::new("UPDATE escalation_entries SET at = ");
        query
            .push_bind(*at)
            .push(" WHERE state = ")
            .push_bind(*state)
            .push(" AND case_id = ")
            .push_bind(id);
        tx.execute(query).await.unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn last_months_sync_counts_the_escalations_open_at_the_months_end() {
    use services::escalations::Move;
    each_backend(|w| async move {
        let s = &w.services;
        let month_first = store::now().date().replace_day(1).unwrap();
        // Last month ended at midnight (UTC) before this month's first day.
        let end = month_first.midnight().assume_utc();
        let before = |days: i64| end - Duration::days(days);
        let work = |id: uuid::Uuid, transitions: &'static [&'static str]| {
            let manager = &w.manager;
            async move {
                for transition in transitions {
                    s.move_escalation(
                        manager,
                        id,
                        &Move {
                            transition: (*transition).into(),
                            message: "Done".into(),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                }
            }
        };
        let a_user = &w.a_user;
        let reopen = |id: uuid::Uuid| async move {
            let again = Move {
                transition: "reopen".into(),
                message: "Still broken".into(),
                ..Default::default()
            };
            s.move_escalation(a_user, id, &again).await.unwrap();
        };
        // P1, resolved only after the month's end: open at the end (resolved now).
        let late = escalate(&w, "technical", "p1").await;
        work(late, &["acknowledge", "start", "resolve"]).await;
        backdate(&w, late, before(10), &[("acknowledged", before(9)), ("in_progress", before(9))]).await;
        // P1, resolved and reopened before the end: open at the end.
        let reopened = escalate(&w, "technical", "p1").await;
        work(reopened, &["acknowledge", "start", "resolve"]).await;
        reopen(reopened).await;
        backdate(
            &w,
            reopened,
            before(10),
            &[
                ("acknowledged", before(9)),
                ("in_progress", before(9)),
                ("resolved", before(5)),
                ("reopened", before(2)),
            ],
        )
        .await;
        // P2, resolved before the end and reopened after it: not open at the end (open now).
        let settled = escalate(&w, "technical", "p2").await;
        work(settled, &["acknowledge", "start", "resolve"]).await;
        reopen(settled).await;
        backdate(
            &w,
            settled,
            before(10),
            &[
                ("acknowledged", before(9)),
                ("in_progress", before(9)),
                ("resolved", before(5)),
            ],
        )
        .await;
        // P3, opened this month: not last month's (open now).
        escalate(&w, "technical", "p3").await;
        // P4, acknowledged before the end and nothing since: open at the end.
        let waiting = escalate(&w, "technical", "p4").await;
        work(waiting, &["acknowledge"]).await;
        backdate(&w, waiting, before(3), &[("acknowledged", before(1))]).await;

        let id = s
            .create_meeting(
                &w.manager,
                &meeting("monthly_sync", month_first - Duration::DAY, &[&w.manager]),
            )
            .await
            .unwrap();
        let last_month = s.meeting(&w.manager, id).await.unwrap();
        assert_eq!(
            figures(&last_month, "open_escalations"),
            [
                pair("P1", "2"),
                pair("P2", "0"),
                pair("P3", "0"),
                pair("P4", "1")
            ]
        );
        assert_eq!(
            section(&last_month, "open_escalations").figures[0].link.as_deref(),
            Some("/escalations?urgency=p1&state=open,acknowledged,in_progress,waiting_on_partner,reopened")
        );
    })
    .await;
}
