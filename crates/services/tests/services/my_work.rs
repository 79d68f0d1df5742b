//! "My work" through the services, on both backends: the action items and remediation
//! actions a person owns beside their work items, each kind named by the filter, queues by
//! their teams' names, and an onboarding item due on its checklist day. The set-up helpers
//! here serve `my_work_urgency` too.

use super::work::{join, onboard};
use super::*;
use domain::escalations::{ClockState, Form};
use domain::rhythm::{ActionForm, MeetingForm};
use domain::work::EntryKind;
use services::escalations::{ActionInput, Escalation, Reassign};
use services::work::{MyWorkEntry, MyWorkQuery};
use time::macros::{date, datetime};
use uuid::Uuid;

fn kind(kind: &str) -> MyWorkQuery {
    MyWorkQuery {
        kind: kind.into(),
        ..Default::default()
    }
}

pub(super) async fn lines(s: &Services, who: &Actor, query: &MyWorkQuery) -> Vec<MyWorkEntry> {
    s.my_work(who, query).await.unwrap().items
}

/// (title, due instant, SLA state, link) of each line, in the page's order.
fn shown(entries: &[MyWorkEntry]) -> Vec<(&str, Option<time::OffsetDateTime>, ClockState, &str)> {
    entries
        .iter()
        .map(|e| (e.title.as_str(), e.due_at, e.sla, e.link.as_str()))
        .collect()
}

/// The weekly standup of Monday 30 November 2026, recorded by the manager who attended.
pub(super) async fn standup(w: &World) -> Uuid {
    let me = w.manager.user_id.unwrap();
    let form = MeetingForm {
        kind: "weekly_standup".into(),
        held_on: "2026-11-30".into(),
        attendees: vec![me.to_string()],
    };
    w.services.create_meeting(&w.manager, &form).await.unwrap()
}

/// An action item of `meeting` for `owner`, recorded by the manager today and then moved to
/// `due_on` (see `set_due_on`).
pub(super) async fn action_item(
    db: &TestDb,
    w: &World,
    meeting: Uuid,
    text: &str,
    owner: Uuid,
    due_on: time::Date,
) -> Uuid {
    let action = ActionForm {
        text: text.into(),
        owner_id: owner.to_string(),
        due_on: store::now().date().to_string(),
    };
    let id = w
        .services
        .add_meeting_action(&w.manager, meeting, &action)
        .await
        .unwrap();
    set_due_on(db, "meeting_actions", text, due_on).await;
    id
}

/// A case Alpha's user raises: its id.
pub(super) async fn raise(w: &World, issue: &str, category: &str, urgency: &str) -> Uuid {
    let form = Form {
        issue: issue.into(),
        category: category.into(),
        urgency: urgency.into(),
        occurred_on: "2026-11-30".into(),
    };
    match w
        .services
        .submit_escalation(&w.a_user, w.partner_a, &form)
        .await
        .unwrap()
    {
        Escalation::Partners(d) => d.case.id,
        Escalation::Ours(_) => panic!("a partner's people get the partner shape"),
    }
}

/// The admin gives the case to `owner`, at the version they read.
pub(super) async fn give_to(w: &World, case: Uuid, owner: Uuid) {
    let s = &w.services;
    let version = match s.escalation(&w.admin, case).await.unwrap() {
        Escalation::Ours(d) => d.case.version,
        Escalation::Partners(_) => panic!("our people get our shape"),
    };
    let reassign = Reassign {
        owner_id: Some(owner),
        version: Some(version),
    };
    s.reassign_escalation(&w.admin, case, &reassign)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_persons_open_meeting_actions_and_their_cases_remediation_actions_are_their_work() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        // Due days are recorded today and then moved to the literal days the checks name.
        let today = store::now().date().to_string();
        let today = today.as_str();
        let me = w.manager.user_id.unwrap();
        let meeting = standup(&w).await;
        let mine = action_item(&db, &w, meeting, "Call Alpha", me, date!(2040 - 01 - 15)).await;
        let late = action_item(&db, &w, meeting, "Send the kit", me, date!(2020 - 01 - 15)).await;
        let admins = w.admin.user_id.unwrap();
        action_item(&db, &w, meeting, "Not mine", admins, date!(2040 - 01 - 15)).await;
        s.complete_meeting_action(&w.manager, meeting, late)
            .await
            .unwrap();

        // A case Alpha raises, given to the manager, who sees its actions through.
        let case = raise(&w, "Q3 commission missing", "commission_dispute", "p2").await;
        let remedy = |body: &str, due_on: &str| ActionInput {
            body: body.into(),
            due_on: due_on.into(),
        };
        s.add_escalation_action(&w.manager, case, &remedy("Recalculate Q3", today))
            .await
            .unwrap();
        s.add_escalation_action(&w.manager, case, &remedy("Explain the rule", ""))
            .await
            .unwrap();
        let done = match s
            .add_escalation_action(&w.manager, case, &remedy("Pay the difference", today))
            .await
            .unwrap()
        {
            Escalation::Ours(d) => d.entries.last().unwrap().id,
            Escalation::Partners(_) => panic!("our people get our shape"),
        };
        s.complete_escalation_action(&w.manager, case, done)
            .await
            .unwrap();
        set_due_on(
            &db,
            "escalation_entries",
            "Recalculate Q3",
            date!(2040 - 02 - 01),
        )
        .await;
        assert!(lines(s, &w.manager, &kind("remediation")).await.is_empty());
        give_to(&w, case, me).await;

        let meeting_link = format!("/meetings/{meeting}#actions");
        let actions = lines(s, &w.manager, &kind("meeting_action")).await;
        assert_eq!(
            shown(&actions),
            [(
                "Weekly partner standup, week of 30 Nov 2026: Call Alpha",
                Some(datetime!(2040-01-16 00:00 UTC)),
                ClockState::OnTrack,
                meeting_link.as_str()
            )]
        );
        assert_eq!(actions[0].id, mine);
        assert_eq!(actions[0].kind, EntryKind::MeetingAction);
        assert_eq!(actions[0].kind_label, "Meeting action item");
        assert_eq!(actions[0].queue_label, "You own it");
        assert_eq!(actions[0].partner_name, "");
        assert_eq!(actions[0].due_on, Some(date!(2040 - 01 - 15)));

        let case_link = format!("/escalations/{case}#case-log");
        let remediation = lines(s, &w.manager, &kind("remediation")).await;
        assert_eq!(
            shown(&remediation),
            [
                (
                    "ESC-000001: Recalculate Q3",
                    Some(datetime!(2040-02-02 00:00 UTC)),
                    ClockState::OnTrack,
                    case_link.as_str()
                ),
                (
                    "ESC-000001: Explain the rule",
                    None,
                    ClockState::OnTrack,
                    case_link.as_str()
                ),
            ]
        );
        assert!(remediation.iter().all(|e| e.partner_name == "Alpha"));
        let days: Vec<Option<time::Date>> = remediation.iter().map(|e| e.due_on).collect();
        assert_eq!(days, [Some(date!(2040 - 02 - 01)), None]);

        // Everything at once, most urgent first: the case's response clock, then the days.
        let all: Vec<EntryKind> = lines(s, &w.manager, &MyWorkQuery::default())
            .await
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            all,
            [
                EntryKind::Escalation,
                EntryKind::MeetingAction,
                EntryKind::Remediation,
                EntryKind::Remediation
            ]
        );
        // Owned work is nobody's team queue.
        let teams = MyWorkQuery {
            scope: "teams".into(),
            ..Default::default()
        };
        assert!(lines(s, &w.manager, &teams).await.is_empty());
        // The admin owns one action item and no case.
        let theirs = lines(s, &w.admin, &MyWorkQuery::default()).await;
        let titles: Vec<&str> = theirs.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Weekly partner standup, week of 30 Nov 2026: Not mine"]
        );

        // Done, an action item leaves the list.
        s.complete_meeting_action(&w.manager, meeting, mine)
            .await
            .unwrap();
        assert!(
            lines(s, &w.manager, &kind("meeting_action"))
                .await
                .is_empty()
        );
    }
}

#[tokio::test]
async fn an_unknown_kind_is_refused_naming_every_kind() {
    each_backend(|w| async move {
        let err = w
            .services
            .my_work(&w.manager, &kind("bogus"))
            .await
            .unwrap_err();
        let errors = match err {
            Error::Invalid(errors) => errors,
            other => panic!("{other:?}"),
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "kind");
        assert_eq!(
            errors[0].message,
            "'bogus' is not one of: onboarding, deal_registration, lead_handoff, contract_review, \
             escalation, meeting_action, remediation"
        );
    })
    .await;
}

#[tokio::test]
async fn an_onboarding_item_is_due_on_its_checklist_day_in_its_teams_named_queue() {
    each_backend(|w| async move {
        let s = &w.services;
        let marketer = user(s, &w.admin, "mia@vendor.test", "marketing", None).await;
        join(s, &w.admin, "marketing", &marketer).await;
        onboard(&w).await;
        let checklist = s
            .onboarding_checklist(&marketer, w.partner_a)
            .await
            .unwrap();
        let entries = lines(s, &marketer, &kind("onboarding")).await;
        assert_eq!(entries.len(), 4);
        for entry in &entries {
            assert_eq!(entry.queue, "marketing");
            assert_eq!(entry.queue_label, "Marketing");
            let item = checklist
                .items
                .iter()
                .find(|i| i.title == entry.title)
                .unwrap();
            // Due when the checklist day ends (the program's zone is UTC): one due date.
            let due = entry.due_at.unwrap();
            assert_eq!(due.time(), time::Time::MIDNIGHT);
            assert_eq!((due - time::Duration::DAY).date().to_string(), item.due_on);
            assert_eq!(
                entry.due_on.map(|d| d.to_string()),
                Some(item.due_on.clone())
            );
            let detail = s.work_item(&marketer, entry.id).await.unwrap().item;
            assert_eq!(detail.due_at, Some(due));
            // The item's page shows the same day, not the instant it ends.
            assert_eq!(
                detail.due_on.map(|d| d.to_string()),
                Some(item.due_on.clone())
            );
            assert_eq!(detail.team_label, "Marketing");
        }
    })
    .await;
}
