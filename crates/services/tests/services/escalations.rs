//! Escalation cases through the services, on both backends.

use super::*;
use domain::escalations::{ClockState, EntryKind, Form, State, Transition};
use services::escalations::{
    CaseDetail, EntryInput, Escalation, EscalationQuery, Escalations, Move, PartnerCaseDetail,
    Reassign,
};
use time::macros::datetime;

fn form(issue: &str, category: &str, urgency: &str) -> Form {
    Form {
        issue: issue.into(),
        category: category.into(),
        urgency: urgency.into(),
        occurred_on: "2026-11-30".into(),
    }
}

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

/// A P3 case of `partner`'s raised by `by`, one of its people; its id.
async fn raised_by(
    s: &Services,
    by: &Actor,
    partner: uuid::Uuid,
    issue: &str,
    category: &str,
) -> uuid::Uuid {
    let form = form(issue, category, "p3");
    theirs(s.submit_escalation(by, partner, &form).await.unwrap())
        .case
        .id
}

fn step(transition: &str, version: Option<i64>, message: &str) -> Move {
    Move {
        transition: transition.into(),
        version,
        message: message.into(),
        ..Default::default()
    }
}

async fn notified(s: &Services, who: &Actor) -> Vec<(String, String)> {
    s.notifications(who, &Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == "escalation")
        .map(|n| (n.message, n.link))
        .collect()
}

#[tokio::test]
async fn a_partner_case_is_worked_to_a_closure_the_partner_confirms() {
    each_backend(|w| async move {
        let s = &w.services;
        let raised = theirs(
            s.submit_escalation(
                &w.a_user,
                w.partner_a,
                &form("Q3 commission missing", "commission_dispute", "p2"),
            )
            .await
            .unwrap(),
        );
        let id = raised.case.id;
        assert_eq!(raised.case.reference, "ESC-000001");
        assert_eq!(raised.case.state, State::Open);
        assert_eq!(raised.case.moves, vec![]);
        let link = format!("/escalations/{id}");
        assert_eq!(
            notified(s, &w.manager).await,
            vec![(
                "ESC-000001 raised for Alpha: P2 Commission dispute".to_string(),
                link.clone()
            )]
        );

        let seen = ours(s.escalation(&w.manager, id).await.unwrap());
        assert_eq!(seen.case.owner_id, None, "Alpha has no manager yet");
        let err = s
            .reassign_escalation(
                &w.a_admin,
                id,
                &Reassign {
                    owner_id: w.manager.user_id,
                    version: Some(1),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
        let err = s
            .reassign_escalation(
                &w.admin,
                id,
                &Reassign {
                    owner_id: w.a_user.user_id,
                    version: Some(1),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "owner_id"),
            "{err:?}"
        );
        let seen = ours(
            s.reassign_escalation(
                &w.admin,
                id,
                &Reassign {
                    owner_id: w.manager.user_id,
                    version: Some(1),
                },
            )
            .await
            .unwrap(),
        );
        assert_eq!(seen.case.owner_name, "pm@vendor.test");
        assert_eq!(seen.case.submitted_by, "user@alpha.test");
        assert_eq!(seen.case.moves, vec![Transition::Acknowledge]);
        assert_eq!(seen.case.version, 2);

        let m = &w.manager;
        s.move_escalation(m, id, &step("acknowledge", Some(2), ""))
            .await
            .unwrap();
        s.move_escalation(m, id, &step("start", Some(3), ""))
            .await
            .unwrap();
        let waiting = ours(
            s.move_escalation(m, id, &step("wait_on_partner", Some(4), "Send the invoice"))
                .await
                .unwrap(),
        );
        assert_eq!(waiting.case.state, State::WaitingOnPartner);
        assert_eq!(waiting.case.resolution.state, ClockState::Paused);
        assert_eq!(waiting.case.resolution.due_at, None);
        assert_eq!(waiting.case.first_response.state, ClockState::Met);
        s.post_escalation_update(
            &w.a_user,
            id,
            &EntryInput {
                body: "Invoice INV-7 attached".into(),
            },
        )
        .await
        .unwrap();
        // The partner's answer resumed the work (version 6).
        let err = s
            .move_escalation(m, id, &step("resolve", Some(6), " "))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "message"
                && e[0].message == "say what was done, or what is still wrong"),
            "{err:?}"
        );
        s.move_escalation(m, id, &step("resolve", Some(6), "Paid in the December run"))
            .await
            .unwrap();

        // Only the partner closes: our people are refused, the partner confirms.
        let err = s
            .move_escalation(m, id, &step("confirm_closure", None, ""))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(m) if m == "only the partner may confirm the resolution and close a case"),
            "{err:?}"
        );
        let closed = theirs(
            s.move_escalation(&w.a_user, id, &step("confirm_closure", Some(7), ""))
                .await
                .unwrap(),
        );
        assert_eq!(closed.case.state, State::Closed);
        assert_eq!(closed.case.version, 8);
        let states: Vec<Option<State>> = closed
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::StateChange)
            .map(|e| e.state)
            .collect();
        assert_eq!(
            states,
            [
                State::Acknowledged,
                State::InProgress,
                State::WaitingOnPartner,
                State::InProgress,
                State::Resolved,
                State::Closed
            ]
            .map(Some)
        );
        // The submitter and the partner's admin heard of the wait and the resolution, with
        // our words; the owner of the update, with the partner's, and of the closure.
        for partner_side in [&w.a_user, &w.a_admin] {
            assert_eq!(
                notified(s, partner_side).await,
                vec![
                    (
                        "ESC-000001: Resolved, awaiting the partner's confirmation\n\n\
                         Paid in the December run"
                            .to_string(),
                        link.clone()
                    ),
                    (
                        "ESC-000001: Waiting on partner\n\nSend the invoice".to_string(),
                        link.clone()
                    ),
                ]
            );
        }
        assert_eq!(
            notified(s, &w.manager).await,
            vec![
                ("ESC-000001: Closed".to_string(), link.clone()),
                (
                    "ESC-000001: Partner answered: clock resumed\n\nInvoice INV-7 attached"
                        .to_string(),
                    link.clone()
                ),
                ("ESC-000001 is now yours".to_string(), link.clone()),
                (
                    "ESC-000001 raised for Alpha: P2 Commission dispute".to_string(),
                    link.clone()
                ),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_stale_or_racing_move_is_a_conflict() {
    each_backend(|w| async move {
        let s = &w.services;
        let id = ours(
            s.submit_escalation(&w.manager, w.partner_a, &form("Site down", "technical", "p1"))
                .await
                .unwrap(),
        )
        .case
        .id;
        let acknowledge = step("acknowledge", None, "");
        let (first, second) = tokio::join!(
            s.move_escalation(&w.manager, id, &acknowledge),
            s.move_escalation(&w.admin, id, &acknowledge),
        );
        let outcomes = [first.is_ok(), second.is_ok()];
        assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");
        let loser = if first.is_ok() { second } else { first };
        assert!(
            matches!(&loser, Err(Error::Conflict(m)) if m == "a case that is acknowledged cannot be moved by 'Acknowledge' (only from: open)"
                || m == "this escalation case was changed by someone else meanwhile; reload it and try again"),
            "{loser:?}"
        );
        // A form read at version 1 is refused once the case moved on.
        let err = s
            .move_escalation(&w.admin, id, &step("start", Some(1), ""))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(m) if m == "ESC-000001 was changed by someone else meanwhile: reload it and try again"),
            "{err:?}"
        );
        let detail = ours(s.escalation(&w.admin, id).await.unwrap());
        let moves = detail
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::StateChange)
            .count();
        assert_eq!(moves, 1, "the loser wrote nothing");
    })
    .await;
}

#[tokio::test]
async fn waiting_on_the_partner_moves_the_resolution_due_time() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let mut ids = Vec::new();
        for issue in ["paused", "never paused"] {
            ids.push(
                ours(
                    s.submit_escalation(&w.manager, w.partner_a, &form(issue, "mdf", "p3"))
                        .await
                        .unwrap(),
                )
                .case
                .id,
            );
        }
        // Recorded history, Monday 2 November 2026 on (business hours 09–17 UTC): raised
        // 10:00; resolution due after 40 working hours, Monday 9th 10:00. The first case
        // waited on the partner Tuesday 3rd 09:00 to Thursday 5th 09:00 (16 working hours):
        // due Wednesday 11th 10:00 instead. Both resolved Friday 6th 12:00.
        let mut tx = db.db.write().await.unwrap();
        for (n, id) in ids.iter().enumerate() {
            let mut query =
                store::Sql::new("UPDATE escalation_cases SET state = 'resolved', created_at = ");
            query
                .push_bind(datetime!(2026-11-02 10:00 UTC))
                .push(" WHERE id = ")
                .push_bind(*id);
            tx.execute(query).await.unwrap();
            let mut history = vec![
                (datetime!(2026-11-02 11:00 UTC), "acknowledged"),
                (datetime!(2026-11-02 11:30 UTC), "in_progress"),
            ];
            if n == 0 {
                history.push((datetime!(2026-11-03 09:00 UTC), "waiting_on_partner"));
                history.push((datetime!(2026-11-05 09:00 UTC), "in_progress"));
            }
            history.push((datetime!(2026-11-06 12:00 UTC), "resolved"));
            for (at, state) in history {
                store::escalations::insert_entry(
                    &mut tx,
                    &store::escalations::EntryRow {
                        id: uuid::Uuid::now_v7(),
                        case_id: *id,
                        kind: "state_change".into(),
                        body: String::new(),
                        state: Some(state.into()),
                        due_on: None,
                        done_at: None,
                        author_id: w.manager.user_id,
                        visible_to_partner: true,
                        sweep_mark: None,
                        at,
                    },
                )
                .await
                .unwrap();
            }
        }
        tx.commit().await.unwrap();
        let paused = ours(s.escalation(&w.manager, ids[0]).await.unwrap()).case;
        assert_eq!(paused.resolution.state, ClockState::Met);
        assert_eq!(
            paused.resolution.due_at,
            Some(datetime!(2026-11-11 10:00 UTC))
        );
        let straight = ours(s.escalation(&w.manager, ids[1]).await.unwrap()).case;
        assert_eq!(straight.resolution.state, ClockState::Met);
        assert_eq!(
            straight.resolution.due_at,
            Some(datetime!(2026-11-09 10:00 UTC))
        );
        // P3 answers in 24 hours, one working day: Mon 7 + Tue 09–10.
        assert_eq!(
            straight.first_response.due_at,
            Some(datetime!(2026-11-03 10:00 UTC))
        );
        assert!(!straight.breached);
        // The partner reads the same targets (not the clocks' states), on the case and in
        // its list, and who owns the case.
        s.reassign_escalation(
            &w.admin,
            ids[0],
            &Reassign {
                owner_id: w.manager.user_id,
                version: None,
            },
        )
        .await
        .unwrap();
        let seen = theirs(s.escalation(&w.a_user, ids[0]).await.unwrap()).case;
        let listed = match s
            .list_escalations(&w.a_user, &Default::default())
            .await
            .unwrap()
        {
            Escalations::Partners(page) => page.items,
            Escalations::Ours(_) => panic!("the partner's shape"),
        };
        let paused_listed = listed.iter().find(|c| c.id == ids[0]).unwrap();
        for case in [&seen, paused_listed] {
            assert_eq!(
                (
                    case.owner_name.as_str(),
                    case.first_response_due_at,
                    case.resolution_due_at
                ),
                (
                    "pm@vendor.test",
                    Some(datetime!(2026-11-03 10:00 UTC)),
                    Some(datetime!(2026-11-11 10:00 UTC))
                )
            );
        }
        drop(db);
    }
}

#[tokio::test]
async fn a_partner_never_reads_an_internal_note_nor_another_partners_case() {
    each_backend(|w| async move {
        let s = &w.services;
        let id = raised_by(
            s,
            &w.a_admin,
            w.partner_a,
            "Lead stolen",
            "channel_conflict",
        )
        .await;
        s.post_escalation_note(
            &w.manager,
            id,
            &EntryInput {
                body: "Their AE is on a performance plan".into(),
            },
        )
        .await
        .unwrap();
        s.post_escalation_update(
            &w.manager,
            id,
            &EntryInput {
                body: "We are looking into it".into(),
            },
        )
        .await
        .unwrap();
        let detail = theirs(s.escalation(&w.a_user, id).await.unwrap());
        let entries: Vec<(EntryKind, &str)> = detail
            .entries
            .iter()
            .map(|e| (e.kind, e.body.as_str()))
            .collect();
        // Our update acknowledged the case: the partner reads both, never the note.
        assert_eq!(
            entries,
            [
                (EntryKind::Update, "We are looking into it"),
                (EntryKind::StateChange, "")
            ]
        );
        let json = serde_json::to_string(&s.escalation(&w.a_user, id).await.unwrap()).unwrap();
        assert!(!json.contains("performance plan"), "{json}");
        for internal in [
            "\"owner_id\"",
            "\"breached\"",
            "\"escalation\"",
            "\"first_response\"",
            "\"resolution\"",
            "\"visible_to_partner\"",
            "\"submitted_by\"",
        ] {
            assert!(!json.contains(internal), "{internal} in {json}");
        }
        let err = s
            .post_escalation_note(&w.a_user, id, &EntryInput { body: "x".into() })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");

        let b_user = user(
            s,
            &w.admin,
            "user@bravo.test",
            "partner_user",
            Some(w.partner_b),
        )
        .await;
        assert!(matches!(
            s.escalation(&b_user, id).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.move_escalation(&b_user, id, &step("reopen", None, "x"))
                .await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.submit_escalation(&b_user, w.partner_a, &form("x", "other", "p4"))
                .await,
            Err(Error::NotFound)
        ));
        match s
            .list_escalations(&b_user, &EscalationQuery::default())
            .await
            .unwrap()
        {
            Escalations::Partners(page) => assert!(page.items.is_empty()),
            Escalations::Ours(_) => panic!("partner shape"),
        }
        match s
            .list_escalations(&w.a_user, &EscalationQuery::default())
            .await
            .unwrap()
        {
            Escalations::Partners(page) => {
                assert_eq!(page.items.len(), 1);
                assert_eq!(page.items[0].reference, "ESC-000001");
            }
            Escalations::Ours(_) => panic!("partner shape"),
        }
    })
    .await;
}

#[tokio::test]
async fn lists_filter_and_bad_input_names_its_field() {
    each_backend(|w| async move {
        let s = &w.services;
        for (issue, category, urgency) in [
            ("a", "mdf", "p1"),
            ("b", "technical", "p2"),
            ("c", "technical", "p4"),
        ] {
            s.submit_escalation(&w.manager, w.partner_a, &form(issue, category, urgency))
                .await
                .unwrap();
        }
        s.submit_escalation(&w.manager, w.partner_b, &form("d", "technical", "p2"))
            .await
            .unwrap();
        let executive = &w.executive;
        let list = |query: EscalationQuery| async move {
            match s.list_escalations(executive, &query).await.unwrap() {
                Escalations::Ours(page) => page.items.into_iter().map(|c| c.issue).collect::<Vec<_>>(),
                Escalations::Partners(_) => panic!("our shape"),
            }
        };
        assert_eq!(list(EscalationQuery::default()).await, ["d", "c", "b", "a"]);
        assert_eq!(
            list(EscalationQuery {
                category: "technical".into(),
                urgency: "p2,p4".into(),
                partner_id: w.partner_a.to_string(),
                ..Default::default()
            })
            .await,
            ["c", "b"]
        );
        assert_eq!(
            list(EscalationQuery {
                limit: Some(2),
                ..Default::default()
            })
            .await,
            ["d", "c"]
        );
        let err = s
            .list_escalations(
                &w.manager,
                &EscalationQuery {
                    state: "stuck".into(),
                    breached: "maybe".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        let Error::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                (
                    "state",
                    "'stuck' is not one of: open, acknowledged, in_progress, waiting_on_partner, resolved, closed, reopened"
                ),
                ("breached", "'maybe' is not one of: true, false"),
            ]
        );
        let err = s
            .submit_escalation(&w.a_user, w.partner_a, &Form::default())
            .await
            .unwrap_err();
        let Error::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["issue", "category", "urgency", "occurred_on"]);
        let err = s
            .submit_escalation(&w.executive, w.partner_a, &form("x", "mdf", "p4"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    })
    .await;
}

/// The partner hears from us first by an update or by an acknowledgement: either stops the
/// response clock. The partner's own words and our internal notes do not.
#[tokio::test]
async fn our_first_update_is_the_first_response() {
    each_backend(|w| async move {
        let s = &w.services;
        let raised = theirs(
            s.submit_escalation(
                &w.a_user,
                w.partner_a,
                &form("Portal login fails", "technical", "p2"),
            )
            .await
            .unwrap(),
        );
        let id = raised.case.id;
        let words = |body: &str| EntryInput { body: body.into() };
        let seen = theirs(
            s.post_escalation_update(&w.a_user, id, &words("Still failing"))
                .await
                .unwrap(),
        );
        assert_eq!(
            seen.case.state,
            State::Open,
            "the partner's word answers nothing"
        );
        let seen = ours(
            s.post_escalation_note(&w.manager, id, &words("SSO certificate expired?"))
                .await
                .unwrap(),
        );
        assert_eq!(seen.case.state, State::Open, "a note is not a response");
        assert_ne!(seen.case.first_response.state, ClockState::Met);

        let seen = ours(
            s.post_escalation_update(&w.manager, id, &words("Looking into it now"))
                .await
                .unwrap(),
        );
        assert_eq!(seen.case.state, State::Acknowledged);
        assert_eq!(seen.case.version, 2);
        assert_eq!(seen.case.first_response.state, ClockState::Met);
        let seen = ours(
            s.post_escalation_update(&w.manager, id, &words("Certificate renewed"))
                .await
                .unwrap(),
        );
        assert_eq!(seen.case.state, State::Acknowledged, "acknowledged once");
        assert_eq!(seen.case.version, 2);
    })
    .await;
}

/// The partner's submitter and admins hear of every word we write to them, with the words
/// (in the notification and its mail); an internal note reaches nobody, and a move without
/// words that asks nothing of the partner tells it nothing.
#[tokio::test]
async fn the_partner_hears_our_words_and_never_our_notes() {
    each_backend(|w| async move {
        let s = &w.services;
        let id = raised_by(s, &w.a_user, w.partner_a, "MDF claim stuck", "mdf").await;
        let m = &w.manager;
        let note = EntryInput {
            body: "Finance lost the claim form".into(),
        };
        s.post_escalation_note(m, id, &note).await.unwrap();
        s.move_escalation(m, id, &step("acknowledge", Some(1), "We are on it"))
            .await
            .unwrap();
        s.move_escalation(m, id, &step("start", Some(2), ""))
            .await
            .unwrap();
        let action = services::escalations::ActionInput {
            body: "Resubmit the claim to Finance".into(),
            due_on: "2028-06-30".into(),
        };
        s.add_escalation_action(m, id, &action).await.unwrap();
        let link = format!("/escalations/{id}");
        for partner_side in [&w.a_user, &w.a_admin] {
            assert_eq!(
                notified(s, partner_side).await,
                vec![
                    (
                        "ESC-000001: remediation action added\n\n\
                         Resubmit the claim to Finance (due 30 Jun 2028)"
                            .to_string(),
                        link.clone()
                    ),
                    (
                        "ESC-000001: Acknowledged\n\nWe are on it".to_string(),
                        link.clone()
                    ),
                ]
            );
        }
        let mails = s
            .outbox(
                &w.admin,
                &services::mail::OutboxQuery {
                    recipient: "user@alpha.test".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items;
        let mails: Vec<(&str, &str)> = mails
            .iter()
            .map(|m| (m.subject.as_str(), m.body.as_str()))
            .collect();
        assert_eq!(
            mails,
            [
                (
                    "PartnerOS: ESC-000001: remediation action added",
                    "ESC-000001: remediation action added\n\n\
                     Resubmit the claim to Finance (due 30 Jun 2028)"
                ),
                (
                    "PartnerOS: ESC-000001: Acknowledged",
                    "ESC-000001: Acknowledged\n\nWe are on it"
                ),
            ]
        );
        let all = s.outbox(&w.admin, &Default::default()).await.unwrap().items;
        assert!(
            all.iter().all(|m| !m.body.contains("Finance lost")),
            "a note is in no mail: {all:?}"
        );
    })
    .await;
}
