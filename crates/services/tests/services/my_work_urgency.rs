//! "My work" tells the truth about urgency, on both backends: the cases the escalation ladder
//! brings to a person are on their list until resolved, and the list runs breached first,
//! by due instant within a state (an escalation's urgency only breaking ties), in keyset
//! pages of any size.

use super::my_work::{action_item, give_to, lines, raise, standup};
use super::*;
use domain::escalations::ClockState;
use services::escalations::{Move, TitleHolderInput};
use services::work::MyWorkQuery;
use time::macros::{date, datetime};
use uuid::Uuid;

fn scope(scope: &str) -> MyWorkQuery {
    MyWorkQuery {
        scope: scope.into(),
        ..Default::default()
    }
}

/// A technical case of Alpha's raised by its user, recorded as raised at `at`.
pub(super) async fn case(
    db: &TestDb,
    w: &World,
    issue: &str,
    urgency: &str,
    at: time::OffsetDateTime,
) -> Uuid {
    let id = raise(w, issue, "technical", urgency).await;
    let mut tx = db.db.write().await.unwrap();
    let mut query = store::Sql::new("UPDATE escalation_cases SET created_at = ");
    query.push_bind(at).push(" WHERE id = ").push_bind(id);
    tx.execute(query).await.unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_case_escalated_to_a_title_holder_is_on_their_work_until_resolved() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        for (title, who) in [("alliances_lead", &w.manager), ("cpo", &w.executive)] {
            let holder = TitleHolderInput {
                title: title.into(),
                user_id: who.user_id,
                version: None,
            };
            s.name_title_holder(&w.admin, &holder).await.unwrap();
        }
        // P3, raised Wednesday 2 December 10:00: the response is breached on Monday the 7th
        // at 10:00 (step 1, the partner manager: unfilled, so the administrators) and a week
        // later comes step 2 (the alliances lead and, for a technical case, the CPO).
        let id = case(
            &db,
            &w,
            "Integration sync is failing",
            "p3",
            datetime!(2026-12-02 10:00 UTC),
        )
        .await;
        s.sweep_escalations(datetime!(2026-12-07 10:00:01 UTC))
            .await
            .unwrap();
        assert!(lines(s, &w.executive, &scope("escalated")).await.is_empty());
        let admins = lines(s, &w.admin, &scope("escalated")).await;
        assert_eq!(admins.len(), 1);
        // What the step reached is kept with it, not read from the notice: the admin's notice
        // read, then deleted, the case stays on their list.
        for change in [
            "UPDATE notifications SET read_at = created_at",
            "DELETE FROM notifications",
        ] {
            let mut tx = db.db.write().await.unwrap();
            tx.execute(store::Sql::new(change)).await.unwrap();
            tx.commit().await.unwrap();
            let admins = lines(s, &w.admin, &scope("escalated")).await;
            assert_eq!(admins.len(), 1, "{backend:?}: {change}");
        }
        s.sweep_escalations(datetime!(2026-12-14 10:00:01 UTC))
            .await
            .unwrap();

        let link = format!("/escalations/{id}");
        for who in [&w.manager, &w.executive, &w.admin] {
            let seen = lines(s, who, &MyWorkQuery::default()).await;
            let shown: Vec<(&str, &str, &str, &str, bool)> = seen
                .iter()
                .map(|e| {
                    (
                        e.title.as_str(),
                        e.queue.as_str(),
                        e.queue_label.as_str(),
                        e.link.as_str(),
                        e.assigned_to_me,
                    )
                })
                .collect();
            assert_eq!(
                shown,
                [(
                    "ESC-000001: Integration sync is failing",
                    "escalated",
                    "Escalated to you",
                    link.as_str(),
                    false
                )],
                "{backend:?}"
            );
            assert_eq!(seen[0].kind_label, "Escalation case");
            assert_eq!(seen[0].partner_name, "Alpha");
            assert_eq!(seen[0].urgency, Some(domain::escalations::Urgency::P3));
            let kind = MyWorkQuery {
                kind: "escalation".into(),
                ..Default::default()
            };
            assert_eq!(lines(s, who, &kind).await.len(), 1);
            // Nobody's team queue, nor what they own.
            assert!(lines(s, who, &scope("teams")).await.is_empty());
            assert!(lines(s, who, &scope("mine")).await.is_empty());
        }
        // Alpha's own people are never on an internal list; their user is refused it.
        assert!(s.my_work(&w.a_user, &MyWorkQuery::default()).await.is_err());

        // Resolved, it leaves the lists of those it climbed to.
        for (v, transition) in [(1, "acknowledge"), (2, "start"), (3, "resolve")] {
            let moved = Move {
                transition: transition.into(),
                version: Some(v),
                message: "Fixed the sync".into(),
                ..Default::default()
            };
            s.move_escalation(&w.admin, id, &moved).await.unwrap();
        }
        for who in [&w.manager, &w.executive, &w.admin] {
            assert!(
                lines(s, who, &scope("escalated")).await.is_empty(),
                "{backend:?}"
            );
        }
        // Reopened by the partner it is back on their lists; resolved again and closed on
        // the partner's confirmation, it leaves them for good.
        let step = |transition: &str, v: i64| Move {
            transition: transition.into(),
            version: Some(v),
            message: "Still failing".into(),
            ..Default::default()
        };
        s.move_escalation(&w.a_user, id, &step("reopen", 4))
            .await
            .unwrap();
        assert_eq!(lines(s, &w.executive, &scope("escalated")).await.len(), 1);
        for (who, transition, v) in [
            (&w.admin, "start", 5),
            (&w.admin, "resolve", 6),
            (&w.a_user, "confirm_closure", 7),
        ] {
            s.move_escalation(who, id, &step(transition, v))
                .await
                .unwrap();
        }
        for who in [&w.manager, &w.executive, &w.admin] {
            assert!(
                lines(s, who, &scope("escalated")).await.is_empty(),
                "{backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn most_urgent_first_is_breached_then_the_earliest_due_in_pages_of_one() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let me = w.manager.user_id.unwrap();
        // Two cases raised on Sunday 1 November 2026, long breached, given to the manager:
        // the P1's response (2 calendar hours) fell due that Sunday at 14:00, the P3's (24
        // working hours of 09–17 weekdays) on Wednesday 4 November at 17:00.
        let raised = datetime!(2026-11-01 12:00 UTC);
        let p3 = case(&db, &w, "Sync fails", "p3", raised).await;
        let p1 = case(&db, &w, "Portal down", "p1", raised).await;
        for id in [p3, p1] {
            give_to(&w, id, me).await;
        }
        // Two action items: one breached years before either case, one due in 2040.
        let meeting = standup(&w).await;
        for (text, due_on) in [
            ("Call Alpha", date!(2040 - 01 - 15)),
            ("Send the kit", date!(2020 - 01 - 15)),
        ] {
            action_item(&db, &w, meeting, text, me, due_on).await;
        }

        // Within breached, the earliest due first: the action of 2020, the P1 of Sunday, the
        // P3 of Monday; the urgency orders only lines due at the same instant.
        let expected = [
            (
                "Weekly partner standup, week of 30 Nov 2026: Send the kit",
                ClockState::Breached,
                Some(datetime!(2020-01-16 00:00 UTC)),
            ),
            (
                "ESC-000002: Portal down",
                ClockState::Breached,
                Some(datetime!(2026-11-01 14:00 UTC)),
            ),
            (
                "ESC-000001: Sync fails",
                ClockState::Breached,
                // P3: a response of 24 hours is one working day, from Monday 09:00.
                Some(datetime!(2026-11-02 17:00 UTC)),
            ),
            (
                "Weekly partner standup, week of 30 Nov 2026: Call Alpha",
                ClockState::OnTrack,
                Some(datetime!(2040-01-16 00:00 UTC)),
            ),
        ];
        let all = lines(s, &w.manager, &MyWorkQuery::default()).await;
        let shown: Vec<_> = all
            .iter()
            .map(|e| (e.title.as_str(), e.sla, e.due_at))
            .collect();
        assert_eq!(shown, expected, "{backend:?}");

        // A page of one at a time walks the same order, each line once.
        let mut paged = Vec::new();
        let mut cursor = String::new();
        loop {
            let query = MyWorkQuery {
                cursor: cursor.clone(),
                limit: Some(1),
                ..Default::default()
            };
            let page = s.my_work(&w.manager, &query).await.unwrap();
            paged.extend(page.items.into_iter().map(|e| e.title));
            match page.next_cursor {
                Some(next) => cursor = next,
                None => break,
            }
        }
        let titles: Vec<&str> = expected.iter().map(|e| e.0).collect();
        assert_eq!(paged, titles, "{backend:?}");
    }
}

#[tokio::test]
async fn a_resolved_case_awaiting_the_partners_word_is_not_its_owners_work() {
    for backend in BACKENDS {
        let (_db, w) = world(backend).await;
        let s = &w.services;
        let me = w.manager.user_id.unwrap();
        let id = raise(&w, "Sync fails", "technical", "p3").await;
        give_to(&w, id, me).await;
        let step = |transition: &str| Move {
            transition: transition.into(),
            version: None,
            message: "Fixed the sync".into(),
            ..Default::default()
        };
        for transition in ["acknowledge", "start"] {
            s.move_escalation(&w.manager, id, &step(transition))
                .await
                .unwrap();
        }
        let mine: Vec<String> = lines(s, &w.manager, &scope("mine"))
            .await
            .into_iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(mine, ["ESC-000001: Sync fails"], "{backend:?}");
        // Resolved, it waits on Alpha's confirmation: off the owner's list.
        s.move_escalation(&w.manager, id, &step("resolve"))
            .await
            .unwrap();
        assert!(
            lines(s, &w.manager, &scope("mine")).await.is_empty(),
            "{backend:?}"
        );
        // Reopened by the partner, it is the owner's work again.
        s.move_escalation(&w.a_user, id, &step("reopen"))
            .await
            .unwrap();
        assert_eq!(lines(s, &w.manager, &scope("mine")).await.len(), 1);
    }
}
