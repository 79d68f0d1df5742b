//! Nothing that feeds a tier is self-declared: a partner reports a win and logs joint calls,
//! and only our people confirm them — on SQLite and on PostgreSQL.

use rust_decimal::Decimal;
use services::Error;
use services::deals::credit::WinConfirmationInput;
use services::deals::{ActivityInput, DealClose, DealDecision};

mod common;
use common::*;

fn won(amount: &str) -> DealClose {
    DealClose {
        outcome: "won".into(),
        amount: amount.into(),
        closed_on: String::new(),
    }
}

#[tokio::test]
async fn a_partners_win_and_joint_call_count_only_once_we_confirm_them() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let deal = s
            .register_deal(
                &w.a_user,
                a,
                &deal_input("Acme Corp", "acme.com", "80000"),
                true,
            )
            .await
            .unwrap();
        let approve = DealDecision {
            decision: "approve".into(),
            note: String::new(),
        };
        s.decide_deal(&w.manager, deal.id, &approve).await.unwrap();
        let revenue = || async {
            s.partner_facts(&w.manager, a)
                .await
                .unwrap()
                .sourced_revenue_12m
        };

        // Partner-sourced, so co-sold: no win without a joint call that counts.
        let co_sold = "this deal is co-sold: a joint call with our team must be on record \
                       (logged or confirmed by us) before it is won";
        match s.close_deal(&w.a_user, deal.id, &won("5000000")).await {
            Err(Error::Invalid(e)) => assert_eq!(
                (e[0].field.as_str(), e[0].message.as_str()),
                ("outcome", co_sold)
            ),
            other => panic!("{other:?}"),
        }
        let call = ActivityInput {
            kind: "call".into(),
            joint: true,
            note: "joint discovery call".into(),
            ..Default::default()
        };
        let logged = s.log_activity(&w.a_user, deal.id, &call).await.unwrap();
        assert!(!logged.counts_for_credit, "the partner's own word");
        match s.close_deal(&w.a_user, deal.id, &won("5000000")).await {
            Err(Error::Invalid(e)) => assert_eq!(e[0].message, co_sold),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.confirm_activity(&w.a_admin, deal.id, logged.id).await,
            Err(Error::Forbidden(_))
        ));
        let confirmed = s
            .confirm_activity(&w.manager, deal.id, logged.id)
            .await
            .unwrap();
        assert_eq!(
            (
                confirmed.counts_for_credit,
                confirmed.confirmed_by.as_deref()
            ),
            (true, Some("pm@vendor.test"))
        );
        assert!(matches!(
            s.confirm_activity(&w.manager, deal.id, logged.id).await,
            Err(Error::Conflict(_))
        ));

        match s.close_deal(&w.a_user, deal.id, &won("0")).await {
            Err(Error::Invalid(e)) => assert_eq!(
                (e[0].field.as_str(), e[0].message.as_str()),
                ("amount", "a won deal's amount must be more than 0")
            ),
            other => panic!("{other:?}"),
        }
        // A win is dated between the registration and today.
        let back_dated = DealClose {
            closed_on: "2020-01-01".into(),
            ..won("5000000")
        };
        match s.close_deal(&w.a_user, deal.id, &back_dated).await {
            Err(Error::Invalid(e)) => assert_eq!(
                (e[0].field.as_str(), e[0].message.as_str()),
                (
                    "closed_on",
                    format!(
                        "2020-01-01 is before the deal was registered ({})",
                        store::now().date()
                    )
                    .as_str()
                )
            ),
            other => panic!("{other:?}"),
        }
        // The partner reports $5,000,000: it is won, and feeds nothing until we confirm it.
        let reported = s
            .close_deal(&w.a_user, deal.id, &won("5000000"))
            .await
            .unwrap();
        assert_eq!(reported.status, domain::deals::registration::Status::Won);
        assert_eq!(
            reported.win_confirmed,
            Some(false),
            "the API says it waits for us"
        );
        assert_eq!(revenue().await, Decimal::ZERO);
        let pipeline = s.pipeline(&w.manager, None).await.unwrap();
        assert_eq!(
            (pipeline.won.deals, pipeline.won_unconfirmed.deals),
            (0, 1),
            "the pipeline's won figure waits for us too"
        );
        assert_eq!(pipeline.won_unconfirmed.value, Decimal::from(5_000_000));
        let waiting = s
            .notifications(&w.manager, &Default::default())
            .await
            .unwrap();
        assert!(
            waiting.items.iter().any(|n| n.kind == "win_reported"),
            "the partner manager is asked to confirm"
        );

        match s
            .confirm_win(&w.manager, deal.id, &WinConfirmationInput::default())
            .await
        {
            Err(Error::Invalid(e)) => assert_eq!(
                e[0].message,
                "type the amount we confirm (the partner reported 5000000.00 USD)"
            ),
            other => panic!("{other:?}"),
        }
        let confirm = WinConfirmationInput {
            amount: "120000".into(),
        };
        assert!(matches!(
            s.confirm_win(&w.a_admin, deal.id, &confirm).await,
            Err(Error::Forbidden(_))
        ));
        let confirmed = s.confirm_win(&w.manager, deal.id, &confirm).await.unwrap();
        assert_eq!(
            (confirmed.win_confirmed, confirmed.closed_amount),
            (Some(true), Some(Decimal::from(120_000)))
        );
        assert_eq!(
            s.deal(&w.a_user, deal.id).await.unwrap().win_confirmed,
            Some(true)
        );
        assert_eq!(revenue().await, Decimal::from(120_000));
        let pipeline = s.pipeline(&w.manager, None).await.unwrap();
        assert_eq!(
            (pipeline.won.value, pipeline.won_unconfirmed.deals),
            (Decimal::from(120_000), 0)
        );
        assert!(matches!(
            s.confirm_win(&w.manager, deal.id, &confirm).await,
            Err(Error::Conflict(_))
        ));

        // A win one of ours records is confirmed at once.
        let second = s
            .register_deal(
                &w.a_user,
                a,
                &deal_input("Globex", "globex.com", "30000"),
                true,
            )
            .await
            .unwrap();
        s.decide_deal(&w.manager, second.id, &approve)
            .await
            .unwrap();
        let ours = ActivityInput {
            kind: "meeting".into(),
            joint: true,
            note: "QBR".into(),
            ..Default::default()
        };
        s.log_activity(&w.manager, second.id, &ours).await.unwrap();
        assert_eq!(
            s.deal(&w.manager, second.id).await.unwrap().win_confirmed,
            None,
            "not won yet"
        );
        s.close_deal(&w.manager, second.id, &won("30000"))
            .await
            .unwrap();
        assert_eq!(revenue().await, Decimal::from(150_000));
        let listed: Vec<Option<bool>> = s
            .deals(&w.manager, &Default::default())
            .await
            .unwrap()
            .items
            .iter()
            .map(|d| d.win_confirmed)
            .collect();
        assert_eq!(
            listed,
            [Some(true), Some(true)],
            "both wins confirmed, in the list too"
        );
    })
    .await;
}

#[tokio::test]
async fn a_partner_reads_its_own_reports_and_shared_results_and_our_people_as_the_team() {
    each_backend(|w| async move {
        use domain::program::scoring_3c4c::EvaluationInput;
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let deal = s
            .register_deal(
                &w.manager,
                a,
                &deal_input("Globex", "globex.example", "20000"),
                true,
            )
            .await
            .unwrap();
        let call = |note: &str| ActivityInput {
            kind: "call".into(),
            joint: true,
            note: note.into(),
            ..Default::default()
        };
        s.log_activity(&w.a_user, deal.id, &call("their discovery call"))
            .await
            .unwrap();
        s.log_activity(&w.manager, deal.id, &call("budget looks thin to me"))
            .await
            .unwrap();
        let scores = EvaluationInput {
            capacity: "2".into(),
            capability: "2".into(),
            commitment: "1".into(),
            action_plan: "joint plan with Ana by March".into(),
            ..Default::default()
        };
        s.evaluate_3c4c(&w.manager, a, &scores).await.unwrap();
        let shared = EvaluationInput {
            shared: true,
            ..scores
        };
        s.evaluate_3c4c(&w.manager, a, &shared).await.unwrap();

        // Our people tick an onboarding item, decide a tier and note something about Alpha.
        for stage in ["recruiting", "onboarding"] {
            s.change_partner_stage(&w.manager, a, stage, "signed")
                .await
                .unwrap();
        }
        let item = s
            .onboarding_checklist(&w.manager, a)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.can_tick && i.owner != "partner" && i.evidence_kind != "file")
            .unwrap();
        s.tick_onboarding_item(&w.manager, item.id, true, "https://drive.example/msa")
            .await
            .unwrap();
        s.set_tier_manually(&w.manager, a, "bronze", "signed as Bronze")
            .await
            .unwrap();
        let partner = s.get_partner(&w.manager, a).await.unwrap();
        let noted = domain::partners::PartnerInput {
            notes: "slow to answer; watch the renewal".into(),
            ..partner.to_input()
        };
        s.update_partner(&w.manager, a, &noted).await.unwrap();

        let checklist = s.onboarding_checklist(&w.a_user, a).await.unwrap();
        let ticked = checklist.items.iter().find(|i| i.id == item.id).unwrap();
        assert_eq!(ticked.done_by.as_deref(), Some("our team"));
        let proposals = s
            .partner_proposals(&w.a_user, a, &services::PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(proposals[0].decided_by.as_deref(), Some("our team"));
        let evaluations = s
            .evaluations_3c4c(&w.a_user, a, &services::PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(
            evaluations
                .iter()
                .map(|e| e.evaluated_by.as_str())
                .collect::<Vec<_>>(),
            ["our team"],
            "the shared one only, by our team"
        );
        let ours = s.onboarding_checklist(&w.manager, a).await.unwrap();
        let ticked = ours.items.iter().find(|i| i.id == item.id).unwrap();
        assert_eq!(ticked.done_by.as_deref(), Some("pm@vendor.test"));

        let timeline = s
            .partner_timeline(&w.a_user, a, "", Some(100))
            .await
            .unwrap()
            .items;
        assert!(
            !timeline.iter().any(|e| e.summary.contains("notes")),
            "an edit of our notes is ours"
        );
        let seen: Vec<(&str, &str, &str)> = timeline
            .iter()
            .map(|e| {
                (
                    e.entity_type.as_str(),
                    e.action.as_str(),
                    e.actor_label.as_str(),
                )
            })
            .filter(|(entity, _, _)| ["deal_registration", "evaluation_3c4c"].contains(entity))
            .collect();
        assert_eq!(
            seen,
            [
                ("evaluation_3c4c", "shared", "our team"),
                ("deal_registration", "activity_reported", "user@alpha.test"),
                ("deal_registration", "submitted", "our team"),
            ]
        );
        let today = store::now().date();
        let shared_event = timeline
            .iter()
            .find(|e| e.entity_type == "evaluation_3c4c")
            .unwrap();
        assert_eq!(
            shared_event.summary,
            format!("3C/4C evaluation of {today} shared with the partner")
        );
        assert!(
            timeline
                .iter()
                .all(|e| !e.actor_label.ends_with("@vendor.test")),
            "no address of ours"
        );
        // Our people read everything, with names.
        let ours = s
            .partner_timeline(&w.manager, a, "", Some(100))
            .await
            .unwrap()
            .items;
        assert!(
            ours.iter()
                .any(|e| e.action == "activity" && e.actor_label == "pm@vendor.test")
        );
        assert!(
            ours.iter().any(|e| e.action == "internal_fields_updated"
                && e.summary == "Partner Alpha edited: notes")
        );

        let read = |who| async move {
            s.deal_activities(who, deal.id, &services::PageRequest::everything())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|a| (a.by, a.note))
                .collect::<Vec<_>>()
        };
        let mut for_partner = read(&w.a_user).await;
        for_partner.sort();
        assert_eq!(
            for_partner,
            [
                ("our team".to_owned(), String::new()),
                (
                    "user@alpha.test".to_owned(),
                    "their discovery call".to_owned()
                ),
            ]
        );
        let mut for_us = read(&w.manager).await;
        for_us.sort();
        assert_eq!(
            for_us,
            [
                (
                    "pm@vendor.test".to_owned(),
                    "budget looks thin to me".to_owned()
                ),
                (
                    "user@alpha.test".to_owned(),
                    "their discovery call".to_owned()
                ),
            ]
        );
    })
    .await;
}
