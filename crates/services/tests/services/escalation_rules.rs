//! Who works a case and what its state allows: the partner's answer resumes a paused clock,
//! a closed case takes no update, only those who work a case move it; on both backends.

use super::*;
use domain::escalations::{ClockState, EntryKind, Form, State};
use services::escalations::{CaseDetail, EntryInput, Escalation, Move, PartnerCaseDetail};
use time::OffsetDateTime;
use time::macros::datetime;

fn ours(seen: Escalation) -> CaseDetail {
    match seen {
        Escalation::Ours(detail) => detail,
        Escalation::Partners(_) => panic!("our people get our shape"),
    }
}

fn theirs(seen: Escalation) -> PartnerCaseDetail {
    match seen {
        Escalation::Partners(detail) => detail,
        Escalation::Ours(_) => panic!("a partner's people get the partner shape"),
    }
}

fn step(transition: &str, message: &str) -> Move {
    Move {
        transition: transition.into(),
        message: message.into(),
        ..Default::default()
    }
}

fn words(body: &str) -> EntryInput {
    EntryInput { body: body.into() }
}

/// A P3 MDF case Alpha's user raised; its id.
async fn raised(w: &World) -> uuid::Uuid {
    let form = Form {
        issue: "MDF claim stuck".into(),
        category: "mdf".into(),
        urgency: "p3".into(),
        occurred_on: "2026-11-30".into(),
    };
    theirs(
        w.services
            .submit_escalation(&w.a_user, w.partner_a, &form)
            .await
            .unwrap(),
    )
    .case
    .id
}

/// Rewrites when the case was raised (`state` None) or entered `state` (its only entry of
/// that state), so the clocks run over a hand-worked week.
async fn happened(db: &TestDb, case: uuid::Uuid, state: Option<&str>, at: OffsetDateTime) {
    let mut tx = db.db.write().await.unwrap();
    let mut query = match state {
        None => store::Sql::new("UPDATE escalation_cases SET created_at = "),
        Some(_) => store::Sql::new("UPDATE escalation_entries SET at = "),
    };
    query.push_bind(at);
    match state {
        None => query.push(" WHERE id = ").push_bind(case),
        Some(state) => query
            .push(" WHERE kind = 'state_change' AND case_id = ")
            .push_bind(case)
            .push(" AND state = ")
            .push_bind(state),
    };
    tx.execute(query).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_partners_answer_resumes_the_clock_a_wait_paused() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let m = &w.manager;
        let id = raised(&w).await;
        s.move_escalation(m, id, &step("acknowledge", ""))
            .await
            .unwrap();
        s.move_escalation(m, id, &step("start", "")).await.unwrap();
        // Monday 2 November 2026 (business hours 09–17 UTC): raised 10:00, acknowledged
        // 11:00, worked from 11:30; resolution due after 40 working hours, Monday 9th 10:00.
        happened(&db, id, None, datetime!(2026-11-02 10:00 UTC)).await;
        happened(
            &db,
            id,
            Some("acknowledged"),
            datetime!(2026-11-02 11:00 UTC),
        )
        .await;
        happened(
            &db,
            id,
            Some("in_progress"),
            datetime!(2026-11-02 11:30 UTC),
        )
        .await;
        let before = ours(s.escalation(m, id).await.unwrap()).case;
        assert_eq!(
            before.resolution.due_at,
            Some(datetime!(2026-11-09 10:00 UTC))
        );

        // Pausing says what we wait for, on the form and the API alike.
        let err = s
            .move_escalation(m, id, &step("wait_on_partner", " "))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e.len() == 1 && e[0].field == "message"
                && e[0].message == "say what we need from the partner"),
            "{err:?}"
        );
        s.move_escalation(m, id, &step("wait_on_partner", "Send the claim form"))
            .await
            .unwrap();
        // Paused Tuesday 3rd 09:00, before the due time.
        happened(
            &db,
            id,
            Some("waiting_on_partner"),
            datetime!(2026-11-03 09:00 UTC),
        )
        .await;
        let paused = ours(s.escalation(m, id).await.unwrap());
        assert_eq!(paused.case.state, State::WaitingOnPartner);
        assert_eq!(paused.case.resolution.state, ClockState::Paused);
        assert_eq!(paused.case.resolution.due_at, None);

        // The partner's answer resumes the work: the log says so, the owner hears it.
        let answered = theirs(
            s.post_escalation_update(&w.a_user, id, &words("Claim form attached"))
                .await
                .unwrap(),
        );
        assert_eq!(answered.case.state, State::InProgress);
        let tail: Vec<(EntryKind, Option<State>, &str)> = answered
            .entries
            .iter()
            .rev()
            .take(2)
            .rev()
            .map(|e| (e.kind, e.state, e.body.as_str()))
            .collect();
        assert_eq!(
            tail,
            vec![
                (EntryKind::Update, None, "Claim form attached"),
                (
                    EntryKind::StateChange,
                    Some(State::InProgress),
                    "Partner answered: clock resumed"
                ),
            ]
        );
        let told = s.notifications(m, &Default::default()).await.unwrap().items;
        assert_eq!(
            told[0].message,
            "ESC-000001: Partner answered: clock resumed\n\nClaim form attached"
        );
        // Resumed Thursday 5th 09:00: the 16 working hours of the wait move the due time
        // to Wednesday 11th 10:00.
        let entries = ours(s.escalation(m, id).await.unwrap()).entries;
        let resumed_entry = entries.last().unwrap().id;
        let mut tx = db.db.write().await.unwrap();
        let mut query = store::Sql::new("UPDATE escalation_entries SET at = ");
        query
            .push_bind(datetime!(2026-11-05 09:00 UTC))
            .push(" WHERE id = ")
            .push_bind(resumed_entry);
        tx.execute(query).await.unwrap();
        tx.commit().await.unwrap();
        let resumed = ours(s.escalation(m, id).await.unwrap()).case;
        assert_eq!(
            resumed.resolution.due_at,
            Some(datetime!(2026-11-11 10:00 UTC))
        );
        // A second answer is an update only: the case already runs.
        let again = theirs(
            s.post_escalation_update(&w.a_user, id, &words("And the receipt"))
                .await
                .unwrap(),
        );
        assert_eq!(again.case.state, State::InProgress);
        assert_eq!(again.entries.last().unwrap().kind, EntryKind::Update);
        drop(db);
    }
}

#[tokio::test]
async fn a_move_the_state_does_not_allow_is_refused_before_what_it_would_need() {
    each_backend(|w| async move {
        let s = &w.services;
        let m = &w.manager;
        let id = raised(&w).await;
        s.move_escalation(m, id, &step("acknowledge", ""))
            .await
            .unwrap();
        let action = services::escalations::ActionInput {
            body: "Resubmit the claim".into(),
            due_on: String::new(),
        };
        s.add_escalation_action(m, id, &action).await.unwrap();
        // Acknowledged, with an open action: resolving is not a move from here at all.
        let err = s
            .move_escalation(m, id, &step("resolve", "Paid"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(msg) if msg == "a case that is acknowledged cannot be moved by 'Resolve' (only from: in progress)"),
            "{err:?}"
        );
        // The partner's move is refused as the partner's, whatever it lacks.
        let err = s
            .move_escalation(m, id, &step("reopen", ""))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(msg) if msg == "only the partner may reopen a case"),
            "{err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn only_the_owner_those_reached_and_admins_work_a_case() {
    each_backend(|w| async move {
        let s = &w.services;
        let finance = user(s, &w.admin, "fin@vendor.test", "finance", None).await;
        let id = raised(&w).await;
        let give = services::escalations::Reassign {
            owner_id: w.manager.user_id,
            version: None,
        };
        s.reassign_escalation(&w.admin, id, &give).await.unwrap();
        let refused = "ESC-000001 is worked by its owner, those its escalation reached and \
                       admins: you may add internal notes";
        let action = services::escalations::ActionInput {
            body: "Resubmit the claim".into(),
            due_on: String::new(),
        };
        let attempts = [
            s.move_escalation(&finance, id, &step("acknowledge", "On it"))
                .await,
            s.post_escalation_update(&finance, id, &words("On it"))
                .await,
            s.add_escalation_action(&finance, id, &action).await,
        ];
        for attempt in attempts {
            assert!(
                matches!(&attempt, Err(Error::Forbidden(m)) if m == refused),
                "{attempt:?}"
            );
        }
        // Finance reads the case and writes internal notes, and is told it does no more.
        let noted = ours(
            s.post_escalation_note(&finance, id, &words("Claim seen in the ledger"))
                .await
                .unwrap(),
        );
        assert!(!noted.works);
        assert_eq!(noted.case.state, State::Open, "nothing else was written");
        assert_eq!(noted.entries.len(), 1);
        // The owner and an admin work it.
        assert!(ours(s.escalation(&w.manager, id).await.unwrap()).works);
        s.move_escalation(&w.admin, id, &step("acknowledge", ""))
            .await
            .unwrap();
        // Once the escalation ladder reached finance on this case, finance works it too.
        let mut tx = s.db.write().await.unwrap();
        let step_entry = uuid::Uuid::now_v7();
        store::escalations::insert_entry(
            &mut tx,
            &store::escalations::EntryRow {
                id: step_entry,
                case_id: id,
                kind: "escalated".into(),
                body: "Step 2".into(),
                state: None,
                due_on: None,
                done_at: None,
                author_id: None,
                visible_to_partner: false,
                sweep_mark: Some("step:2".into()),
                at: store::now(),
            },
        )
        .await
        .unwrap();
        store::escalations::insert_reached(&mut tx, step_entry, &[finance.user_id.unwrap()])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let started = ours(
            s.move_escalation(&finance, id, &step("start", ""))
                .await
                .unwrap(),
        );
        assert!(started.works);
        assert_eq!(started.case.state, State::InProgress);
    })
    .await;
}

#[tokio::test]
async fn a_closed_case_takes_no_update_from_either_side() {
    each_backend(|w| async move {
        let s = &w.services;
        let m = &w.manager;
        let id = raised(&w).await;
        for (transition, message) in [("acknowledge", ""), ("start", ""), ("resolve", "Paid")] {
            s.move_escalation(m, id, &step(transition, message))
                .await
                .unwrap();
        }
        s.move_escalation(&w.a_user, id, &step("confirm_closure", ""))
            .await
            .unwrap();
        let before = ours(s.escalation(m, id).await.unwrap()).entries.len();
        for who in [&w.a_user, m] {
            let err = s
                .post_escalation_update(who, id, &words("Anything new?"))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::Conflict(msg) if msg == "ESC-000001 is closed"),
                "{err:?}"
            );
        }
        let after = ours(s.escalation(m, id).await.unwrap()).entries.len();
        assert_eq!(after, before, "nothing was written");
    })
    .await;
}

/// The log lists a cause before the state change it made, though both share one instant.
#[tokio::test]
async fn the_update_that_acknowledges_a_case_precedes_its_state_change() {
    each_backend(|w| async move {
        let s = &w.services;
        let id = raised(&w).await;
        let seen = ours(
            s.post_escalation_update(&w.manager, id, &words("We are on it"))
                .await
                .unwrap(),
        );
        let log: Vec<(EntryKind, Option<State>)> =
            seen.entries.iter().map(|e| (e.kind, e.state)).collect();
        assert_eq!(
            log,
            vec![
                (EntryKind::Update, None),
                (EntryKind::StateChange, Some(State::Acknowledged)),
            ]
        );
        assert_eq!(seen.entries[0].at, seen.entries[1].at);
    })
    .await;
}
