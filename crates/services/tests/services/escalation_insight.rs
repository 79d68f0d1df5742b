//! Post-resolution reviews and quarterly escalation trends through the services, on both
//! backends. The trends' cases are planted with their recorded moves at chosen instants (the
//! services stamp the clock's now); every figure is worked out by hand on the shipped program:
//! Monday to Friday 09:00–17:00 UTC, P1 responds in 2 calendar hours, P2 in 8 and P3 in 24
//! working hours, every case resolves in 5 working days of 8 hours. 2026-09-02 is a Wednesday.

use super::*;
use domain::escalations::{Form, ReviewForm, State};
use domain::validation::Choice;
use rust_decimal::Decimal;
use services::dashboard::DashboardQuery;
use services::escalations::{EscalationQuery, Escalations, Move, Reassign, TrendsQuery};
use store::escalations::{CaseRow, EntryRow};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// A case as if raised at `at` and moved at the given instants.
async fn plant(
    s: &Services,
    partner_id: Uuid,
    submitted_by: &Actor,
    (category, urgency): (&str, &str),
    at: OffsetDateTime,
    moves: &[(OffsetDateTime, State)],
) -> Uuid {
    let mut tx = s.db.write().await.unwrap();
    let number = store::deals::next(&mut tx, "escalation_case")
        .await
        .unwrap();
    let id = Uuid::now_v7();
    let state = moves.last().map_or(State::Open, |m| m.1);
    store::escalations::insert_case(
        &mut tx,
        &CaseRow {
            id,
            number,
            partner_id,
            submitted_by: submitted_by.user_id.unwrap(),
            owner_id: None,
            issue: format!("planted case {number}"),
            category: category.into(),
            urgency: urgency.into(),
            occurred_on: at.date(),
            state: state.as_str().into(),
            version: 1 + moves.len() as i64,
            created_at: at,
            updated_at: moves.last().map_or(at, |m| m.0),
            deal_id: None,
            conflict_outcome: None,
        },
    )
    .await
    .unwrap();
    for (when, to) in moves {
        store::escalations::insert_entry(
            &mut tx,
            &EntryRow {
                id: Uuid::now_v7(),
                case_id: id,
                kind: "state_change".into(),
                body: String::new(),
                state: Some(to.as_str().into()),
                due_on: None,
                done_at: None,
                author_id: None,
                visible_to_partner: true,
                at: *when,
                sweep_mark: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

fn review(text: &str, version: Option<i64>) -> ReviewForm {
    ReviewForm {
        what_happened: format!("{text}: paid at the old rate"),
        root_cause: "The rate table was not reloaded".into(),
        lessons: "Rates change at quarter end".into(),
        prevention: "Reload rates in the quarter-close checklist".into(),
        follow_ups: String::new(),
        version,
    }
}

fn list(quarter: &str, extra: &[(&str, &str)]) -> EscalationQuery {
    let mut query = EscalationQuery {
        quarter: quarter.into(),
        ..Default::default()
    };
    for (key, value) in extra {
        match *key {
            "unreviewed" => query.unreviewed = (*value).into(),
            "category" => query.category = (*value).into(),
            "breached" => query.breached = (*value).into(),
            other => panic!("no filter {other}"),
        }
    }
    query
}

async fn count(s: &Services, who: &Actor, query: &EscalationQuery) -> usize {
    match s.list_escalations(who, query).await.unwrap() {
        Escalations::Ours(page) => page.items.len(),
        Escalations::Partners(page) => page.items.len(),
    }
}

#[tokio::test]
async fn a_quarters_trends_worked_out_by_hand() {
    each_backend(|w| async move {
        let s = &w.services;
        use State::*;
        // A: P2, answered in 2 working hours, resolved in 16 (Wed 10:00 to Fri 10:00), closed.
        let a = plant(
            s,
            w.partner_a,
            &w.a_user,
            ("channel_conflict", "p2"),
            datetime!(2026-09-02 10:00 UTC),
            &[
                (datetime!(2026-09-02 12:00 UTC), Acknowledged),
                (datetime!(2026-09-02 12:00 UTC), InProgress),
                (datetime!(2026-09-04 10:00 UTC), Resolved),
                (datetime!(2026-09-04 12:00 UTC), Closed),
            ],
        )
        .await;
        // B: P1, answered after 3 hours (late), waited on the partner 8 working hours,
        // resolved after 28 working hours less those 8: 20 hours, 2.5 days.
        plant(
            s,
            w.partner_a,
            &w.a_user,
            ("commission_dispute", "p1"),
            datetime!(2026-09-07 09:00 UTC),
            &[
                (datetime!(2026-09-07 12:00 UTC), Acknowledged),
                (datetime!(2026-09-07 12:00 UTC), InProgress),
                (datetime!(2026-09-07 13:00 UTC), WaitingOnPartner),
                (datetime!(2026-09-08 13:00 UTC), InProgress),
                (datetime!(2026-09-10 13:00 UTC), Resolved),
            ],
        )
        .await;
        // C: P3 of another partner, never answered: both clocks breached long since.
        plant(
            s,
            w.partner_b,
            &w.admin,
            ("technical", "p3"),
            datetime!(2026-09-10 09:00 UTC),
            &[],
        )
        .await;
        // D: the last day of Q2, late in the evening.
        plant(
            s,
            w.partner_b,
            &w.admin,
            ("other", "p4"),
            datetime!(2026-06-30 23:30 UTC),
            &[],
        )
        .await;
        // A's review is written by an admin (A has no owner).
        s.write_escalation_review(&w.admin, a, &review("A", None))
            .await
            .unwrap();

        let query = TrendsQuery {
            quarter: "2026-Q3".into(),
        };
        let view = s.escalation_trends(&w.manager, &query).await.unwrap();
        let quarters: Vec<(&str, u64)> = view
            .quarters
            .iter()
            .map(|q| (q.quarter.as_str(), q.cases))
            .collect();
        assert_eq!(
            quarters,
            [
                ("2025-Q4", 0),
                ("2026-Q1", 0),
                ("2026-Q2", 1),
                ("2026-Q3", 3)
            ]
        );
        let q3 = view.quarters.last().unwrap();
        let categories: Vec<(&str, u64)> = q3
            .by_category
            .iter()
            .map(|c| (c.key.as_str(), c.cases))
            .collect();
        assert_eq!(
            categories,
            [
                ("channel_conflict", 1),
                ("commission_dispute", 1),
                ("mdf", 0),
                ("technical", 1),
                ("contractual", 0),
                ("other", 0)
            ]
        );
        let urgencies: Vec<u64> = q3.by_urgency.iter().map(|c| c.cases).collect();
        assert_eq!(urgencies, [1, 1, 1, 0]);
        // Responses of 2 and 3 hours: median 2.5, p90 at rank 0.9 = 2.9.
        assert_eq!(
            (
                q3.response_hours.cases,
                q3.response_hours.median,
                q3.response_hours.p90
            ),
            (2, Some(dec("2.5")), Some(dec("2.9")))
        );
        // Resolutions of 2 and 2.5 days: median 2.25 and p90 2.45, to even: 2.2 and 2.4.
        assert_eq!(
            (
                q3.resolution_days.cases,
                q3.resolution_days.median,
                q3.resolution_days.p90
            ),
            (2, Some(dec("2.2")), Some(dec("2.4")))
        );
        assert_eq!(
            (
                q3.response_breaches,
                q3.resolution_breaches,
                q3.breached_cases
            ),
            (2, 1, 2)
        );
        let repeat: Vec<(&str, u64)> = q3
            .repeat_partners
            .iter()
            .map(|p| (p.name.as_str(), p.cases))
            .collect();
        assert_eq!(repeat, [("Alpha", 2)]);
        assert_eq!(q3.reviews_missing, 1, "B is resolved without a review");

        // The list shows the cases behind each count.
        let admin = &w.admin;
        assert_eq!(count(s, admin, &list("2026-Q3", &[])).await, 3);
        assert_eq!(count(s, admin, &list("2026-Q2", &[])).await, 1);
        assert_eq!(
            count(s, admin, &list("2026-Q3", &[("unreviewed", "true")])).await,
            1
        );
        assert_eq!(
            count(s, admin, &list("2026-Q3", &[("category", "technical")])).await,
            1
        );
        assert_eq!(
            count(s, admin, &list("2026-Q3", &[("breached", "true")])).await,
            2
        );
        assert_eq!(count(s, &w.a_user, &list("2026-Q3", &[])).await, 2);
        let err = s
            .list_escalations(&w.a_user, &list("2026-Q3", &[("unreviewed", "true")]))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
        let err = s
            .list_escalations(admin, &list("Q5", &[]))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "quarter"),
            "{err:?}"
        );

        // The dashboard's metric: 2.2 days against 5, on target.
        let dashboard = s
            .dashboard(
                &w.executive,
                &DashboardQuery {
                    quarter: "2026-Q3".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let metric = dashboard
            .metrics
            .iter()
            .find(|m| m.key == "escalation_resolution")
            .unwrap();
        assert_eq!(
            (metric.actual, metric.target, metric.rag),
            (
                Some(dec("2.2")),
                Some(dec("5")),
                Some(domain::dashboard::Rag::Green)
            )
        );

        // The report: a row a quarter, the last one Q3's.
        let table = s.escalation_trends_table(&w.admin, &query).await.unwrap();
        assert_eq!(table.rows.len(), 4);
        assert_eq!(table.columns.len(), 20);

        // A partner's people read no trends; a quarter not begun is refused.
        let err = s.escalation_trends(&w.a_admin, &query).await.unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
        let err = s
            .escalation_trends(
                &w.admin,
                &TrendsQuery {
                    quarter: "2099-Q1".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "quarter"),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_owner_or_an_admin_reviews_a_resolved_case_for_our_eyes_only() {
    each_backend(|w| async move {
        let s = &w.services;
        let form = Form {
            issue: "Commission for Q3 missing".into(),
            category: "commission_dispute".into(),
            urgency: "p2".into(),
            occurred_on: "2026-11-30".into(),
        };
        let raised = s
            .submit_escalation(&w.a_user, w.partner_a, &form)
            .await
            .unwrap();
        let id = match raised {
            services::escalations::Escalation::Partners(d) => d.case.id,
            services::escalations::Escalation::Ours(_) => panic!("partner shape"),
        };
        let owner = Reassign {
            owner_id: w.manager.user_id,
            version: Some(1),
        };
        s.reassign_escalation(&w.admin, id, &owner).await.unwrap();
        // Not over yet: nothing to review.
        let err = s
            .write_escalation_review(&w.manager, id, &review("early", None))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        for (transition, version, message) in [
            ("acknowledge", 2, ""),
            ("start", 3, ""),
            ("resolve", 4, "Paid the difference"),
        ] {
            let step = Move {
                transition: transition.into(),
                version: Some(version),
                message: message.into(),
                ..Default::default()
            };
            s.move_escalation(&w.manager, id, &step).await.unwrap();
        }
        assert_eq!(
            s.escalation_review(&w.manager, id)
                .await
                .unwrap()
                .map(|r| r.version),
            None
        );

        // Every field but the follow-ups is needed, each named.
        let err = s
            .write_escalation_review(&w.manager, id, &ReviewForm::default())
            .await
            .unwrap_err();
        let fields: Vec<String> = match err {
            Error::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields,
            ["what_happened", "root_cause", "lessons", "prevention"]
        );

        // Another of our people who is not the owner may not write it.
        let seller = user(s, &w.admin, "seller@vendor.test", "sales", None).await;
        let err = s
            .write_escalation_review(&seller, id, &review("not mine", None))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");

        let written = s
            .write_escalation_review(&w.manager, id, &review("PLANTED-REVIEW", None))
            .await
            .unwrap();
        assert_eq!(written.version, 1);
        assert_eq!(written.author, "pm@vendor.test");
        // A second first review, or an edit of a stale version, is refused.
        for stale in [None, Some(7)] {
            let err = s
                .write_escalation_review(&w.admin, id, &review("again", stale))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Conflict(_)), "{stale:?}: {err:?}");
        }
        let edited = s
            .write_escalation_review(&w.admin, id, &review("edited", Some(1)))
            .await
            .unwrap();
        assert_eq!(
            (edited.version, edited.author.as_str()),
            (2, "admin@vendor.test")
        );
        let read = s
            .escalation_review(&w.executive, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.what_happened, "edited: paid at the old rate");

        // The partner's people never get it, even of their own case.
        for partner in [&w.a_user, &w.a_admin] {
            let err = s.escalation_review(partner, id).await.unwrap_err();
            assert!(matches!(err, Error::NotFound), "{err:?}");
            let err = s
                .write_escalation_review(partner, id, &review("theirs", Some(2)))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::NotFound), "{err:?}");
        }
        let seen = format!("{:?}", s.escalation(&w.a_user, id).await.unwrap());
        assert!(!seen.contains("paid at the old rate"), "{seen}");
    })
    .await;
}
