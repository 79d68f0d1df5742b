//! Deals: registrations, their conflicts and decisions, the daily sweep.

use super::*;

/// Gives a partner one active sales certification, so it passes the deal-registration gate.
#[tokio::test]
async fn deal_registration_conflicts_decisions_and_revenue() {
    use domain::deals::conflicts::Verdict;
    use domain::deals::registration::Status;
    use services::deals::{ActivityInput, DealClose, DealDecision, DealQuery, PipelineInput};
    each_backend(|w| async move {
        let s = &w.services;
        let (a, b) = (w.partner_a, w.partner_b);
        let b_admin = user(s, &w.admin, "admin@bravo.test", "partner_admin", Some(b)).await;

        // The eligibility gate explains itself.
        match s
            .register_deal(
                &w.a_user,
                a,
                &deal_input("Acme Corp", "acme.com", "80000"),
                true,
            )
            .await
        {
            Err(Error::Forbidden(why)) => assert_eq!(
                why,
                "to register deals your organisation needs one active sales certification; it has 0"
            ),
            other => panic!("{other:?}"),
        }
        certify(s, &w.manager, a, "ana@alpha.com").await;
        certify(s, &w.manager, b, "bo@bravo.com").await;

        match s
            .register_deal(&w.a_user, a, &deal_input("", "nope", "-1"), true)
            .await
        {
            Err(Error::Invalid(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["customer_name", "website", "deal_size"]);
            }
            other => panic!("{other:?}"),
        }
        let first = s
            .register_deal(
                &w.a_user,
                a,
                &deal_input("Acme Corp", "https://www.acme.com", "80000"),
                true,
            )
            .await
            .unwrap();
        assert_eq!(
            (first.status, first.conflict_verdict),
            (Status::Submitted, Verdict::Clear)
        );
        assert!(first.reference.starts_with("DR-"), "{}", first.reference);
        assert!(
            first.conflict_findings.is_none(),
            "partners never see findings"
        );
        assert!(first.decision_due.is_some() && !first.decision_overdue);
        assert!(matches!(
            s.register_deal(&w.a_user, b, &deal_input("X", "", "1"), true)
                .await,
            Err(Error::NotFound)
        ));

        // Another partner registering the same customer is told only "needs review" (pending).
        let preview = s
            .preview_conflicts(&b_admin, b, "ACME Corporation", "acme.com")
            .await
            .unwrap();
        assert_eq!(
            (preview.verdict, preview.findings.len()),
            (Verdict::NeedsReview, 0)
        );
        let internal = s
            .preview_conflicts(&w.manager, b, "ACME Corporation", "acme.com")
            .await
            .unwrap();
        assert!(
            internal.findings[0].explanation.starts_with(&format!(
                "same domain acme.com as {}, registered the same day by another partner",
                first.reference
            )),
            "{:?}",
            internal.findings
        );

        // Approved: protected for Alpha's tier window; now B is told "already registered".
        match s
            .decide_deal(
                &w.manager,
                first.id,
                &DealDecision {
                    decision: "reject".into(),
                    note: " ".into(),
                },
            )
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "note"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.decide_deal(
                &w.a_admin,
                first.id,
                &DealDecision {
                    decision: "approve".into(),
                    note: String::new()
                }
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        let approved = s
            .decide_deal(
                &w.manager,
                first.id,
                &DealDecision {
                    decision: "approve".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(approved.status, Status::Approved);
        assert!(approved.protected_until.is_some());
        match s
            .decide_deal(
                &w.manager,
                first.id,
                &DealDecision {
                    decision: "approve".into(),
                    note: String::new(),
                },
            )
            .await
        {
            Err(Error::Conflict(why)) => assert!(
                why.starts_with("a registration that is approved can only become"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        let second = s
            .register_deal(
                &b_admin,
                b,
                &deal_input("Acme", "shop.acme.com", "20000"),
                true,
            )
            .await
            .unwrap();
        assert_eq!(
            second.conflict_verdict,
            Verdict::NeedsReview,
            "registered the same day: a tie goes to review"
        );
        let as_manager = s.deal(&w.manager, second.id).await.unwrap();
        assert_eq!(as_manager.conflict_findings.unwrap().len(), 1);
        assert!(
            matches!(s.deal(&w.a_user, second.id).await, Err(Error::NotFound)),
            "A never sees B's registration"
        );
        let mine = s.deals(&w.a_user, &DealQuery::default()).await.unwrap();
        assert_eq!(
            mine.items.iter().map(|d| d.id).collect::<Vec<_>>(),
            [first.id]
        );
        let all = s
            .deals(
                &w.manager,
                &DealQuery {
                    status: "submitted".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.items.len(), 1);
        assert!(matches!(
            s.deals(
                &w.manager,
                &DealQuery {
                    status: "bogus".into(),
                    ..Default::default()
                }
            )
            .await,
            Err(Error::Invalid(_))
        ));

        // The review queue: registrations with an open conflict case (internal users only).
        let queue = s
            .deals(
                &w.manager,
                &DealQuery {
                    conflicts: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            queue.items.iter().map(|d| d.id).collect::<Vec<_>>(),
            [second.id]
        );
        let theirs = s
            .deals(
                &b_admin,
                &DealQuery {
                    conflicts: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            theirs.items.len(),
            s.deals(&b_admin, &DealQuery::default())
                .await
                .unwrap()
                .items
                .len(),
            "the queue filter means nothing to partners: they list their own"
        );

        // Co-sell: 80k is over the threshold, so moving past discovery needs a joint call.
        let pipeline = PipelineInput {
            stage: "demo".into(),
            probability: "60".into(),
            forecast_category: "best_case".into(),
            next_action: "Demo to CFO".into(),
            next_action_on: String::new(),
            next_action_owner: "Ana".into(),
            blockers: String::new(),
        };
        match s.update_pipeline(&w.a_user, first.id, &pipeline).await {
            Err(Error::Invalid(errors)) => assert_eq!(
                errors[0].message,
                "this deal is co-sold: a joint call with our team (logged or confirmed by us) must be on record before it moves to Demo"
            ),
            other => panic!("{other:?}"),
        }
        s.log_activity(
            &w.a_user,
            first.id,
            &ActivityInput {
                kind: "call".into(),
                joint: true,
                note: "Joint discovery call".into(),
                occurred_on: String::new(),
            },
        )
        .await
        .unwrap();
        // The partner's own word is not enough: one of ours confirms the joint call.
        let call = s.deal_activities(&w.manager, first.id, &PageRequest::everything()).await.unwrap().items[0].id;
        s.confirm_activity(&w.manager, first.id, call)
            .await
            .unwrap();
        let moved = s
            .update_pipeline(&w.a_user, first.id, &pipeline)
            .await
            .unwrap();
        assert_eq!(
            (moved.stage.as_deref(), moved.weighted_value),
            (Some("demo"), Some(rust_decimal::Decimal::from(48_000)))
        );
        assert_eq!(
            s.deal_activities(&w.manager, first.id, &PageRequest::everything()).await.unwrap().items.len(),
            1
        );

        // Won: the revenue feeds the tier engine in place of typed figures; the checklist sees it.
        let won = s
            .close_deal(
                &w.a_user,
                first.id,
                &DealClose {
                    outcome: "won".into(),
                    amount: "75000".into(),
                    closed_on: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(won.status, Status::Won);
        // Won, it leaves the open pipeline: no stage and no weighted value, here or on lists.
        assert_eq!((won.stage.as_deref(), won.weighted_value), (None, None));
        // The partner reported it; it counts once one of ours confirms it.
        let confirm = services::deals::credit::WinConfirmationInput {
            amount: "75000".into(),
        };
        s.confirm_win(&w.manager, first.id, &confirm).await.unwrap();
        assert_eq!(
            s.partner_facts(&w.manager, a)
                .await
                .unwrap()
                .sourced_revenue_12m,
            rust_decimal::Decimal::from(75_000)
        );
        // No credit without logged activity: a second win with none leaves the revenue as it is.
        let quiet = s
            .register_deal(&w.a_user, a, &deal_input("Quiet Win", "", "9000"), true)
            .await
            .unwrap();
        if quiet.status == domain::deals::registration::Status::Submitted {
            s.decide_deal(
                &w.manager,
                quiet.id,
                &DealDecision {
                    decision: "approve".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        }
        // A co-sold deal without a joint call is not won at all (from discovery straight to won).
        let quietly = DealClose {
            outcome: "won".into(),
            amount: String::new(),
            closed_on: String::new(),
        };
        match s.close_deal(&w.a_user, quiet.id, &quietly).await {
            Err(Error::Invalid(e)) => assert_eq!(e[0].field, "outcome"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.partner_facts(&w.manager, a)
                .await
                .unwrap()
                .sourced_revenue_12m,
            rust_decimal::Decimal::from(75_000)
        );
        let again = s
            .preview_conflicts(&b_admin, b, "Acme", "acme.com")
            .await
            .unwrap();
        assert_eq!(
            again.verdict,
            Verdict::Clear,
            "a closed registration no longer claims the customer"
        );
        let timeline = s
            .partner_timeline(&w.a_user, a, "", None)
            .await
            .unwrap()
            .items;
        assert!(
            timeline.iter().any(|e| e.summary.contains("won on")),
            "{timeline:?}"
        );
        let team = s
            .notifications(&w.manager, &Default::default())
            .await
            .unwrap()
            .items;
        assert!(
            team.iter()
                .any(|n| n.kind == "deal_registration"
                    && n.message.contains("needs a conflict review")),
            "{team:?}"
        );
        let told = s
            .notifications(&w.a_admin, &Default::default())
            .await
            .unwrap()
            .items;
        assert!(
            told.iter()
                .any(|n| n.message.contains("approved, protected until")),
            "{told:?}"
        );

        // References and cursors say nothing about how many registrations others made.
        let number = |r: &str| r.trim_start_matches("DR-").parse::<i64>().unwrap();
        let third = s
            .register_deal(&w.a_user, a, &deal_input("Third Co", "", "1000"), false)
            .await
            .unwrap();
        assert!(
            (number(&third.reference) - number(&first.reference)).abs() > 1,
            "{} {}",
            first.reference,
            third.reference
        );
        let page = s
            .deals(
                &w.a_user,
                &DealQuery {
                    limit: Some(1),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            uuid::Uuid::parse_str(page.next_cursor.as_deref().unwrap()).is_ok(),
            "the cursor is an id, not a count"
        );

        // Our AE and SE, and the deal-desk flag: internal only.
        use services::deals::AssignmentInput;
        let bad = AssignmentInput {
            ae_user_id: "nobody".into(),
            se_user_id: w.a_user.user_id.unwrap().to_string(),
            deal_desk_review: true,
        };
        match s.assign_deal(&w.manager, first.id, &bad).await {
            Err(Error::Invalid(errors)) => assert_eq!(
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>(),
                [
                    "'nobody' is not a user id",
                    "must be an active internal user"
                ]
            ),
            other => panic!("{other:?}"),
        }
        let good = AssignmentInput {
            ae_user_id: w.manager.user_id.unwrap().to_string(),
            se_user_id: String::new(),
            deal_desk_review: true,
        };
        assert!(matches!(
            s.assign_deal(&w.a_admin, first.id, &good).await,
            Err(Error::Forbidden(_))
        ));
        let assigned = s.assign_deal(&w.manager, first.id, &good).await.unwrap();
        assert_eq!(
            (assigned.ae_user_id, assigned.deal_desk_review),
            (w.manager.user_id, true)
        );
        let seen_by_partner = s.deal(&w.a_user, first.id).await.unwrap();
        assert_eq!(
            (seen_by_partner.ae_user_id, seen_by_partner.deal_desk_review),
            (None, false)
        );

        // The pipeline: partners see their own, managers the program; snapshots keep it.
        let mine = s.pipeline(&w.a_user, None).await.unwrap();
        assert_eq!(
            (mine.open.deals, mine.won.deals, mine.won.value),
            (1, 1, rust_decimal::Decimal::from(75_000)),
            "the quiet deal stays open: it was never won"
        );
        assert_eq!(
            mine.velocity_days,
            Some(rust_decimal::Decimal::ZERO),
            "registered and won the same day"
        );
        assert!(matches!(
            s.pipeline(&w.a_user, Some(b)).await,
            Err(Error::NotFound)
        ));
        let program = s.pipeline(&w.manager, None).await.unwrap();
        assert_eq!(
            (program.open.deals, program.open.weighted),
            (2, rust_decimal::Decimal::from(11_600)),
            "Bravo's 8,000 and Alpha's quiet deal (9,000 at 40 %)"
        );
        assert_eq!(
            program.by_partner.keys().collect::<Vec<_>>(),
            ["Alpha", "Bravo"]
        );
        assert!(matches!(
            s.take_forecast_snapshot(&w.a_admin).await,
            Err(Error::Forbidden(_))
        ));
        let snapshot = s.take_forecast_snapshot(&w.manager).await.unwrap();
        assert_eq!(snapshot.summary, program);
        assert_eq!(
            s.forecast_snapshots(&w.executive, &PageRequest::everything()).await.unwrap().items[0].id,
            snapshot.id
        );
        assert!(matches!(
            s.forecast_snapshots(&w.a_user, &PageRequest::everything()).await,
            Err(Error::Forbidden(_))
        ));
        // Rejecting a registration makes its conflict moot: its case closes with the
        // decision (without an outcome) and it leaves the review queue.
        s.decide_deal(
            &w.manager,
            second.id,
            &DealDecision {
                decision: "reject".into(),
                note: "Acme is Alpha's, registered first".into(),
            },
        )
        .await
        .unwrap();
        let queue = s
            .deals(
                &w.manager,
                &DealQuery {
                    conflicts: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(queue.items.is_empty(), "{:?}", queue.items);
        let case = s
            .deal_conflict_case(&w.manager, second.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (case.state, case.conflict_outcome),
            (domain::escalations::State::Closed, None)
        );
    })
    .await;
}

#[tokio::test]
async fn deal_sweep_expires_warns_flags_and_extensions_extend() {
    use services::deals::DealDecision;
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let approve = DealDecision {
            decision: "approve".into(),
            note: String::new(),
        };
        let today = store::now().date();
        let set = |id: uuid::Uuid, change: Box<dyn Fn(&mut store::deals::DealRow) + Send>| {
            let db = s.db.clone();
            async move {
                let mut tx = db.write().await.unwrap();
                let mut row = store::deals::get(&mut tx, id).await.unwrap().unwrap();
                change(&mut row);
                store::deals::update(&mut tx, &row, row.change_no).await.unwrap();
                tx.commit().await.unwrap();
            }
        };
        let ending = s
            .register_deal(&w.a_user, a, &deal_input("Ending Co", "", "1000"), true)
            .await
            .unwrap();
        s.decide_deal(&w.manager, ending.id, &approve)
            .await
            .unwrap();
        let warned = s
            .register_deal(&w.a_user, a, &deal_input("Warned Co", "", "1000"), true)
            .await
            .unwrap();
        s.decide_deal(&w.manager, warned.id, &approve)
            .await
            .unwrap();
        let late = s
            .register_deal(&w.a_user, a, &deal_input("Late Co", "", "1000"), true)
            .await
            .unwrap();
        let yesterday = today - time::Duration::days(1);
        let in_three = today + time::Duration::days(3);
        set(
            ending.id,
            Box::new(move |r| r.protected_until = Some(yesterday)),
        )
        .await;
        set(
            warned.id,
            Box::new(move |r| r.protected_until = Some(in_three)),
        )
        .await;
        let due = today - time::Duration::days(1);
        set(
            late.id,
            Box::new(move |r| r.decision_due = Some(due)),
        )
        .await;

        let system = Actor::system("test sweep");
        assert_eq!(
            s.run_deal_sweep(&system).await.unwrap(),
            "1 protection(s) expired, 1 expiry warning(s), 1 overdue decision(s) flagged, 0 overdue lead(s) flagged, 2 health score(s) recorded"
        );
        assert_eq!(
            s.run_deal_sweep(&system).await.unwrap(),
            "0 protection(s) expired, 0 expiry warning(s), 0 overdue decision(s) flagged, 0 overdue lead(s) flagged, 0 health score(s) recorded",
            "each once"
        );
        assert_eq!(
            s.deal(&w.manager, ending.id).await.unwrap().status,
            domain::deals::registration::Status::Expired
        );
        assert!(s.deal(&w.manager, late.id).await.unwrap().decision_overdue);
        let told = s
            .notifications(&w.a_admin, &Default::default())
            .await
            .unwrap()
            .items;
        assert!(
            told.iter()
                .any(|n| n.kind == "deal_expiring" && n.message.contains("Warned Co")),
            "{told:?}"
        );
        assert!(told.iter().any(|n| n.kind == "deal_expired"));
        let team = s
            .notifications(&w.manager, &Default::default())
            .await
            .unwrap()
            .items;
        assert!(
            team.iter()
                .any(|n| n.kind == "deal_decision_overdue" && n.message.contains("Late Co"))
        );

        // One extension (the default policy), granted by a partner manager.
        match s.request_extension(&w.a_user, warned.id, "").await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "reason"),
            other => panic!("{other:?}"),
        }
        s.request_extension(&w.a_user, warned.id, "Procurement needs two more weeks")
            .await
            .unwrap();
        assert!(matches!(
            s.request_extension(&w.a_user, warned.id, "again").await,
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            s.decide_extension(&w.a_admin, warned.id, true).await,
            Err(Error::Forbidden(_))
        ));
        let extended = s
            .decide_extension(&w.manager, warned.id, true)
            .await
            .unwrap();
        assert_eq!(
            extended.protected_until,
            Some((today + time::Duration::days(33)).to_string())
        );
        assert_eq!(extended.extensions_used, 1);
        match s.request_extension(&w.a_user, warned.id, "More").await {
            Err(Error::Conflict(why)) => assert_eq!(
                why,
                "the program allows 1 extension(s) and 1 have been used"
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.request_extension(&w.a_user, ending.id, "Too late").await,
            Err(Error::Conflict(_))
        ));
    })
    .await;
}
