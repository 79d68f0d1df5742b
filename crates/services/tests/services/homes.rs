//! Our people's home counts their "My work" on both backends: open items, those past their
//! SLA and those due soon, each linking to `/my-work` (filtered by that state); a partner's home
//! has no such line.

use super::*;
use services::homes::{Amount, Figure, Home};
use time::macros::{date, datetime};
use uuid::Uuid;

/// A case of Alpha's raised by its user on Sunday 1 November 2026, given to `owner`.
async fn case_of(db: &TestDb, w: &World, issue: &str, urgency: &str, owner: Uuid) {
    let raised = datetime!(2026-11-01 12:00 UTC);
    let id = super::my_work_urgency::case(db, w, issue, urgency, raised).await;
    super::my_work::give_to(w, id, owner).await;
}

/// The `my_work_*` figures of a home, as (key, count, link).
fn my_work(home: Home) -> Vec<(String, usize, String)> {
    let Home::Internal(home) = home else {
        panic!("our people get the internal home");
    };
    home.waiting
        .into_iter()
        .filter(|f| f.key.starts_with("my_work"))
        .map(
            |Figure {
                 key, value, link, ..
             }| match value {
                Amount::Count { n, .. } => (key, n, link),
                Amount::Money { .. } => panic!("{key} is a count"),
            },
        )
        .collect()
}

fn counts(open: usize, breached: usize, due_soon: usize) -> Vec<(String, usize, String)> {
    vec![
        ("my_work_open".into(), open, "/my-work".into()),
        (
            "my_work_breached".into(),
            breached,
            "/my-work?sla=breached".into(),
        ),
        (
            "my_work_due_soon".into(),
            due_soon,
            "/my-work?sla=due_soon".into(),
        ),
    ]
}

#[tokio::test]
async fn our_home_counts_my_work_open_breached_and_due_soon() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let me = w.manager.user_id.unwrap();
        // Nothing is anyone's yet.
        assert_eq!(my_work(s.home(&w.manager).await.unwrap()), counts(0, 0, 0));

        // Two cases raised on Sunday 1 November 2026 and long breached (P1: 2 hours; P3: one
        // working day), given to the manager.
        case_of(&db, &w, "Portal down", "p1", me).await;
        case_of(&db, &w, "Sync fails", "p3", me).await;
        // Three action items of a meeting: due in 2020 (breached), in 2040 (on track) and
        // tomorrow, recorded 30 days ago (in the last 25 % of its time: due soon).
        let meeting = super::my_work::standup(&w).await;
        let tomorrow = store::now().date() + time::Duration::days(1);
        for (text, due_on) in [
            ("Send the kit", date!(2020 - 01 - 15)),
            ("Call Alpha", date!(2040 - 01 - 15)),
            ("Book the QBR", tomorrow),
        ] {
            super::my_work::action_item(&db, &w, meeting, text, me, due_on).await;
        }
        let mut tx = db.db.write().await.unwrap();
        let mut query = store::Sql::new("UPDATE meeting_actions SET recorded_at = ");
        query
            .push_bind(store::now() - time::Duration::days(30))
            .push(" WHERE body = ")
            .push_bind("Book the QBR");
        tx.execute(query).await.unwrap();
        tx.commit().await.unwrap();

        // 5 open: the 2 cases and the 2020 item breached, the QBR due soon, Alpha on track.
        assert_eq!(
            my_work(s.home(&w.manager).await.unwrap()),
            counts(5, 3, 1),
            "{backend:?}"
        );
        // Someone else's work is not theirs; a partner's home has no such line.
        assert_eq!(
            my_work(s.home(&w.executive).await.unwrap()),
            counts(0, 0, 0)
        );
        let partner = serde_json::to_string(&s.home(&w.a_user).await.unwrap()).unwrap();
        assert!(!partner.contains("my_work"), "{partner}");
    }
}

/// A P3 technical case of Alpha's raised by its user and moved by our manager through
/// `moves` (each with a message to the partner); its reference.
async fn worked_case(w: &World, issue: &str, moves: &[&str]) -> String {
    use services::escalations::{Escalation, Move};
    let form = domain::escalations::Form {
        issue: issue.into(),
        category: "technical".into(),
        urgency: "p3".into(),
        occurred_on: "2026-11-30".into(),
    };
    let s = &w.services;
    let Escalation::Partners(raised) = s
        .submit_escalation(&w.a_user, w.partner_a, &form)
        .await
        .unwrap()
    else {
        panic!("a partner's people get the partner shape");
    };
    for transition in moves {
        let step = Move {
            transition: (*transition).into(),
            message: format!("{transition} said to Alpha"),
            ..Default::default()
        };
        s.move_escalation(&w.manager, raised.case.id, &step)
            .await
            .unwrap();
    }
    raised.case.reference
}

#[tokio::test]
async fn a_partner_home_lists_the_cases_waiting_on_its_people() {
    for backend in BACKENDS {
        let (_db, w) = world(backend).await;
        let s = &w.services;
        let asked = worked_case(
            &w,
            "Portal down",
            &["acknowledge", "start", "wait_on_partner"],
        )
        .await;
        let resolved = worked_case(&w, "Sync fails", &["acknowledge", "start", "resolve"]).await;
        // Worked on by us, not waiting on the partner: not on its home.
        worked_case(&w, "Slow reports", &["acknowledge", "start"]).await;
        let Home::Partner(home) = s.home(&w.a_user).await.unwrap() else {
            panic!("a partner's people get the partner home");
        };
        let counts: Vec<(String, usize, String)> = home
            .escalations_by_state
            .iter()
            .map(|c| (c.status.clone(), c.count, c.link.clone()))
            .collect();
        assert_eq!(
            counts,
            vec![
                (
                    "waiting_on_partner".into(),
                    1,
                    "/escalations?state=waiting_on_partner".into()
                ),
                ("resolved".into(), 1, "/escalations?state=resolved".into()),
            ],
            "{backend:?}"
        );
        let cases: Vec<(String, String, String)> = home
            .escalations_waiting
            .iter()
            .map(|c| (c.reference.clone(), c.issue.clone(), c.to_do.clone()))
            .collect();
        assert_eq!(
            cases,
            vec![
                (asked, "Portal down".into(), "answer our question".into()),
                (
                    resolved,
                    "Sync fails".into(),
                    "confirm the resolution or reopen the case".into()
                ),
            ]
        );
        let json = serde_json::to_string(&home).unwrap();
        for absent in ["owner_id", "breached", "first_response\"", "internal"] {
            assert!(!json.contains(absent), "{absent} in {json}");
        }
    }
}
