//! The escalation sweep on both backends: warnings, the ladder's steps once, racing sweeps,
//! auto-close after the partner's silence.

use super::*;
use domain::escalations::{EntryKind, Form, State};
use services::escalations::{EntryInput, Escalation, Move, SweepReport, TitleHolderInput};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

fn form() -> Form {
    Form {
        issue: "Integration sync is failing".into(),
        category: "technical".into(),
        urgency: "p4".into(),
        occurred_on: "2026-11-30".into(),
    }
}

fn report(warned: usize, escalated: usize, closed: usize) -> SweepReport {
    SweepReport {
        cases: 1,
        warned,
        escalated,
        closed,
    }
}

/// A P4 case of Alpha's, raised (as recorded) Wednesday 2 December 2026 10:00: its response
/// is due Monday the 7th 10:00 (72 hours: 3 working days, 24 working hours of 09–17 UTC weekdays).
async fn raised(db: &TestDb, s: &Services, by: &Actor, partner: Uuid) -> Uuid {
    let id = match s.submit_escalation(by, partner, &form()).await.unwrap() {
        Escalation::Partners(d) => d.case.id,
        Escalation::Ours(d) => d.case.id,
    };
    let mut tx = db.db.write().await.unwrap();
    let mut query = store::Sql::new("UPDATE escalation_cases SET created_at = ");
    query
        .push_bind(datetime!(2026-12-02 10:00 UTC))
        .push(" WHERE id = ")
        .push_bind(id);
    tx.execute(query).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn told(s: &Services, who: &Actor, about: &str) -> Vec<String> {
    s.notifications(who, &Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.message.contains(about))
        .map(|n| n.message)
        .collect()
}

fn ours(seen: Escalation) -> services::escalations::CaseDetail {
    match seen {
        Escalation::Ours(detail) => detail,
        Escalation::Partners(_) => panic!("our people get our shape"),
    }
}

#[tokio::test]
async fn a_breach_takes_step_one_once_and_the_partner_never_sees_it() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let id = raised(&db, s, &w.a_user, w.partner_a).await;
        // Friday 4th 12:00: the last 6 of the response's 24 working hours.
        let friday = datetime!(2026-12-04 12:00 UTC);
        assert_eq!(s.sweep_escalations(friday).await.unwrap(), report(1, 0, 0));
        assert_eq!(s.sweep_escalations(friday).await.unwrap(), report(0, 0, 0));
        assert_eq!(
            told(s, &w.manager, "due soon").await,
            ["ESC-000001: first response due soon"]
        );
        // At the due instant nothing is escalated; a second later step 1 is taken. Alpha has
        // no manager: the title is unfilled and reaches the administrators.
        let due = datetime!(2026-12-07 10:00 UTC);
        assert_eq!(s.sweep_escalations(due).await.unwrap(), report(0, 0, 0));
        let breached = due + Duration::seconds(1);
        assert_eq!(
            s.sweep_escalations(breached).await.unwrap(),
            report(0, 1, 0)
        );
        assert_eq!(
            s.sweep_escalations(breached).await.unwrap(),
            report(0, 0, 0)
        );
        assert_eq!(
            told(s, &w.admin, "escalated").await,
            ["ESC-000001 escalated to you (step 1 of 3)"]
        );
        let case = ours(s.escalation(&w.admin, id).await.unwrap());
        let step = case.case.escalation.expect("a step was taken");
        assert_eq!(step.step, 1);
        assert_eq!(
            step.reached,
            "Escalated to Partner manager (unfilled: the administrators admin@vendor.test)"
        );
        let kinds: Vec<EntryKind> = case.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::SlaWarning, EntryKind::Escalated]);
        match s.escalation(&w.a_user, id).await.unwrap() {
            Escalation::Partners(theirs) => assert!(theirs.entries.is_empty()),
            Escalation::Ours(_) => panic!("a partner's people get the partner shape"),
        }

        // 7 days after the breach: step 2, the alliances lead (unfilled) with the CPO.
        let week = breached + Duration::days(7);
        assert_eq!(s.sweep_escalations(week).await.unwrap(), report(0, 1, 0));
        let step = ours(s.escalation(&w.admin, id).await.unwrap())
            .case
            .escalation
            .unwrap();
        assert_eq!(step.step, 2);
        assert!(
            step.reached
                .starts_with("Escalated to Alliances lead (unfilled")
        );
        assert!(
            step.reached.contains(" and CPO (unfilled"),
            "{}",
            step.reached
        );
    }
}

#[tokio::test]
async fn of_two_racing_sweeps_one_escalates() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        raised(&db, s, &w.a_user, w.partner_a).await;
        let breached = datetime!(2026-12-07 10:00:01 UTC);
        let (first, second) =
            tokio::join!(s.sweep_escalations(breached), s.sweep_escalations(breached));
        let escalated = first.unwrap().escalated + second.unwrap().escalated;
        assert_eq!(escalated, 1, "{backend:?}");
        assert_eq!(told(s, &w.admin, "escalated").await.len(), 1);
    }
}

/// Resolves the case; the instant it was resolved at.
async fn resolve(s: &Services, m: &Actor, id: Uuid) -> OffsetDateTime {
    for (version, transition) in [(1, "acknowledge"), (2, "start"), (3, "resolve")] {
        let moved = Move {
            transition: transition.into(),
            version: Some(version),
            message: "Fixed the sync".into(),
            ..Default::default()
        };
        s.move_escalation(m, id, &moved).await.unwrap();
    }
    ours(s.escalation(m, id).await.unwrap())
        .entries
        .last()
        .unwrap()
        .at
}

#[tokio::test]
async fn a_resolution_closes_after_seven_silent_days() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let id = raised(&db, s, &w.a_user, w.partner_a).await;
        let resolved = resolve(s, &w.manager, id).await;
        let six = resolved + Duration::days(6);
        assert_eq!(s.sweep_escalations(six).await.unwrap(), report(0, 0, 0));
        let seven = resolved + Duration::days(7);
        assert_eq!(s.sweep_escalations(seven).await.unwrap(), report(0, 0, 1));
        let case = ours(s.escalation(&w.manager, id).await.unwrap());
        assert_eq!(case.case.state, State::Closed);
        let last = case.entries.last().unwrap();
        assert_eq!(last.author, "PartnerOS");
        assert_eq!(
            last.body,
            "Closed by PartnerOS: the resolution had no reply from the partner in 7 days"
        );
        assert_eq!(
            told(s, &w.a_user, "closed").await,
            ["ESC-000001: closed after 7 days without a reply"]
        );
        let swept = s.sweep_escalations(seven).await.unwrap();
        assert_eq!(swept.cases, 0, "a closed case is not swept");
    }
}

#[tokio::test]
async fn a_partners_word_on_day_five_puts_the_closing_off() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let id = raised(&db, s, &w.a_user, w.partner_a).await;
        let resolved = resolve(s, &w.manager, id).await;
        let word = EntryInput {
            body: "Still checking on our side".into(),
        };
        s.post_escalation_update(&w.a_user, id, &word)
            .await
            .unwrap();
        let mut tx = db.db.write().await.unwrap();
        let mut query = store::Sql::new("UPDATE escalation_entries SET at = ");
        query
            .push_bind(resolved + Duration::days(5))
            .push(" WHERE kind = 'update' AND case_id = ")
            .push_bind(id);
        tx.execute(query).await.unwrap();
        tx.commit().await.unwrap();
        let seven = resolved + Duration::days(7);
        assert_eq!(s.sweep_escalations(seven).await.unwrap(), report(0, 0, 0));
        let twelve = resolved + Duration::days(12);
        assert_eq!(s.sweep_escalations(twelve).await.unwrap(), report(0, 0, 1));
    }
}

#[tokio::test]
async fn a_named_title_holder_is_reached_and_edits_are_versioned() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let name = |title: &str, user: Option<Actor>, version: Option<i64>| TitleHolderInput {
            title: title.into(),
            user_id: user.and_then(|u| u.user_id),
            version,
        };
        let lead = name("alliances_lead", Some(w.manager.clone()), None);
        let err = s.name_title_holder(&w.manager, &lead).await.unwrap_err();
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
        let partner_side = name("alliances_lead", Some(w.a_user.clone()), None);
        let err = s
            .name_title_holder(&w.admin, &partner_side)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "user_id"),
            "{err:?}"
        );
        let per_partner = name("partner_manager", Some(w.manager.clone()), None);
        let err = s
            .name_title_holder(&w.admin, &per_partner)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid(e) if e[0].field == "title"),
            "{err:?}"
        );
        s.name_title_holder(&w.admin, &lead).await.unwrap();
        let err = s.name_title_holder(&w.admin, &lead).await.unwrap_err();
        assert!(
            matches!(err, Error::Conflict(_)),
            "a second first naming: {err:?}"
        );

        let titles = s
            .escalation_titles(&w.executive, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        let keys: Vec<&str> = titles.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(
            keys,
            [
                "partner_manager",
                "alliances_lead",
                "executive_sponsor",
                "vp_sales",
                "cfo",
                "cmo",
                "cpo"
            ]
        );
        assert_eq!(titles[1].user_name.as_deref(), Some("pm@vendor.test"));
        assert_eq!(titles[1].version, Some(1));
        assert_eq!(titles[6].user_name, None);

        let id = raised(&db, s, &w.a_user, w.partner_a).await;
        s.sweep_escalations(datetime!(2026-12-07 10:00:01 UTC))
            .await
            .unwrap();
        s.sweep_escalations(datetime!(2026-12-14 10:00:01 UTC))
            .await
            .unwrap();
        let step = ours(s.escalation(&w.admin, id).await.unwrap())
            .case
            .escalation
            .unwrap();
        assert_eq!(
            step.reached,
            "Escalated to Alliances lead (pm@vendor.test) and CPO (unfilled: the administrators admin@vendor.test)"
        );
        assert_eq!(
            told(s, &w.manager, "escalated").await,
            ["ESC-000001 escalated to you (step 2 of 3)"]
        );
        let stale = name("alliances_lead", Some(w.executive.clone()), Some(0));
        let err = s.name_title_holder(&w.admin, &stale).await.unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        s.name_title_holder(&w.admin, &name("alliances_lead", None, Some(1)))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn step_one_to_the_owner_is_recorded_as_already_with_them_and_tells_nobody() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let mut tx = db.db.write().await.unwrap();
        let mut query = store::Sql::new("UPDATE partners SET owner_id = ");
        query
            .push_bind(w.manager.user_id)
            .push(" WHERE id = ")
            .push_bind(w.partner_a);
        tx.execute(query).await.unwrap();
        tx.commit().await.unwrap();
        let id = raised(&db, s, &w.a_user, w.partner_a).await;
        let seen = ours(s.escalation(&w.admin, id).await.unwrap());
        assert_eq!(seen.case.owner_id, w.manager.user_id);

        let breached = datetime!(2026-12-07 10:00:01 UTC);
        assert_eq!(
            s.sweep_escalations(breached).await.unwrap(),
            report(0, 1, 0)
        );
        let step = ours(s.escalation(&w.admin, id).await.unwrap())
            .case
            .escalation
            .expect("the step is recorded all the same");
        assert_eq!(step.step, 1);
        assert_eq!(
            step.reached,
            "Escalated to Partner manager (pm@vendor.test), already with the owner"
        );
        assert!(told(s, &w.manager, "escalated").await.is_empty());
        assert!(told(s, &w.admin, "escalated").await.is_empty());
        // The step reached nobody new: it is on nobody's "escalated to me".
        let mut read = db.db.read().await.unwrap();
        let reached: (i64,) = read
            .one(store::Sql::new(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM escalation_step_reached",
            ))
            .await
            .unwrap();
        assert_eq!(reached.0, 0, "{backend:?}");
        drop(read);
        let escalated = services::work::MyWorkQuery {
            scope: "escalated".into(),
            ..Default::default()
        };
        for who in [&w.manager, &w.admin] {
            let seen = s.my_work(who, &escalated).await.unwrap().items;
            assert!(seen.is_empty(), "{backend:?}");
        }
    }
}
