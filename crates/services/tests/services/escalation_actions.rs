//! Remediation actions, the resolution they hold up and the closing that follows it, on
//! both backends.

use super::*;
use domain::escalations::{EntryKind, Form, State};
use services::escalations::{ActionInput, CaseDetail, Escalation, Move};
use time::Duration;

fn ours(seen: Escalation) -> CaseDetail {
    match seen {
        Escalation::Ours(detail) => detail,
        Escalation::Partners(_) => panic!("our people get our shape"),
    }
}

fn resolve(version: i64) -> Move {
    Move {
        transition: "resolve".into(),
        version: Some(version),
        message: "Claim paid".into(),
        ..Default::default()
    }
}

/// A case with an open action is not resolved until the action is done; a resolved case
/// takes no new action, so nothing open is left on offer or counted overdue after it.
#[tokio::test]
async fn a_case_resolves_only_once_its_actions_are_done() {
    each_backend(|w| async move {
        let s = &w.services;
        let m = &w.manager;
        let form = Form {
            issue: "MDF claim stuck".into(),
            category: "mdf".into(),
            urgency: "p3".into(),
            occurred_on: "2026-11-30".into(),
        };
        let id = match s.submit_escalation(&w.a_user, w.partner_a, &form).await {
            Ok(Escalation::Partners(d)) => d.case.id,
            other => panic!("{other:?}"),
        };
        for transition in ["acknowledge", "start"] {
            let step = Move {
                transition: transition.into(),
                ..Default::default()
            };
            s.move_escalation(m, id, &step).await.unwrap();
        }
        let action = ActionInput {
            body: "Resubmit the claim to Finance".into(),
            due_on: "2028-06-30".into(),
        };
        let seen = ours(s.add_escalation_action(m, id, &action).await.unwrap());
        // Acknowledging and starting made version 3; the action moves it to 4.
        assert_eq!(seen.case.version, 4);
        let err = s.move_escalation(m, id, &resolve(4)).await.unwrap_err();
        let Error::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "transition");
        assert_eq!(
            errors[0].message,
            "mark the open remediation actions done before resolving: \
             \u{201c}Resubmit the claim to Finance\u{201d}"
        );
        // Refused whole: the case is still in progress at version 4.
        let seen = ours(s.escalation(m, id).await.unwrap());
        assert_eq!((seen.case.state, seen.case.version), (State::InProgress, 4));
        assert_eq!(seen.case.closes_by_itself_at, None);
        let action_id = seen
            .entries
            .iter()
            .find(|e| e.kind == EntryKind::Remediation)
            .unwrap()
            .id;
        // Through another case, the action is not found; ticked twice, it says since when.
        let other = match s.submit_escalation(&w.a_user, w.partner_a, &form).await {
            Ok(Escalation::Partners(d)) => d.case.id,
            other => panic!("{other:?}"),
        };
        let err = s
            .complete_escalation_action(m, other, action_id)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound), "{err:?}");
        s.complete_escalation_action(m, id, action_id)
            .await
            .unwrap();
        let err = s
            .complete_escalation_action(m, id, action_id)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(msg) if msg.starts_with(
                "\u{201c}Resubmit the claim to Finance\u{201d} was already marked done on "
            )),
            "{err:?}"
        );
        let seen = ours(s.move_escalation(m, id, &resolve(4)).await.unwrap());
        assert_eq!((seen.case.state, seen.case.version), (State::Resolved, 5));
        let err = s.add_escalation_action(m, id, &action).await.unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(msg)
                if msg == "ESC-000001 is resolved: it takes no new remediation actions"),
            "{err:?}"
        );
        // Resolved and unanswered, it closes by itself 7 days (of 24 hours) after the
        // resolution; a word from the partner puts that off to 7 days after the word. Both
        // sides read the same instant.
        let seen = ours(s.escalation(m, id).await.unwrap());
        let resolved_at = seen.entries.last().unwrap().at;
        assert_eq!(seen.entries.last().unwrap().state, Some(State::Resolved));
        assert_eq!(
            seen.case.closes_by_itself_at,
            Some(resolved_at + Duration::days(7))
        );
        let word = services::escalations::EntryInput {
            body: "Checking with our finance team".into(),
        };
        let Escalation::Partners(theirs) = s
            .post_escalation_update(&w.a_user, id, &word)
            .await
            .unwrap()
        else {
            panic!("the partner's shape")
        };
        let wrote_at = theirs.entries.last().unwrap().at;
        assert!(wrote_at >= resolved_at);
        assert_eq!(
            theirs.case.closes_by_itself_at,
            Some(wrote_at + Duration::days(7))
        );
        let seen = ours(s.escalation(m, id).await.unwrap());
        assert_eq!(
            seen.case.closes_by_itself_at,
            Some(wrote_at + Duration::days(7))
        );
        assert_eq!(
            seen.entries
                .iter()
                .filter(|e| e.kind == EntryKind::Remediation)
                .count(),
            1
        );
    })
    .await;
}

/// An action item's owner is told its due day as every page shows days (`30 Jun 2028`), not
/// as it is typed.
#[tokio::test]
async fn an_action_items_notification_shows_its_due_day_as_people_read_it() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let meeting = s
            .create_meeting(
                &w.manager,
                &domain::rhythm::MeetingForm {
                    kind: "weekly_standup".into(),
                    held_on: today.to_string(),
                    attendees: vec![w.manager.user_id.unwrap().to_string()],
                },
            )
            .await
            .unwrap();
        let action = domain::rhythm::ActionForm {
            text: "Send Alpha the pricing sheet".into(),
            owner_id: w.admin.user_id.unwrap().to_string(),
            due_on: "2028-06-30".into(),
        };
        s.add_meeting_action(&w.manager, meeting, &action)
            .await
            .unwrap();
        let told: Vec<String> = s
            .notifications(&w.admin, &Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|n| n.kind == "meeting_action")
            .map(|n| n.message)
            .collect();
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(
            told[0].ends_with(", due 30 Jun 2028: Send Alpha the pricing sheet"),
            "{told:?}"
        );
    })
    .await;
}
