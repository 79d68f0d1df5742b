//! The program: versions, quarterly facts, tiers and their evaluation, IPP and 3C/4C.

use super::*;

#[tokio::test]
async fn program_versions_activation_and_effective_dates() {
    each_backend(|w| async move {
        let s = &w.services;
        let (version, program) = s.program_in_force().await.unwrap();
        assert_eq!(
            (version, program.tiers.len()),
            (0, 5),
            "the shipped default applies first"
        );
        let default = domain::program::DEFAULT_PROGRAM;
        let bad = default.replacen("currency = \"USD\"", "currency = \"usd\"", 1);
        match s.apply_program(&w.admin, &bad, "", "").await {
            Err(Error::Invalid(errors)) => assert!(
                errors[0].message.starts_with("line 9, column"),
                "{errors:?}"
            ),
            other => panic!("expected invalid, got {other:?}"),
        }
        assert!(matches!(
            s.apply_program(&w.manager, default, "", "").await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.apply_program(&w.admin, default, "2001-01-01", "").await,
            Err(Error::Invalid(_))
        ));
        assert!(
            s.program_versions(&w.admin, &PageRequest::everything())
                .await
                .unwrap()
                .items
                .is_empty(),
            "nothing stored by refused attempts"
        );
        let euro = default.replacen("currency = \"USD\"", "currency = \"EUR\"", 1);
        let v1 = s
            .apply_program(&w.admin, &euro, "", "switch to euro")
            .await
            .unwrap();
        assert_eq!(v1.version, 1);
        assert!(v1.diff.contains("+currency = \"EUR\""));
        let later = s
            .apply_program(&w.admin, default, "2099-12-31", "back to dollars")
            .await
            .unwrap();
        assert_eq!(later.version, 2);
        let (version, program) = s.program_in_force().await.unwrap();
        assert_eq!(
            (version, program.currency.as_str()),
            (1, "EUR"),
            "a future version waits for its date"
        );
        let versions = s
            .program_versions(&w.executive, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [2, 1]
        );
        assert!(matches!(
            s.program_versions(&w.a_user, &PageRequest::everything())
                .await,
            Err(Error::Forbidden(_))
        ));
        let log = s
            .audit_log(
                &w.admin,
                &services::audit::AuditQuery {
                    entity_type: "program".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(log.items.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn quarterly_facts_feed_the_trailing_evaluation() {
    use domain::program::history::QuarterFactsInput;
    each_backend(|w| async move {
        let s = &w.services;
        let now = services::clock::current_quarter();
        let quarter =
            |q: domain::quarter::Quarter, revenue: &str, certified: &str| QuarterFactsInput {
                quarter: q.to_string(),
                sourced_revenue: revenue.into(),
                certified_people: certified.into(),
                customer_references: "5".into(),
                qbrs: "1".into(),
                ..Default::default()
            };
        // Five quarters back falls out of the window; the last four add up.
        let old = now.previous().previous().previous().previous();
        s.set_quarter_facts(&w.manager, w.partner_a, &quarter(old, "900000", "1"))
            .await
            .unwrap();
        s.set_quarter_facts(
            &w.manager,
            w.partner_a,
            &quarter(now.previous(), "60000", "3"),
        )
        .await
        .unwrap();
        s.set_quarter_facts(&w.manager, w.partner_a, &quarter(now, "50000", ""))
            .await
            .unwrap();
        let facts = s.partner_facts(&w.a_user, w.partner_a).await.unwrap();
        assert_eq!(
            facts.sourced_revenue_12m,
            rust_decimal::Decimal::from(110_000)
        );
        assert_eq!(facts.qbrs_per_year, 2);
        assert_eq!(
            facts.certified_people, 0,
            "the current quarter's count is what was recorded: 0"
        );
        let report = s.evaluate_partner(&w.a_user, w.partner_a).await.unwrap();
        assert_eq!(report.quarter, now.to_string());
        assert_eq!(
            s.partner_history(&w.manager, w.partner_a)
                .await
                .unwrap()
                .len(),
            3
        );
        assert!(matches!(
            s.set_quarter_facts(&w.a_admin, w.partner_a, &quarter(now, "1", "1"))
                .await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.partner_history(&w.a_user, w.partner_b).await,
            Err(Error::NotFound)
        ));
        let events = s
            .partner_timeline(&w.manager, w.partner_a, "", None)
            .await
            .unwrap();
        assert!(
            events
                .items
                .iter()
                .any(|e| e.summary == format!("Tier facts for {now} recorded"))
        );
    })
    .await;
}

#[tokio::test]
async fn facts_import_resolves_partners_and_is_all_or_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let no_progress = |_: usize, _: usize| {};
        let a = w.partner_a;
        // By id, by domain (any spelling) and by name; stored values not in the file remain.
        let seed = format!("partner,quarter,certified_people,advanced_certified_people\n{a},2026-Q1,4,2\n");
        assert!(s.import_facts(&w.manager, &seed, false, &no_progress).await.unwrap().applied);
        let csv = "partner,quarter,sourced_revenue\nhttps://www.Alpha.com/,2026-Q1,1000\nBravo,2026-Q2,\"$2,500.50\"\n";
        let report = s.import_facts(&w.manager, csv, false, &no_progress).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!((report.rows, report.partners, report.created, report.updated), (2, 2, 1, 1));
        let alpha = s.partner_history(&w.manager, a).await.unwrap();
        assert_eq!((alpha[0].certified_people, alpha[0].advanced_certified_people), (4, 2));
        assert_eq!(alpha[0].sourced_revenue, rust_decimal::Decimal::from(1000));
        let certs = "partner,quarter,cert.sales_advanced\nalpha.com,2026-Q1,2\n";
        assert!(s.import_facts(&w.manager, certs, false, &no_progress).await.unwrap().applied);
        let alpha = s.partner_history(&w.manager, a).await.unwrap();
        assert_eq!(alpha[0].certifications["sales_advanced"], 2);
        assert_eq!(alpha[0].certified_people, 4, "other values stay");
        let unknown = "partner,quarter,cert.wizardry\nalpha.com,2026-Q1,2\n";
        let report = s.import_facts(&w.manager, unknown, true, &no_progress).await.unwrap();
        assert!(report.errors[0].message.starts_with("'wizardry' is not a certification of the program"));
        let bravo = s.partner_history(&w.manager, w.partner_b).await.unwrap();
        assert_eq!(bravo[0].sourced_revenue, "2500.50".parse().unwrap());

        // One bad row (inconsistent with what is stored) and the same partner twice under two
        // names: nothing of the file is written.
        let csv = format!("partner,quarter,certified_people,sourced_revenue\n{a},2026-Q3,9,1\nalpha.com,2026-Q1,1,\nAlpha,2026-Q3,9,\n");
        let report = s.import_facts(&w.manager, &csv, false, &no_progress).await.unwrap();
        assert!(!report.applied);
        let found: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 3, advanced_certified_people: 2 advanced exceeds 1 certified people (advanced certifications count among them)".to_owned(),
                "line 4, partner: names the same partner and quarter as line 2 (by another id, domain or name)".to_owned(),
            ]
        );
        assert_eq!(s.partner_history(&w.manager, a).await.unwrap().len(), 1, "nothing written");

        s.archive_partner(&w.manager, w.partner_b).await.unwrap();
        let report = s
            .import_facts(&w.manager, "partner,quarter,qbrs\nbravo.com,2026-Q3,1\n", false, &no_progress)
            .await
            .unwrap();
        assert_eq!(report.errors[0].message, "partner 'bravo.com' is archived; restore it first");
        for actor in [&w.executive, &w.a_admin, &w.a_user] {
            assert!(matches!(
                s.import_facts(actor, "partner,quarter\n", true, &no_progress).await,
                Err(Error::Forbidden(_))
            ));
        }
        let audit = s
            .audit_log(&w.admin, &services::audit::AuditQuery { action: "imported".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(audit.items.len(), 4, "one event per partner per import");
    })
    .await;
}

#[tokio::test]
async fn tiers_are_program_keys_and_change_only_by_decision() {
    each_backend(|w| async move {
        let s = &w.services;
        let mut input = partner_input("Delta");
        input.tier = "Gold".into();
        let delta = s.create_partner(&w.manager, &input).await.unwrap();
        assert_eq!(delta.tier, "gold", "keys are matched case-insensitively and stored lower-case");
        input.tier = "diamond".into();
        match s.create_partner(&w.manager, &input).await {
            Err(Error::Invalid(errors)) => assert_eq!(
                errors[0].message,
                "'diamond' is not a tier of the program; choose one of: registered, bronze, silver, gold, platinum"
            ),
            other => panic!("{other:?}"),
        }
        let fresh = s.create_partner(&w.manager, &partner_input("Echo")).await.unwrap();
        assert_eq!(fresh.tier, "registered", "the lowest tier by default");

        let mut edit = delta.to_input();
        edit.notes = "edited".into();
        assert_eq!(s.update_partner(&w.manager, delta.id, &edit).await.unwrap().tier, "gold");
        edit.tier = "platinum".into();
        match s.update_partner(&w.manager, delta.id, &edit).await {
            Err(Error::Invalid(errors)) => {
                assert_eq!(errors[0].field, "tier");
                assert!(errors[0].message.contains("only through a tier decision"));
            }
            other => panic!("{other:?}"),
        }

        // A program that drops a tier partners hold is refused, naming the tier.
        let default = domain::program::DEFAULT_PROGRAM;
        let renamed = default.replacen("key = \"gold\"", "key = \"diamond\"", 1).replace(
            "[commissions.rate_percent_by_tier]\nbronze = 10\nsilver = 15\ngold = 20",
            "[commissions.rate_percent_by_tier]\nbronze = 10\nsilver = 15\ndiamond = 20",
        ).replacen("tier = \"gold\"\nbelow", "tier = \"diamond\"\nbelow", 1);
        assert!(domain::program::parse(&renamed).0.is_some(), "{:?}", domain::program::parse(&renamed).1);
        match s.apply_program(&w.admin, &renamed, "", "").await {
            Err(Error::Invalid(errors)) => assert!(
                errors[0].message.starts_with("1 partner(s) hold tier 'gold', which this program does not define"),
                "{errors:?}"
            ),
            other => panic!("{other:?}"),
        }
        let query = PartnerQuery { tier: "GOLD".into(), ..Default::default() };
        let page = s.list_partners(&w.manager, &query).await.unwrap();
        assert_eq!(page.items.len(), 1);
    })
    .await;
}

/// Records `revenue` as partner-sourced revenue in each of the last `quarters` quarters, with
/// the other criteria at Silver's level.
async fn silver_quarters(
    s: &Services,
    by: &Actor,
    partner: uuid::Uuid,
    quarters: usize,
    revenue: &str,
    certified: &str,
) {
    let now = services::clock::current_quarter();
    for q in now.trailing(quarters) {
        let input = domain::program::history::QuarterFactsInput {
            quarter: q.to_string(),
            sourced_revenue: revenue.into(),
            certified_people: certified.into(),
            advanced_certified_people: "1".into(),
            customer_references: "5".into(),
            qbrs: "1".into(),
            ..Default::default()
        };
        s.set_quarter_facts(by, partner, &input).await.unwrap();
    }
}

#[tokio::test]
async fn tier_evaluation_proposes_and_managers_decide() {
    use services::tiers::Decision;
    each_backend(|w| async move {
        let s = &w.services;
        let mut input = partner_input("Gamma");
        input.tier = "bronze".into();
        let gamma = s.create_partner(&w.manager, &input).await.unwrap().id;
        silver_quarters(s, &w.manager, gamma, 3, "60000", "3").await;
        input = partner_input("Hotel");
        input.tier = "gold".into();
        let hotel = s.create_partner(&w.manager, &input).await.unwrap().id;
        silver_quarters(s, &w.manager, hotel, 2, "10000", "3").await;

        let job = s.run_tier_evaluation_now(&w.manager).await.unwrap();
        assert_eq!(job.status, "done", "{job:?}");
        assert!(
            job.result
                .contains("1 upgrade(s) proposed, 1 downgrade notice(s)"),
            "{}",
            job.result
        );
        assert_eq!(job.requested_by, "pm@vendor.test");
        let queue = s
            .tier_proposals(&w.manager, "", &PageRequest::everything())
            .await
            .unwrap()
            .items;
        let upgrade = queue.iter().find(|p| p.partner_id == gamma).unwrap();
        assert_eq!(
            (
                upgrade.kind.as_str(),
                upgrade.status.as_str(),
                upgrade.from_tier.as_str(),
                upgrade.to_tier.as_str()
            ),
            ("upgrade", "open", "Bronze", "Silver")
        );
        assert!(
            upgrade.reason.starts_with("qualified for Silver in "),
            "{}",
            upgrade.reason
        );
        let notice = queue.iter().find(|p| p.partner_id == hotel).unwrap();
        assert_eq!(
            (
                notice.kind.as_str(),
                notice.status.as_str(),
                notice.to_tier.as_str()
            ),
            ("downgrade", "notice", "Bronze")
        );
        assert!(notice.remediation_until.is_some() && notice.notice_until.is_some());

        // Running again changes nothing: one proposal in play per partner.
        let again = s.run_tier_evaluation_now(&w.manager).await.unwrap();
        assert!(
            again
                .result
                .contains("0 upgrade(s) proposed, 0 downgrade notice(s)"),
            "{}",
            again.result
        );
        assert_eq!(
            s.tier_proposals(&w.executive, "in_play", &PageRequest::everything())
                .await
                .unwrap()
                .items
                .len(),
            2
        );

        // Nobody outside admins and partner managers decides; partners never see the queue.
        for actor in [&w.executive, &w.a_admin] {
            assert!(matches!(
                s.decide_proposal(actor, upgrade.id, Decision::Approve, "", "")
                    .await,
                Err(Error::Forbidden(_))
            ));
        }
        assert!(matches!(
            s.tier_proposals(&w.a_user, "", &PageRequest::everything())
                .await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.partner_proposals(&w.a_user, gamma, &PageRequest::everything())
                .await,
            Err(Error::NotFound)
        ));

        let approved = s
            .decide_proposal(&w.manager, upgrade.id, Decision::Approve, "", "well earned")
            .await
            .unwrap();
        assert_eq!(approved.status, "approved");
        assert_eq!(
            s.get_partner(&w.manager, gamma).await.unwrap().tier,
            "silver"
        );
        let timeline = s
            .partner_timeline(&w.manager, gamma, "", None)
            .await
            .unwrap()
            .items;
        assert_eq!(timeline[0].summary, "Tier changed from Bronze to Silver");
        assert_eq!(timeline[0].after.as_ref().unwrap()["note"], "well earned");
        assert_eq!(
            timeline[1].summary,
            "Upgrade to Silver approved (well earned)"
        );
        assert!(
            matches!(
                s.decide_proposal(
                    &w.manager,
                    upgrade.id,
                    Decision::Reject,
                    "",
                    "changed my mind"
                )
                .await,
                Err(Error::Conflict(_))
            ),
            "a decided proposal stays decided"
        );

        // A notice cannot be approved during remediation; reject and override need a reason.
        assert!(matches!(
            s.decide_proposal(&w.manager, notice.id, Decision::Approve, "", "")
                .await,
            Err(Error::Conflict(_))
        ));
        match s
            .decide_proposal(&w.manager, notice.id, Decision::Reject, "", " ")
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "note"),
            other => panic!("{other:?}"),
        }
        match s
            .decide_proposal(&w.manager, notice.id, Decision::Override, "diamond", "x")
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "tier"),
            other => panic!("{other:?}"),
        }
        let overridden = s
            .decide_proposal(
                &w.manager,
                notice.id,
                Decision::Override,
                "silver",
                "strategic account, soft landing",
            )
            .await
            .unwrap();
        assert_eq!(
            (overridden.status.as_str(), overridden.final_tier.as_deref()),
            ("overridden", Some("Silver"))
        );
        assert_eq!(
            s.get_partner(&w.manager, hotel).await.unwrap().tier,
            "silver"
        );

        // Manual tier decisions: a reason is required; the one-per-period rule then holds.
        match s.set_tier_manually(&w.manager, gamma, "gold", "").await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "note"),
            other => panic!("{other:?}"),
        }
        let manual = s
            .set_tier_manually(&w.manager, gamma, "gold", "board decision")
            .await
            .unwrap();
        assert_eq!(
            (manual.kind.as_str(), manual.status.as_str()),
            ("manual", "overridden")
        );
        assert_eq!(s.get_partner(&w.manager, gamma).await.unwrap().tier, "gold");
        let decided = s
            .tier_proposals(&w.manager, "decided", &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(decided.len(), 3);
        let third = s.run_tier_evaluation_now(&w.manager).await.unwrap();
        assert!(
            third.result.contains("0 downgrade notice(s)"),
            "gamma had its proposals this quarter: {}",
            third.result
        );
        let runs = s
            .tier_evaluation_runs(&w.executive, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(runs.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn simulation_shows_moves_and_benefit_changes_without_storing() {
    each_backend(|w| async move {
        let s = &w.services;
        // Alpha: 120K over the last two quarters with Silver's other criteria.
        silver_quarters(s, &w.manager, w.partner_a, 2, "60000", "3").await;
        let default = domain::program::DEFAULT_PROGRAM;
        let stricter = default.replacen(
            "sourced_revenue_12m = 100000",
            "sourced_revenue_12m = 150000",
            1,
        );
        let report = s.simulate_program(&w.executive, &stricter).await.unwrap();
        assert_eq!(
            (report.partners, report.moves_down, report.moves_up),
            (2, 1, 0)
        );
        let m = &report.moves[0];
        assert_eq!(
            (
                m.partner_name.as_str(),
                m.from.as_str(),
                m.to.as_str(),
                m.direction.as_str()
            ),
            ("Alpha", "Silver", "Bronze", "down")
        );
        assert_eq!(report.discount_exposure_change, "−$6,000");
        assert_eq!(report.mdf_allocation_change, "−$10,000");
        assert_eq!(report.program_version, 0);
        assert!(
            s.program_versions(&w.admin, &PageRequest::everything())
                .await
                .unwrap()
                .items
                .is_empty(),
            "nothing activated"
        );
        match s.simulate_program(&w.admin, "[program]\nname = 1").await {
            Err(Error::Invalid(errors)) => {
                assert!(errors[0].message.starts_with("line 2"), "{errors:?}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.simulate_program(&w.a_admin, default).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn ipp_assessments_feed_the_ipp_criterion_and_3c4c_history_is_shared_on_request() {
    use domain::program::ipp::{IppInput, IppVerdict};
    use domain::program::scoring_3c4c::{Band, EvaluationInput};
    each_backend(|w| async move {
        let s = &w.services;
        let all = |score: &str| IppInput {
            scores: [
                "industry_segment",
                "geography",
                "customer_overlap",
                "certifications_delivery",
                "integrations",
                "gtm_fit",
                "commitment_signals",
                "cultural_fit",
                "deal_economics",
            ]
            .iter()
            .map(|k| ((*k).to_owned(), score.to_owned()))
            .collect(),
            ..Default::default()
        };
        let assessed = s
            .assess_ipp(&w.manager, w.partner_a, &all("4"))
            .await
            .unwrap();
        assert_eq!(assessed.result.score, rust_decimal::Decimal::from(80));
        assert_eq!(assessed.result.verdict, IppVerdict::Fit);
        let facts = s.partner_facts(&w.manager, w.partner_a).await.unwrap();
        assert_eq!(
            facts.ipp_score, 80,
            "the tier criterion reads the latest IPP score"
        );
        let mut flagged = all("5");
        flagged.red_flags = vec!["direct_competitor".into()];
        let result = s
            .assess_ipp(&w.manager, w.partner_a, &flagged)
            .await
            .unwrap()
            .result;
        assert_eq!(result.verdict, IppVerdict::Disqualified);
        assert_eq!(result.reasons, ["red flag: Is a direct competitor"]);
        let mut bad = all("9");
        bad.scores.insert("charisma".into(), "2".into());
        match s.assess_ipp(&w.manager, w.partner_a, &bad).await {
            Err(Error::Invalid(errors)) => assert!(
                errors.iter().any(|e| e.field == "charisma")
                    && errors.iter().any(|e| e.field == "geography"),
                "{errors:?}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.ipp_assessments(&w.executive, w.partner_a, &PageRequest::everything())
                .await
                .unwrap()
                .items
                .len(),
            2
        );
        assert!(
            matches!(
                s.ipp_assessments(&w.a_admin, w.partner_a, &PageRequest::everything())
                    .await,
                Err(Error::Forbidden(_))
            ),
            "internal only"
        );
        assert!(matches!(
            s.assess_ipp(&w.executive, w.partner_a, &all("3")).await,
            Err(Error::Forbidden(_))
        ));

        let gap = EvaluationInput {
            capacity: "2".into(),
            capability: "4".into(),
            commitment: "3".into(),
            ..Default::default()
        };
        match s.evaluate_3c4c(&w.manager, w.partner_a, &gap).await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "action_plan"),
            other => panic!("{other:?}"),
        }
        let first = s
            .evaluate_3c4c(
                &w.manager,
                w.partner_a,
                &EvaluationInput {
                    action_plan: "Two more SEs by Q2 (Ana)".into(),
                    ..gap
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (first.score.as_str(), first.band),
            ("3.10", Band::Develop),
            "0.6 + 1.6 + 0.9"
        );
        let second = s
            .evaluate_3c4c(
                &w.manager,
                w.partner_a,
                &EvaluationInput {
                    capacity: "4".into(),
                    capability: "4".into(),
                    commitment: "4".into(),
                    customers: "3".into(),
                    shared: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((second.score.as_str(), second.band), ("3.80", Band::Go));
        let seen_by_partner = s
            .evaluations_3c4c(&w.a_user, w.partner_a, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(seen_by_partner.len(), 1, "only the shared one");
        s.share_3c4c(&w.manager, first.id, true).await.unwrap();
        assert_eq!(
            s.evaluations_3c4c(&w.a_user, w.partner_a, &PageRequest::everything())
                .await
                .unwrap()
                .items
                .len(),
            2
        );
        assert!(matches!(
            s.share_3c4c(&w.a_admin, first.id, false).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.evaluations_3c4c(&w.a_user, w.partner_b, &PageRequest::everything())
                .await,
            Err(Error::NotFound)
        ));
        let history = s
            .evaluations_3c4c(&w.manager, w.partner_a, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(history[0].id, second.id, "newest first");
    })
    .await;
}

#[tokio::test]
async fn a_program_still_writing_onboarding_kickoff_days_applies_with_a_warning_on_its_line() {
    each_backend(|w| async move {
        let s = &w.services;
        let lead = "lead_acceptance_hours = 48";
        // The shipped default's [slas] says lead_acceptance_hours on line 479: the retired
        // key is line 480, its value in column 27 (the checker points at values).
        let source = domain::program::DEFAULT_PROGRAM.replacen(
            lead,
            &format!("{lead}\nonboarding_kickoff_days = 5"),
            1,
        );
        let version = s.apply_program(&w.admin, &source, "", "").await.unwrap();
        assert_eq!(
            version.warnings,
            [
                "482:27: warning: slas.onboarding_kickoff_days is no longer read: an onboarding \
              item is due on its checklist day, due_days of its [[onboarding.items]] row\n  \
              fix: remove it; set due_days on the onboarding items instead"
            ]
        );
        let (in_force, _) = s.program_in_force().await.unwrap();
        assert_eq!(in_force, version.version, "it is in force");
    })
    .await;
}
