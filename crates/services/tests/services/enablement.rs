//! Enablement: certifications, reminders, onboarding, learning paths, attachments.

use super::*;

#[tokio::test]
async fn certification_completions_import_creates_contacts_and_feed_the_tier_engine() {
    each_backend(|w| async move {
        let s = &w.services;
        let today = store::now().date();
        let recent = (today - time::Duration::days(30)).to_string();
        let old = (today - time::Duration::days(400)).to_string();
        let csv = format!(
            "partner,email,name,certification,date,score\n\
             alpha.com,ana@alpha.com,Ana Alves,sales_foundation,{recent},82\n\
             Alpha,BO@alpha.com,,Technical — Advanced,{recent},91\n\
             alpha.com,cy@alpha.com,Cy,sales_foundation,{old},75\n"
        );
        let dry = s.import_certifications(&w.manager, &csv, true).await.unwrap();
        assert!(dry.errors.is_empty(), "{:?}", dry.errors);
        assert_eq!((dry.created, dry.applied), (3, false));
        assert!(s.certification_records(&w.manager, w.partner_a, &PageRequest::everything()).await.unwrap().items.is_empty(), "a dry run writes nothing");
        let done = s.import_certifications(&w.manager, &csv, false).await.unwrap();
        assert!(done.applied);
        let again = s.import_certifications(&w.manager, &csv, false).await.unwrap();
        assert_eq!((again.created, again.updated), (0, 3), "re-importing is a no-op");

        let records = s.certification_records(&w.a_user, w.partner_a, &PageRequest::everything()).await.unwrap().items;
        assert_eq!(records.len(), 3);
        let cy = records.iter().find(|r| r.person == "Cy").unwrap();
        assert_eq!(cy.status, domain::enablement::Status::Expired);
        let contacts = s.list_contacts(&w.manager, w.partner_a, false, &PageRequest::everything()).await.unwrap().items;
        assert!(contacts.iter().any(|c| c.name == "bo" && c.email.as_deref() == Some("bo@alpha.com")), "unknown people become contacts");

        // The engine now counts the two valid certifications instead of typed numbers.
        let facts = s.partner_facts(&w.manager, w.partner_a).await.unwrap();
        assert_eq!((facts.certified_people, facts.advanced_certified_people), (2, 1));
        assert_eq!(facts.certifications["technical_advanced"], 1);

        let bad = "partner,email,certification,date,score\nalpha.com,di@alpha.com,sales_advanced,2026-01-01,60\nnobody.example,ed@x.com,sales_foundation,2026-01-01,90\n";
        let report = s.import_certifications(&w.manager, bad, false).await.unwrap();
        assert!(!report.applied);
        let found: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
        assert_eq!(found[0], "line 2, score: 60% is below the pass mark of 80% for Sales — Advanced: not a completion");
        assert!(found[1].starts_with("line 3, partner: no partner"), "{found:?}");
        assert!(matches!(s.import_certifications(&w.a_admin, bad, true).await, Err(Error::Forbidden(_))));
        assert!(matches!(s.certification_records(&w.a_user, w.partner_b, &PageRequest::everything()).await, Err(Error::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn expiry_reminders_once_per_offset_tier_at_risk_and_major_releases() {
    each_backend(|w| async move {
        let s = &w.services;
        let mut input = partner_input("Juliet");
        input.tier = "bronze".into();
        let juliet = s.create_partner(&w.manager, &input).await.unwrap().id;
        // Bronze keeps 1 certified person, 1 reference, 1 QBR a year.
        let facts = domain::program::history::QuarterFactsInput {
            customer_references: "1".into(),
            qbrs: "1".into(),
            ..Default::default()
        };
        s.set_quarter_facts(&w.manager, juliet, &facts).await.unwrap();
        let today = store::now().date();
        let earned = domain::enablement::add_months(today, 0) - time::Duration::days(365 - 20);
        let csv = format!("partner,email,certification,date,score\njuliet.com,kim@juliet.com,sales_foundation,{earned},90\n");
        assert!(s.import_certifications(&w.manager, &csv, false).await.unwrap().applied);
        let records = s.certification_records(&w.manager, juliet, &PageRequest::everything()).await.unwrap().items;
        assert_eq!(records[0].status, domain::enablement::Status::Expiring);

        let juliet_admin = user(s, &w.admin, "admin@juliet.com", "partner_admin", Some(juliet)).await;
        let kim = user(s, &juliet_admin, "kim@juliet.com", "partner_user", Some(juliet)).await;
        let system = Actor::system("test expiry");
        let result = s.run_certification_expiry(&system).await.unwrap();
        assert_eq!(result, "1 renewal reminder(s), 1 partner(s) with their tier at risk");

        // The person and their partner admin are reminded; our partner managers hear of the risk.
        use services::notifications::NotificationQuery;
        let unread = NotificationQuery { unread: true, ..Default::default() };
        for person in [&kim, &juliet_admin] {
            let mine = s.notifications(person, &unread).await.unwrap().items;
            assert_eq!(mine.len(), 1, "{mine:?}");
            assert_eq!(mine[0].kind, "renewal_reminder");
            assert_eq!(mine[0].link, format!("/partners/{juliet}/enablement"));
        }
        let managers = s.notifications(&w.manager, &unread).await.unwrap().items;
        assert_eq!(managers.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>(), ["tier_at_risk"]);
        assert!(s.notifications(&w.a_admin, &unread).await.unwrap().items.is_empty(), "other partners hear nothing");
        assert_eq!(s.unread_notifications(&kim).await.unwrap(), 1);
        let theirs = [managers[0].id];
        assert_eq!(s.mark_notifications_read(&kim, Some(&theirs)).await.unwrap(), 0, "another person's notification is untouched");
        assert_eq!(s.unread_notifications(&w.manager).await.unwrap(), 1);
        assert_eq!(s.mark_notifications_read(&kim, None).await.unwrap(), 1);
        assert_eq!(s.unread_notifications(&kim).await.unwrap(), 0);
        let all = s.notifications(&kim, &NotificationQuery::default()).await.unwrap().items;
        assert!(all.len() == 1 && all[0].read);
        let bad = NotificationQuery { cursor: "nope".into(), limit: Some(0), ..Default::default() };
        match s.notifications(&kim, &bad).await {
            Err(Error::Invalid(errors)) => assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["limit", "cursor"]),
            other => panic!("{other:?}"),
        }
        let again = s.run_certification_expiry(&system).await.unwrap();
        assert_eq!(again, "0 renewal reminder(s), 0 partner(s) with their tier at risk", "one reminder per offset");
        let timeline = s.partner_timeline(&w.a_user, w.partner_a, "", None).await.unwrap();
        assert!(timeline.items.iter().all(|e| e.action != "renewal_reminder"), "other partners hear nothing");
        let timeline = s.partner_timeline(&w.manager, juliet, "", None).await.unwrap().items;
        assert!(timeline.iter().any(|e| e.summary.starts_with("Renewal reminder: kim's Sales — Foundation expires on ") && e.summary.ends_with("(30-day reminder)")), "{timeline:?}");
        assert!(timeline.iter().any(|e| e.action == "tier_at_risk" && e.summary.contains("Bronze keeps 1")));

        let gates = s.eligibility(&w.a_user, w.partner_a).await.unwrap();
        assert!(!gates[0].allowed, "Alpha has no sales certification");
        assert_eq!(gates[0].reason.as_deref(), Some("to register deals your organisation needs one active sales certification; it has 0"));
        let gates = s.eligibility(&w.manager, juliet).await.unwrap();
        assert!(gates.iter().all(|g| g.allowed), "Juliet's sales foundation opens both gates");
        assert!(matches!(s.eligibility(&w.a_user, juliet).await, Err(Error::NotFound)));
        assert!(matches!(s.declare_major_release(&w.manager, "v5").await, Err(Error::Forbidden(_))));
        assert_eq!(s.declare_major_release(&w.admin, "v5").await.unwrap(), 1);
        let records = s.certification_records(&w.manager, juliet, &PageRequest::everything()).await.unwrap().items;
        assert_eq!(records[0].status, domain::enablement::Status::Expired, "retired by the release");
        assert_eq!(s.partner_facts(&w.manager, juliet).await.unwrap().certified_people, 0);
    })
    .await;
}

#[tokio::test]
async fn onboarding_checklist_is_created_on_entry_and_ticked_by_its_owners() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        assert!(s.onboarding_checklist(&w.manager, a).await.unwrap().items.is_empty());
        s.change_partner_stage(&w.manager, a, "recruiting", "").await.unwrap();
        s.change_partner_stage(&w.manager, a, "onboarding", "signed").await.unwrap();
        let list = s.onboarding_checklist(&w.a_user, a).await.unwrap();
        assert_eq!(list.items.len(), 23);
        assert_eq!((list.open, list.overdue, list.waiting_on_partner), (23, 0, 8));
        let item = |key: &str| list.items.iter().find(|i| i.key == key).unwrap().clone();
        assert!(item("portal_login").can_tick && !item("nda_signed").can_tick, "partners tick their own items only");

        s.tick_onboarding_item(&w.a_user, item("portal_login").id, true, "").await.unwrap();
        assert!(matches!(s.tick_onboarding_item(&w.a_user, item("nda_signed").id, true, "x").await, Err(Error::Forbidden(_))));
        match s.tick_onboarding_item(&w.manager, item("nda_signed").id, true, " ").await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].message, "this item needs a file as evidence"),
            other => panic!("{other:?}"),
        }
        s.tick_onboarding_item(&w.manager, item("nda_signed").id, true, "nda-alpha.pdf").await.unwrap();
        // A link's evidence is a web address someone can open; nothing is ticked otherwise.
        match s.tick_onboarding_item(&w.manager, item("resources_shared").id, true, "notaurl").await {
            Err(Error::Invalid(errors)) => assert_eq!(
                (errors[0].field.as_str(), errors[0].message.as_str()),
                ("evidence", "must be a web address like https://example.com/page")
            ),
            other => panic!("{other:?}"),
        }
        let list = s.onboarding_checklist(&w.manager, a).await.unwrap();
        assert_eq!(list.open, 21);
        let stages: Vec<(&str, &str)> = list.items.iter().map(|i| (i.key.as_str(), i.stage.as_str())).collect();
        for expected in [("nda_signed", "Day 0"), ("kickoff_session", "Week 1"), ("sales_certified", "Month 1"), ("first_deal", "Month 2"), ("bootcamp", "Q1–Q2")] {
            assert!(stages.contains(&expected), "{expected:?} in {stages:?}");
        }
        let nda = list.items.iter().find(|i| i.key == "nda_signed").unwrap();
        assert_eq!((nda.evidence.as_str(), nda.done_by.as_deref()), ("nda-alpha.pdf", Some("pm@vendor.test")));

        // A sales certification on record completes "Sales certification earned" by itself.
        let day = (store::now().date() - time::Duration::days(3)).to_string();
        let csv = format!("partner,email,certification,date,score\nalpha.com,ana@alpha.com,sales_foundation,{day},90\n");
        s.import_certifications(&w.manager, &csv, false).await.unwrap();
        let list = s.onboarding_checklist(&w.manager, a).await.unwrap();
        let cert = list.items.iter().find(|i| i.key == "sales_certified").unwrap();
        assert!(cert.done && cert.observed && !cert.can_tick);

        // A QBR recorded in this quarter's facts completes "First QBR scheduled".
        let qbr = |list: &services::onboarding::Checklist| list.items.iter().find(|i| i.key == "first_qbr").unwrap().done;
        assert!(!qbr(&list));
        let facts = domain::program::history::QuarterFactsInput { qbrs: "1".into(), ..Default::default() };
        s.set_quarter_facts(&w.manager, a, &facts).await.unwrap();
        assert!(qbr(&s.onboarding_checklist(&w.a_user, a).await.unwrap()));

        assert!(matches!(s.tick_onboarding_item(&w.a_user, nda.id, false, "").await, Err(Error::Forbidden(_))), "a team item is reopened by the team");

        // Another organisation's items are invisible.
        s.change_partner_stage(&w.manager, w.partner_b, "recruiting", "").await.unwrap();
        s.change_partner_stage(&w.manager, w.partner_b, "onboarding", "").await.unwrap();
        let theirs = s.onboarding_checklist(&w.manager, w.partner_b).await.unwrap();
        let login_b = theirs.items.iter().find(|i| i.key == "portal_login").unwrap().id;
        assert!(matches!(s.tick_onboarding_item(&w.a_user, login_b, true, "").await, Err(Error::NotFound)));
        assert!(matches!(s.onboarding_checklist(&w.a_user, w.partner_b).await, Err(Error::NotFound)));

        // Health checks: the program's days only, a note unless on track, once per day.
        match s.record_health_check(&w.manager, a, 45, "sideways", "").await {
            Err(Error::Invalid(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["day", "status", "note"]);
            }
            other => panic!("{other:?}"),
        }
        match s.record_health_check(&w.manager, a, 30, "at_risk", "").await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "note"),
            other => panic!("{other:?}"),
        }
        s.record_health_check(&w.manager, a, 30, "at_risk", "no pipeline yet").await.unwrap();
        assert!(matches!(s.record_health_check(&w.manager, a, 30, "on_track", "").await, Err(Error::Conflict(_))));
        assert!(matches!(s.record_health_check(&w.a_admin, a, 60, "on_track", "").await, Err(Error::Forbidden(_))));
        let list = s.onboarding_checklist(&w.manager, a).await.unwrap();
        assert_eq!(list.health_checks[0].status, "at_risk");
        assert!(list.health_checks_due.is_empty(), "day 30 has not come yet for a checklist started today");
        let theirs = s.onboarding_checklist(&w.a_user, a).await.unwrap();
        assert!(theirs.health_checks.is_empty(), "health checks are our judgement");
    })
    .await;
}

#[tokio::test]
async fn certifications_by_hand_enrollments_and_learning_paths() {
    use domain::enablement::{RecordInput, Status};
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        let ana = s
            .add_contact(
                &w.manager,
                a,
                &ContactInput {
                    name: "Ana".into(),
                    email: "ana@alpha.com".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .id;
        let bea = s
            .add_contact(
                &w.manager,
                w.partner_b,
                &ContactInput {
                    name: "Bea".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .id;

        // People work towards a certification; the partner's own people may enroll them.
        let enrollment = s
            .enroll(&w.a_user, a, &ana.to_string(), "sales_foundation")
            .await
            .unwrap();
        match s
            .enroll(&w.a_user, a, &ana.to_string(), "sales_foundation")
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(
                errors[0].message,
                "Ana is already working towards Sales — Foundation"
            ),
            other => panic!("{other:?}"),
        }
        match s.enroll(&w.a_user, a, &bea.to_string(), "sales_guru").await {
            Err(Error::Invalid(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["certification"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(
                s.enroll(&w.a_user, a, &bea.to_string(), "sales_foundation")
                    .await,
                Err(Error::Invalid(_))
            ),
            "another partner's person"
        );
        assert!(matches!(
            s.enroll(&w.a_user, w.partner_b, &bea.to_string(), "sales_foundation")
                .await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.enroll(&w.executive, a, &ana.to_string(), "sales_advanced")
                .await,
            Err(Error::Forbidden(_))
        ));
        s.tick_requirement(&w.a_user, enrollment, "Mock pitch", true)
            .await
            .unwrap();
        s.tick_requirement(&w.a_user, enrollment, "Training attended", true)
            .await
            .unwrap();
        match s
            .tick_requirement(&w.a_user, enrollment, "Juggling", true)
            .await
        {
            Err(Error::Invalid(errors)) => assert!(
                errors[0]
                    .message
                    .starts_with("choose one of: Training attended"),
                "{errors:?}"
            ),
            other => panic!("{other:?}"),
        }
        let learning = s.learning(&w.a_admin, a).await.unwrap();
        assert!(learning.can_manage);
        let e = &learning.enrollments[0];
        assert_eq!(e.status, Status::InProgress);
        let met: Vec<&str> = e
            .requirements
            .iter()
            .filter(|r| r.done)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(met, ["Training attended", "Mock pitch"], "in catalog order");
        s.tick_requirement(&w.manager, enrollment, "Mock pitch", false)
            .await
            .unwrap();
        let other_manager_view = s.learning(&w.manager, a).await.unwrap();
        assert_eq!(
            other_manager_view.enrollments[0]
                .requirements
                .iter()
                .filter(|r| r.done)
                .count(),
            1
        );
        assert!(!s.learning(&w.executive, a).await.unwrap().can_manage);
        let b_user = user(
            s,
            &w.admin,
            "user@bravo.test",
            "partner_user",
            Some(w.partner_b),
        )
        .await;
        assert!(matches!(
            s.tick_requirement(&b_user, enrollment, "Mock pitch", true)
                .await,
            Err(Error::NotFound)
        ));
        assert!(matches!(s.learning(&b_user, a).await, Err(Error::NotFound)));

        // Recorded by hand (partner managers only): the enrollment ends, the path moves on.
        let today = store::now().date();
        let input = RecordInput {
            contact_id: ana.to_string(),
            certification: "sales_foundation".into(),
            earned_on: (today - time::Duration::days(400)).to_string(),
            score: "88".into(),
            evidence: "https://lms.example/ana/1".into(),
        };
        assert!(
            matches!(
                s.record_certification(&w.a_admin, a, &input).await,
                Err(Error::Forbidden(_))
            ),
            "partners cannot certify themselves"
        );
        let first = s.record_certification(&w.manager, a, &input).await.unwrap();
        assert_eq!(
            (first.status, first.source.as_str(), first.evidence.as_str()),
            (Status::Expired, "manual", "https://lms.example/ana/1")
        );
        match s.record_certification(&w.manager, a, &input).await {
            Err(Error::Invalid(errors)) => assert!(
                errors[0]
                    .message
                    .starts_with("Ana already has Sales — Foundation from"),
                "{errors:?}"
            ),
            other => panic!("{other:?}"),
        }
        let renewal = RecordInput {
            earned_on: today.to_string(),
            ..input.clone()
        };
        s.record_certification(&w.manager, a, &renewal)
            .await
            .unwrap();
        let records = s
            .certification_records(&w.a_user, a, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        let statuses: Vec<Status> = records.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [Status::Active, Status::Renewed],
            "newest first; the older one was renewed"
        );
        let learning = s.learning(&w.a_user, a).await.unwrap();
        assert!(
            learning.enrollments.is_empty(),
            "earning it ends the enrollment"
        );
        let path = learning
            .paths
            .iter()
            .find(|p| p.contact_id == ana && p.path == "sales_path")
            .unwrap();
        assert_eq!(
            (
                path.progress.done,
                path.progress.total,
                path.next_name.as_deref()
            ),
            (1, 3, Some("Sales — Advanced"))
        );
        let not_theirs = RecordInput {
            contact_id: bea.to_string(),
            ..renewal.clone()
        };
        match s.record_certification(&w.manager, a, &not_theirs).await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "contact_id"),
            other => panic!("{other:?}"),
        }
        let future = RecordInput {
            earned_on: (today + time::Duration::days(2)).to_string(),
            ..renewal
        };
        match s.record_certification(&w.manager, a, &future).await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "earned_on"),
            other => panic!("{other:?}"),
        }
        let timeline = s
            .partner_timeline(&w.a_user, a, "", None)
            .await
            .unwrap()
            .items;
        assert!(timeline.iter().any(|e| e.action == "enrolled"));
        assert!(
            timeline
                .iter()
                .any(|e| e.summary.contains("recorded by hand"))
        );
    })
    .await;
}

#[tokio::test]
async fn attachments_are_kept_per_partner_and_checked() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        let pdf = b"%PDF-1.4 signed by both parties";
        let file = s
            .upload_attachment(
                &w.a_user,
                a,
                "C:\\fakepath\\NDA signed.pdf",
                "application/pdf",
                pdf,
            )
            .await
            .unwrap();
        assert_eq!(
            (file.filename.as_str(), file.size_bytes),
            ("NDA signed.pdf", pdf.len() as i64)
        );
        assert_eq!(
            file.url,
            format!("/attachments/{}/NDA%20signed.pdf", file.id)
        );
        assert_eq!(file.sha256.len(), 64);
        let (meta, data) = s.download_attachment(&w.manager, file.id).await.unwrap();
        assert_eq!(
            (meta.content_type.as_str(), data.as_slice()),
            ("application/pdf", &pdf[..])
        );
        let b_user = user(
            s,
            &w.admin,
            "user@bravo.test",
            "partner_user",
            Some(w.partner_b),
        )
        .await;
        assert!(matches!(
            s.download_attachment(&b_user, file.id).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.upload_attachment(&b_user, a, "x.pdf", "", pdf).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.upload_attachment(&w.executive, a, "x.pdf", "", pdf).await,
            Err(Error::Forbidden(_))
        ));
        match s.upload_attachment(&w.manager, a, "", "", b"").await {
            Err(Error::Invalid(errors)) => {
                let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
                assert_eq!(messages, ["the file needs a name", "is empty"]);
            }
            other => panic!("{other:?}"),
        }
        let too_big = vec![0u8; services::attachments::MAX_ATTACHMENT_BYTES + 1];
        match s
            .upload_attachment(&w.manager, a, "big.bin", "", &too_big)
            .await
        {
            Err(Error::Invalid(errors)) => {
                assert_eq!(errors[0].message, "is 10.0 MB; files may be at most 10 MB")
            }
            other => panic!("{other:?}"),
        }
        let untyped = s
            .upload_attachment(&w.manager, a, "notes.txt", " ", b"hello")
            .await
            .unwrap();
        assert_eq!(untyped.content_type, "application/octet-stream");
        let timeline = s
            .partner_timeline(&w.a_user, a, "", None)
            .await
            .unwrap()
            .items;
        assert!(
            timeline
                .iter()
                .any(|e| e.summary == "NDA signed.pdf attached (31 bytes)"),
            "{timeline:?}"
        );
    })
    .await;
}
