//! Every service operation, on SQLite and on PostgreSQL.

use domain::partners::{ContactInput, PartnerInput};
use domain::users::NewUserInput;
use services::partners::PartnerQuery;
use services::{Actor, Config, Error, Services};
use store::Backend;
use store::testing::{BACKENDS, TestDb};

mod common;
use common::*;

/// An export's whole file, read chunk by chunk as the web layer streams it.
async fn text(mut export: services::exports::CsvExport) -> String {
    let mut file = Vec::new();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        file.extend(chunk);
    }
    String::from_utf8(file).unwrap()
}

#[tokio::test]
async fn partner_crud_with_audit_and_timeline() {
    each_backend(|w| async move {
        let s = &w.services;
        let mut input = partner_input("Charlie Systems");
        input.owner_id = w.manager.user_id;
        let created = s.create_partner(&w.manager, &input).await.unwrap();
        assert_eq!(created.owner_name.as_deref(), Some("pm@vendor.test"));
        input.notes = "Strong in DACH".into();
        input.regions = vec!["apac".into()];
        let updated = s
            .update_partner(&w.manager, created.id, &input)
            .await
            .unwrap();
        assert_eq!(updated.notes, "Strong in DACH");
        let moved = s
            .change_partner_stage(&w.manager, created.id, "recruiting", "kick-off booked")
            .await
            .unwrap();
        assert_eq!(moved.stage.to_string(), "recruiting");
        let archived = s.archive_partner(&w.manager, created.id).await.unwrap();
        assert!(archived.archived_at.is_some());
        s.restore_partner(&w.manager, created.id).await.unwrap();
        let timeline = s
            .partner_timeline(&w.manager, created.id, "", None)
            .await
            .unwrap()
            .items;
        let actions: Vec<&str> = timeline.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "restored",
                "archived",
                "stage_changed",
                "internal_fields_updated",
                "updated",
                "created"
            ]
        );
        // The stage note is ours: kept with the values internal readers see, not in the summary.
        assert_eq!(
            timeline[2].summary,
            "Stage changed from Prospect to Recruiting"
        );
        assert_eq!(
            timeline[2].after.as_ref().unwrap()["note"],
            "kick-off booked"
        );
        // Our notes and what the partner can see are told apart: its timeline shows the second.
        assert_eq!(timeline[3].summary, "Partner Charlie Systems edited: notes");
        assert!(timeline[4].summary.contains("regions") && !timeline[4].summary.contains("notes"));
        assert_eq!(timeline[3].actor_label, "pm@vendor.test");
        let log = s
            .audit_log(
                &w.admin,
                &services::audit::AuditQuery {
                    partner: created.id.to_string(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(log.items.len(), 6);
    })
    .await;
}

#[tokio::test]
async fn invalid_changes_are_refused_and_store_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let bad = PartnerInput {
            legal_name: "".into(),
            domains: vec!["nope".into()],
            ..partner_input("X")
        };
        match s.create_partner(&w.manager, &bad).await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "legal_name"),
            other => panic!("expected invalid, got {other:?}"),
        }
        let err = s
            .change_partner_stage(&w.manager, w.partner_a, "strategic", "")
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Invalid(ref e) if e[0].message.contains("possible next stages"))
        );
        let mut owner_is_sales = partner_input("Delta");
        owner_is_sales.owner_id = w.executive.user_id;
        assert!(matches!(
            s.create_partner(&w.manager, &owner_is_sales).await,
            Err(Error::Invalid(_))
        ));
        let page = s
            .list_partners(&w.admin, &PartnerQuery::default())
            .await
            .unwrap();
        assert_eq!(page.items.len(), 2, "nothing was half-written");
        let log = s.audit_log(&w.admin, &Default::default()).await.unwrap();
        assert!(
            log.items
                .iter()
                .all(|e| e.entity_type != "partner" || e.action == "created")
        );
    })
    .await;
}

#[tokio::test]
async fn list_filters_search_sort_and_pages() {
    each_backend(|w| async move {
        let s = &w.services;
        for i in 0..7 {
            let mut input = partner_input(&format!("Zeta {i}"));
            input.tier = if i % 2 == 0 {
                "gold".into()
            } else {
                "bronze".into()
            };
            input.regions = vec![if i < 3 { "apac".into() } else { "emea".into() }];
            s.create_partner(&w.manager, &input).await.unwrap();
        }
        let q = |f: fn(&mut PartnerQuery)| {
            let mut query = PartnerQuery::default();
            f(&mut query);
            query
        };
        let gold = s
            .list_partners(&w.admin, &q(|q| q.tier = "gold".into()))
            .await
            .unwrap();
        assert_eq!(gold.items.len(), 4);
        let apac = s
            .list_partners(&w.admin, &q(|q| q.region = "apac".into()))
            .await
            .unwrap();
        assert_eq!(apac.items.len(), 3);
        let by_domain = s
            .list_partners(&w.admin, &q(|q| q.q = "ZETA3.COM".into()))
            .await
            .unwrap();
        assert_eq!(by_domain.items.len(), 1);
        let wildcard = s
            .list_partners(&w.admin, &q(|q| q.q = "%".into()))
            .await
            .unwrap();
        assert!(wildcard.items.is_empty(), "LIKE wildcards are escaped");
        let mut seen = Vec::new();
        let mut query = q(|q| {
            q.limit = Some(4);
            q.sort = "-name".into()
        });
        loop {
            let page = s.list_partners(&w.admin, &query).await.unwrap();
            seen.extend(page.items.iter().map(|p| p.display_name.clone()));
            match page.next_cursor {
                Some(cursor) => query.cursor = cursor,
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_by_key(|n| std::cmp::Reverse(n.to_lowercase()));
        assert_eq!(seen, sorted);
        assert_eq!(seen.len(), 9);
    })
    .await;
}

#[tokio::test]
async fn partner_users_see_and_change_only_their_org() {
    each_backend(|w| async move {
        let s = &w.services;
        let mine = s
            .list_partners(&w.a_user, &PartnerQuery::default())
            .await
            .unwrap();
        assert_eq!(
            mine.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            [w.partner_a]
        );
        assert!(matches!(
            s.get_partner(&w.a_user, w.partner_b).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.list_contacts(&w.a_user, w.partner_b, false).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.partner_timeline(&w.a_user, w.partner_b, "", None).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.update_partner(&w.a_admin, w.partner_b, &partner_input("Hijack"))
                .await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.update_partner(&w.a_admin, w.partner_a, &partner_input("Alpha"))
                .await,
            Err(Error::Forbidden(_))
        ));
        let contact = ContactInput {
            name: "Ana".into(),
            email: "ana@alpha.test".into(),
            ..Default::default()
        };
        let added = s
            .add_contact(&w.a_admin, w.partner_a, &contact)
            .await
            .unwrap();
        assert!(matches!(
            s.add_contact(&w.a_admin, w.partner_b, &contact).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.add_contact(&w.a_user, w.partner_a, &contact).await,
            Err(Error::Forbidden(_))
        ));
        let b_contact = s
            .add_contact(&w.manager, w.partner_b, &contact)
            .await
            .unwrap();
        assert!(matches!(
            s.get_contact(&w.a_admin, b_contact.id).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.archive_contact(&w.a_admin, b_contact.id).await,
            Err(Error::NotFound)
        ));
        let renamed = ContactInput {
            name: "Ana Alpha".into(),
            role: "CTO".into(),
            ..contact.clone()
        };
        assert_eq!(
            s.update_contact(&w.a_admin, added.id, &renamed)
                .await
                .unwrap()
                .role,
            "CTO"
        );
        assert!(matches!(
            s.update_contact(&w.a_admin, b_contact.id, &renamed).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.update_contact(&w.a_user, added.id, &renamed).await,
            Err(Error::Forbidden(_))
        ));
        let bad = ContactInput {
            email: "not-an-email".into(),
            ..renamed.clone()
        };
        assert!(matches!(
            s.update_contact(&w.a_admin, added.id, &bad).await,
            Err(Error::Invalid(_))
        ));
        assert_eq!(
            s.get_contact(&w.a_admin, added.id)
                .await
                .unwrap()
                .email
                .as_deref(),
            Some("ana@alpha.test")
        );
        s.archive_contact(&w.a_admin, added.id).await.unwrap();
        assert!(
            s.list_contacts(&w.a_admin, w.partner_a, false)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s.list_contacts(&w.a_admin, w.partner_a, true)
                .await
                .unwrap()
                .len(),
            1
        );
        let timeline = s
            .partner_timeline(&w.a_user, w.partner_a, "", None)
            .await
            .unwrap();
        assert!(
            timeline
                .items
                .iter()
                .all(|e| e.before.is_none() && e.after.is_none())
        );
        assert!(matches!(
            s.audit_log(&w.a_admin, &Default::default()).await,
            Err(Error::Forbidden(_))
        ));
        // partner admins manage their own org's accounts only
        let users = s.list_users(&w.a_admin).await.unwrap();
        assert!(users.iter().all(|u| u.user.partner_id == Some(w.partner_a)));
        let into_b = NewUserInput {
            email: "x@bravo.test".into(),
            name: "X".into(),
            role: "partner_user".into(),
            partner_id: Some(w.partner_b),
            password: "a long enough password".into(),
        };
        assert!(matches!(
            s.create_user(&w.a_admin, &into_b).await,
            Err(Error::Invalid(_))
        ));
        let as_admin = NewUserInput {
            role: "admin".into(),
            partner_id: None,
            ..into_b
        };
        assert!(matches!(
            s.create_user(&w.a_admin, &as_admin).await,
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            s.set_user_disabled(&w.a_admin, w.manager.user_id.unwrap(), true)
                .await,
            Err(Error::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn executives_read_but_never_write() {
    each_backend(|w| async move {
        let s = &w.services;
        assert_eq!(
            s.list_partners(&w.executive, &PartnerQuery::default())
                .await
                .unwrap()
                .items
                .len(),
            2
        );
        assert!(matches!(
            s.create_partner(&w.executive, &partner_input("E")).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.archive_partner(&w.executive, w.partner_a).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.list_users(&w.executive).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn sign_in_sessions_and_throttling() {
    each_backend(|w| async move {
        let s = &w.services;
        let session = s
            .sign_in("PM@vendor.test", "a long enough password", "10.0.0.1", None)
            .await
            .unwrap();
        let info = s.session(&session.token).await.unwrap();
        assert_eq!(info.actor.user_id, w.manager.user_id);
        let again = s
            .sign_in(
                "pm@vendor.test",
                "a long enough password",
                "10.0.0.1",
                Some(&session.token),
            )
            .await
            .unwrap();
        assert_ne!(
            again.token, session.token,
            "a new session id on every sign-in"
        );
        assert!(
            matches!(s.session(&session.token).await, Err(Error::Unauthenticated)),
            "the replaced session is gone"
        );
        s.sign_out(&again.token).await.unwrap();
        assert!(matches!(
            s.session(&again.token).await,
            Err(Error::Unauthenticated)
        ));
        for _ in 0..3 {
            assert!(matches!(
                s.sign_in("pm@vendor.test", "wrong", "10.0.0.2", None).await,
                Err(Error::Invalid(_))
            ));
        }
        assert!(
            matches!(
                s.sign_in("pm@vendor.test", "a long enough password", "10.0.0.3", None)
                    .await,
                Err(Error::RateLimited { .. })
            ),
            "the account is locked after 3 failures even with the right password"
        );
        for i in 0..2 {
            let _ = s
                .sign_in(&format!("nobody{i}@x.test"), "wrong", "10.0.0.2", None)
                .await;
        }
        assert!(
            matches!(
                s.sign_in(
                    "exec@vendor.test",
                    "a long enough password",
                    "10.0.0.2",
                    None
                )
                .await,
                Err(Error::RateLimited { .. })
            ),
            "the address must wait after 5 failures"
        );
        let Err(Error::RateLimited { retry_after_secs }) = s
            .sign_in("exec@vendor.test", "wrong", "10.0.0.2", None)
            .await
        else {
            panic!("a throttled address gets no answer about the password");
        };
        assert_eq!(retry_after_secs, 1, "the wait, rounded up to a second");
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        s.sign_in(
            "exec@vendor.test",
            "a long enough password",
            "10.0.0.2",
            None,
        )
        .await
        .expect("after the wait, the right password signs in from that address");
        assert!(
            matches!(
                s.sign_in("pm@vendor.test", "a long enough password", "10.0.0.9", None)
                    .await,
                Err(Error::RateLimited { .. })
            ),
            "the account itself stays locked for the window"
        );
        assert!(
            s.sign_in(
                "exec@vendor.test",
                "a long enough password",
                "10.0.0.9",
                None
            )
            .await
            .is_ok()
        );
    })
    .await;
}

#[tokio::test]
async fn idle_sessions_expire_and_disabled_accounts_are_signed_out() {
    for backend in BACKENDS {
        let (_db, w) = world(backend).await;
        let short = Services::new(
            w.services.db.clone(),
            Config {
                session_idle: time::Duration::seconds(-1),
                ..Config::default()
            },
        );
        let session = short
            .sign_in("pm@vendor.test", "a long enough password", "1", None)
            .await
            .unwrap();
        assert!(matches!(
            short.session(&session.token).await,
            Err(Error::Unauthenticated)
        ));
        let s = &w.services;
        let session = s
            .sign_in("exec@vendor.test", "a long enough password", "1", None)
            .await
            .unwrap();
        s.set_user_disabled(&w.admin, w.executive.user_id.unwrap(), true)
            .await
            .unwrap();
        assert!(matches!(
            s.session(&session.token).await,
            Err(Error::Unauthenticated)
        ));
        assert!(matches!(
            s.sign_in("exec@vendor.test", "a long enough password", "1", None)
                .await,
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            s.set_user_disabled(&w.admin, w.admin.user_id.unwrap(), true)
                .await,
            Err(Error::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn passwords_and_api_tokens() {
    each_backend(|w| async move {
        let s = &w.services;
        let (_, before_change) = s.create_api_token(&w.manager, "laptop").await.unwrap();
        let (_, before_reset) = s.create_api_token(&w.executive, "laptop").await.unwrap();
        for secret in [&before_change, &before_reset] {
            assert!(s.token_actor(secret, "1").await.is_ok(), "remembered now");
        }
        let err = s
            .change_own_password(&w.manager, "wrong", "another long password", false)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid(ref e) if e[0].field == "current_password"));
        let fresh = s
            .change_own_password(
                &w.manager,
                "a long enough password",
                "another long password",
                true,
            )
            .await
            .unwrap()
            .unwrap();
        assert!(s.session(&fresh.token).await.is_ok());
        assert!(
            matches!(
                s.token_actor(&before_change, "1").await,
                Err(Error::Unauthenticated)
            ),
            "a password change ends the API tokens made before it"
        );
        assert!(
            s.sign_in("pm@vendor.test", "another long password", "1", None)
                .await
                .is_ok()
        );
        let (token, secret) = s.create_api_token(&w.manager, "CI export").await.unwrap();
        assert!(secret.starts_with("pos_"));
        assert_eq!(
            s.token_actor(&secret, "1").await.unwrap().user_id,
            w.manager.user_id
        );
        assert!(matches!(
            s.revoke_api_token(&w.executive, token.id).await,
            Err(Error::NotFound)
        ));
        s.revoke_api_token(&w.manager, token.id).await.unwrap();
        assert!(matches!(
            s.token_actor(&secret, "1").await,
            Err(Error::Unauthenticated)
        ));
        s.reset_password(&w.admin, w.executive.user_id.unwrap(), "reset by admin 123")
            .await
            .unwrap();
        assert!(
            matches!(
                s.token_actor(&before_reset, "1").await,
                Err(Error::Unauthenticated)
            ),
            "an admin's reset ends the API tokens too"
        );
        assert!(
            s.sign_in("exec@vendor.test", "reset by admin 123", "1", None)
                .await
                .is_ok()
        );
    })
    .await;
}

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
            s.program_versions(&w.admin).await.unwrap().is_empty(),
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
        let versions = s.program_versions(&w.executive).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [2, 1]
        );
        assert!(matches!(
            s.program_versions(&w.a_user).await,
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
        let now = services::facts::current_quarter();
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
    let now = services::facts::current_quarter();
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
        let queue = s.tier_proposals(&w.manager, "").await.unwrap();
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
            s.tier_proposals(&w.executive, "in_play")
                .await
                .unwrap()
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
            s.tier_proposals(&w.a_user, "").await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.partner_proposals(&w.a_user, gamma).await,
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
        let decided = s.tier_proposals(&w.manager, "decided").await.unwrap();
        assert_eq!(decided.len(), 3);
        let third = s.run_tier_evaluation_now(&w.manager).await.unwrap();
        assert!(
            third.result.contains("0 downgrade notice(s)"),
            "gamma had its proposals this quarter: {}",
            third.result
        );
        let runs = s.tier_evaluation_runs(&w.executive).await.unwrap();
        assert_eq!(runs.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn scheduled_evaluation_runs_once_per_period() {
    each_backend(|w| async move {
        let s = &w.services;
        let now = store::now();
        assert!(s.schedule_jobs(now).await.unwrap());
        assert!(
            !s.schedule_jobs(now).await.unwrap(),
            "the same day is queued once"
        );
        assert_eq!(
            s.run_due_jobs(now).await.unwrap(),
            3,
            "the tier evaluation, the certification expiry run and the deal registration sweep"
        );
        assert_eq!(s.run_due_jobs(now).await.unwrap(), 0);
        let runs = s.tier_evaluation_runs(&w.admin).await.unwrap();
        assert_eq!(
            (runs[0].status.as_str(), runs[0].requested_by.as_str()),
            ("done", "schedule")
        );
        assert!(
            s.schedule_jobs(now + time::Duration::days(1))
                .await
                .unwrap(),
            "the next day is a new period"
        );
        assert_eq!(
            services::jobs::schedule_key(
                domain::program::Cadence::Weekly,
                time::macros::datetime!(2027-01-01 0:00 UTC)
            ),
            "evaluate_tiers:2026-W53"
        );
        assert_eq!(
            services::jobs::schedule_key(
                domain::program::Cadence::Monthly,
                time::macros::datetime!(2027-01-01 0:00 UTC)
            ),
            "evaluate_tiers:2027-01"
        );
    })
    .await;
}

#[tokio::test]
async fn two_servers_never_claim_the_same_job() {
    let db = TestDb::new(Backend::Postgres).await;
    let now = store::now();
    let mut tx = db.db.write().await.unwrap();
    for key in ["a", "b"] {
        store::jobs::enqueue(&mut tx, "evaluate_tiers", key, now, "test", now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // Two transactions claim while both are open, as two servers would.
    let mut first = db.db.write().await.unwrap();
    let mut second = db.db.write().await.unwrap();
    let lease = now + time::Duration::minutes(15);
    let one = store::jobs::claim(&mut first, now, lease)
        .await
        .unwrap()
        .unwrap();
    let two = store::jobs::claim(&mut second, now, lease)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        one.id, two.id,
        "SKIP LOCKED hands the second server the other job"
    );
    first.commit().await.unwrap();
    second.commit().await.unwrap();
    let mut third = db.db.write().await.unwrap();
    assert!(
        store::jobs::claim(&mut third, now, lease)
            .await
            .unwrap()
            .is_none(),
        "both are leased"
    );
    let later = lease + time::Duration::seconds(1);
    assert!(
        store::jobs::claim(&mut third, later, later + time::Duration::minutes(15))
            .await
            .unwrap()
            .is_some(),
        "an expired lease is taken over"
    );
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
            s.program_versions(&w.admin).await.unwrap().is_empty(),
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
            s.ipp_assessments(&w.executive, w.partner_a)
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(
            matches!(
                s.ipp_assessments(&w.a_admin, w.partner_a).await,
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
        let seen_by_partner = s.evaluations_3c4c(&w.a_user, w.partner_a).await.unwrap();
        assert_eq!(seen_by_partner.len(), 1, "only the shared one");
        s.share_3c4c(&w.manager, first.id, true).await.unwrap();
        assert_eq!(
            s.evaluations_3c4c(&w.a_user, w.partner_a)
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            s.share_3c4c(&w.a_admin, first.id, false).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.evaluations_3c4c(&w.a_user, w.partner_b).await,
            Err(Error::NotFound)
        ));
        let history = s.evaluations_3c4c(&w.manager, w.partner_a).await.unwrap();
        assert_eq!(history[0].id, second.id, "newest first");
    })
    .await;
}

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
        assert!(s.certification_records(&w.manager, w.partner_a).await.unwrap().is_empty(), "a dry run writes nothing");
        let done = s.import_certifications(&w.manager, &csv, false).await.unwrap();
        assert!(done.applied);
        let again = s.import_certifications(&w.manager, &csv, false).await.unwrap();
        assert_eq!((again.created, again.updated), (0, 3), "re-importing is a no-op");

        let records = s.certification_records(&w.a_user, w.partner_a).await.unwrap();
        assert_eq!(records.len(), 3);
        let cy = records.iter().find(|r| r.person == "Cy").unwrap();
        assert_eq!(cy.status, domain::enablement::Status::Expired);
        let contacts = s.list_contacts(&w.manager, w.partner_a, false).await.unwrap();
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
        assert!(matches!(s.certification_records(&w.a_user, w.partner_b).await, Err(Error::NotFound)));
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
        let records = s.certification_records(&w.manager, juliet).await.unwrap();
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
            assert_eq!(mine[0].link, format!("/partners/{juliet}#certifications"));
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
        let records = s.certification_records(&w.manager, juliet).await.unwrap();
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
        let records = s.certification_records(&w.a_user, a).await.unwrap();
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
        let call = s.deal_activities(&w.manager, first.id).await.unwrap()[0].id;
        s.confirm_activity(&w.manager, first.id, call)
            .await
            .unwrap();
        let moved = s
            .update_pipeline(&w.a_user, first.id, &pipeline)
            .await
            .unwrap();
        assert_eq!(
            (moved.stage.as_str(), moved.weighted_value),
            ("demo", rust_decimal::Decimal::from(48_000))
        );
        assert_eq!(
            s.deal_activities(&w.manager, first.id).await.unwrap().len(),
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
        // The partner reported it; it counts once one of ours confirms it.
        let confirm = services::deal_credit::WinConfirmationInput {
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
            s.forecast_snapshots(&w.executive).await.unwrap()[0].id,
            snapshot.id
        );
        assert!(matches!(
            s.forecast_snapshots(&w.a_user).await,
            Err(Error::Forbidden(_))
        ));
        // Deciding a registration resolves its conflict case: it leaves the review queue.
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
        assert!(
            s.deals(
                &w.manager,
                &DealQuery {
                    conflicts: true,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .items
            .is_empty()
        );
        let settled = s
            .conflict_case(&w.manager, second.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (settled.stage, settled.outcome, settled.note.as_str()),
            (
                domain::deals::cases::Stage::Resolved,
                Some(domain::deals::cases::Outcome::OtherPartyWins),
                "Acme is Alpha's, registered first"
            )
        );
    })
    .await;
}

#[tokio::test]
async fn conflict_cases_are_investigated_resolved_and_escalated_up_the_ladder() {
    use domain::deals::cases::{Level, Outcome, Stage};
    use services::conflict_cases::CaseAction;
    each_backend(|w| async move {
        let s = &w.services;
        let (a, b) = (w.partner_a, w.partner_b);
        certify(s, &w.manager, a, "ana@alpha.com").await;
        certify(s, &w.manager, b, "bo@bravo.com").await;
        let b_admin = user(s, &w.admin, "admin@bravo.test", "partner_admin", Some(b)).await;
        let first = s.register_deal(&w.a_user, a, &deal_input("Acme Corp", "acme.com", "80000"), true).await.unwrap();
        let second = s.register_deal(&b_admin, b, &deal_input("ACME Corporation", "www.acme.com", "60000"), true).await.unwrap();
        assert!(s.conflict_case(&w.manager, first.id).await.unwrap().is_none(), "the first was clear");
        assert!(matches!(
            s.work_conflict_case(&w.manager, first.id, &CaseAction { action: "investigate".into(), ..Default::default() }).await,
            Err(Error::Conflict(m)) if m.ends_with("has no conflict case: its check was clear")
        ));
        let case = s.conflict_case(&w.manager, second.id).await.unwrap().unwrap();
        assert_eq!((case.stage, case.level, case.outcome), (Stage::Open, Level::PartnerManager, None));
        assert_eq!(case.deadlines.resolve_by, case.opened_at + time::Duration::hours(72));
        assert!(!case.lateness.investigation_overdue);
        // Partners never see cases, not even their own registration's.
        assert!(matches!(s.conflict_case(&b_admin, second.id).await, Err(Error::Forbidden(_))));
        assert!(matches!(s.conflict_case(&w.a_user, second.id).await, Err(Error::NotFound)));
        let investigate = CaseAction { action: "investigate".into(), ..Default::default() };
        assert!(matches!(s.work_conflict_case(&w.executive, second.id, &investigate).await, Err(Error::Forbidden(_))));
        let working = s.work_conflict_case(&w.manager, second.id, &investigate).await.unwrap();
        assert_eq!((working.stage, working.investigated_by.is_some()), (Stage::Investigating, true));
        match s.work_conflict_case(&w.manager, second.id, &CaseAction { action: "resolve".into(), outcome: "maybe".into(), note: " ".into() }).await {
            Err(Error::Invalid(errors)) => assert_eq!(
                errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                ["outcome", "note"]
            ),
            other => panic!("{other:?}"),
        }

        // Left unresolved, the case climbs: the VP after a week, the executives after two.
        let age = |days: i64| {
            let db = s.db.clone();
            let id = case.id;
            async move {
                let mut tx = db.write().await.unwrap();
                tx.execute(store::sql!(
                    "UPDATE conflict_cases SET created_at = $2 WHERE id = $1",
                    id,
                    store::now() - time::Duration::days(days) - time::Duration::minutes(1)
                ))
                .await
                .unwrap();
                tx.commit().await.unwrap();
            }
        };
        let system = Actor::system("test sweep");
        let escalated = |text: String| text.split(", ").find(|p| p.ends_with("conflict case(s) escalated")).unwrap().to_owned();
        age(6).await;
        assert_eq!(escalated(s.run_deal_sweep(&system).await.unwrap()), "0 conflict case(s) escalated");
        age(7).await;
        let admins_before = s.unread_notifications(&w.admin).await.unwrap();
        let executives_before = s.unread_notifications(&w.executive).await.unwrap();
        assert_eq!(escalated(s.run_deal_sweep(&system).await.unwrap()), "1 conflict case(s) escalated");
        assert_eq!(escalated(s.run_deal_sweep(&system).await.unwrap()), "0 conflict case(s) escalated", "once per level");
        assert_eq!(s.unread_notifications(&w.admin).await.unwrap(), admins_before + 1);
        assert_eq!(s.unread_notifications(&w.executive).await.unwrap(), executives_before);
        let late = s.conflict_case(&w.manager, second.id).await.unwrap().unwrap();
        assert_eq!(late.level, Level::Vp);
        assert!(late.lateness.resolution_overdue && !late.lateness.investigation_overdue);
        age(14).await;
        assert_eq!(escalated(s.run_deal_sweep(&system).await.unwrap()), "1 conflict case(s) escalated");
        assert_eq!(s.unread_notifications(&w.executive).await.unwrap(), executives_before + 1);
        let told = s.notifications(&w.executive, &Default::default()).await.unwrap().items;
        assert!(told[0].message.contains("unresolved for 14 days: escalated to the executives"), "{}", told[0].message);

        // Resolved with an outcome and a note; the registration's decision stays its own step.
        let resolved = s
            .work_conflict_case(&w.manager, second.id, &CaseAction {
                action: "resolve".into(),
                outcome: "co_sell".into(),
                note: "Both partners work Acme with our AE".into(),
            })
            .await
            .unwrap();
        assert_eq!((resolved.stage, resolved.outcome, resolved.level), (Stage::Resolved, Some(Outcome::CoSell), Level::PartnerManager));
        assert_eq!(s.deal(&w.manager, second.id).await.unwrap().status, domain::deals::registration::Status::Submitted);
        assert!(matches!(
            s.work_conflict_case(&w.manager, second.id, &investigate).await,
            Err(Error::Conflict(m)) if m == "this conflict case is already resolved"
        ));
        s.decide_deal(&w.manager, second.id, &services::deals::DealDecision { decision: "approve".into(), note: String::new() }).await.unwrap();
        let kept = s.conflict_case(&w.manager, second.id).await.unwrap().unwrap();
        assert_eq!((kept.outcome, kept.note.as_str()), (Some(Outcome::CoSell), "Both partners work Acme with our AE"), "a decision does not overwrite a resolution");
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
        let yesterday = (today - time::Duration::days(1)).to_string();
        let in_three = (today + time::Duration::days(3)).to_string();
        set(
            ending.id,
            Box::new(move |r| r.protected_until = Some(yesterday.clone())),
        )
        .await;
        set(
            warned.id,
            Box::new(move |r| r.protected_until = Some(in_three.clone())),
        )
        .await;
        let due = (today - time::Duration::days(1)).to_string();
        set(
            late.id,
            Box::new(move |r| r.decision_due = Some(due.clone())),
        )
        .await;

        let system = Actor::system("test sweep");
        assert_eq!(
            s.run_deal_sweep(&system).await.unwrap(),
            "1 protection(s) expired, 1 expiry warning(s), 1 overdue decision(s) flagged, 0 overdue lead(s) flagged, 0 conflict case(s) escalated"
        );
        assert_eq!(
            s.run_deal_sweep(&system).await.unwrap(),
            "0 protection(s) expired, 0 expiry warning(s), 0 overdue decision(s) flagged, 0 overdue lead(s) flagged, 0 conflict case(s) escalated",
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

#[tokio::test]
async fn the_direct_pipeline_and_customer_accounts_win_conflicts() {
    use domain::deals::conflicts::Verdict;
    use domain::deals::direct::DirectKind;
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let bad = "reference,customer,website\nOPP-1,,initech\n";
        let report = s.import_direct(&w.manager, DirectKind::Opportunities, bad, false).await.unwrap();
        assert!(!report.applied);
        assert_eq!(report.errors.iter().map(ToString::to_string).collect::<Vec<_>>(), ["line 2, customer: is required", "line 2, website: 'initech' is not a website like acme.com"]);
        let opportunities = "reference,customer,website,owner,stage,amount,status\nOPP-77,Initech LLC,initech.com,Sam Sales,Proposal,90000,open\nOPP-78,Lost Co,,Sam,Demo,1,lost\n";
        let dry = s.import_direct(&w.manager, DirectKind::Opportunities, opportunities, true).await.unwrap();
        assert_eq!((dry.created, dry.applied), (2, false));
        assert_eq!(s.preview_conflicts(&w.a_user, a, "Initech", "").await.unwrap().verdict, Verdict::Clear, "a dry run writes nothing");
        assert!(s.import_direct(&w.manager, DirectKind::Opportunities, opportunities, false).await.unwrap().applied);
        let again = s.import_direct(&w.manager, DirectKind::Opportunities, opportunities, false).await.unwrap();
        assert_eq!((again.created, again.updated), (0, 2), "by reference");
        let accounts = "account,name,website,owner\nACC-12,Globex Inc,globex.com,Sam\n";
        assert!(s.import_direct(&w.admin, DirectKind::Accounts, accounts, false).await.unwrap().applied);
        assert!(matches!(s.import_direct(&w.a_admin, DirectKind::Accounts, accounts, true).await, Err(Error::Forbidden(_))));
        assert!(matches!(s.import_direct(&w.executive, DirectKind::Accounts, accounts, true).await, Err(Error::Forbidden(_))));

        // The exports import again unchanged.
        for kind in [DirectKind::Opportunities, DirectKind::Accounts] {
            let exported = text(s.export_direct(&w.manager, kind).await.unwrap()).await;
            let again = s.import_direct(&w.manager, kind, &exported, false).await.unwrap();
            assert!(again.errors.is_empty() && again.created == 0 && again.updated > 0, "{kind:?}: {again:?}\n{exported}");
            assert_eq!(text(s.export_direct(&w.manager, kind).await.unwrap()).await, exported);
        }
        assert!(matches!(s.export_direct(&w.a_admin, DirectKind::Accounts).await, Err(Error::Forbidden(_))));

        let check = s.preview_conflicts(&w.manager, a, "Initech", "www.initech.com").await.unwrap();
        assert_eq!(check.verdict, Verdict::AlreadyRegistered);
        assert!(check.findings[0].explanation.contains("opportunity OPP-77 (direct pipeline, owner Sam Sales)"), "{:?}", check.findings);
        assert_eq!(s.preview_conflicts(&w.a_user, a, "Lost Co", "").await.unwrap().verdict, Verdict::Clear, "only open opportunities conflict");
        let deal = s.register_deal(&w.a_user, a, &deal_input("Globex Europe", "eu.globex.com", "5000"), true).await.unwrap();
        assert_eq!(deal.conflict_verdict, Verdict::NeedsReview, "an existing customer, as the partner reads it");
        assert_eq!(s.deal(&w.manager, deal.id).await.unwrap().conflict_verdict, Verdict::AlreadyRegistered);
        // Closing the opportunity frees the customer.
        let closed = "reference,customer,website,status\nOPP-77,Initech LLC,initech.com,won\n";
        s.import_direct(&w.manager, DirectKind::Opportunities, closed, false).await.unwrap();
        assert_eq!(s.preview_conflicts(&w.a_user, a, "Initech", "initech.com").await.unwrap().verdict, Verdict::Clear);
    })
    .await;
}

#[tokio::test]
async fn partner_leads_are_accepted_or_rejected_by_sales_within_the_sla() {
    use domain::deals::leads::LeadInput;
    each_backend(|w| async move {
        let s = &w.services;
        let (a, b) = (w.partner_a, w.partner_b);
        let sales = user(s, &w.admin, "sales@vendor.test", "sales", None).await;
        let input = LeadInput {
            company: "Initech".into(),
            website: "initech.example".into(),
            contact_name: "Bill Lumbergh".into(),
            contact_email: "bill@initech.example".into(),
            need: "TPS report automation".into(),
            estimated_value: "40000".into(),
            currency: String::new(),
        };
        match s
            .submit_lead(
                &w.a_user,
                a,
                &LeadInput {
                    company: String::new(),
                    ..input.clone()
                },
            )
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "company"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.submit_lead(&w.a_user, b, &input).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.submit_lead(&sales, a, &input).await,
            Err(Error::Forbidden(_))
        ));
        // No certification needed: a lead is not a registration.
        let lead = s.submit_lead(&w.a_user, a, &input).await.unwrap();
        assert!(lead.reference.starts_with("L-"));
        assert_eq!(
            (
                lead.status.as_str(),
                lead.overdue,
                lead.counts_against_quota
            ),
            ("submitted", false, false)
        );
        assert!(
            s.notifications(&sales, &Default::default())
                .await
                .unwrap()
                .items
                .iter()
                .any(|n| n.kind == "lead")
        );
        assert!(matches!(
            s.accept_lead(&w.a_admin, lead.id).await,
            Err(Error::Forbidden(_))
        ));
        let b_user = user(s, &w.admin, "user@bravo.test", "partner_user", Some(b)).await;
        assert!(matches!(
            s.accept_lead(&b_user, lead.id).await,
            Err(Error::NotFound)
        ));
        assert!(s.leads(&b_user, None, None).await.unwrap().is_empty());

        let accepted = s.accept_lead(&sales, lead.id).await.unwrap();
        assert_eq!(accepted.status, "accepted");
        let deal = s.deal(&w.a_user, accepted.deal_id.unwrap()).await.unwrap();
        assert_eq!(
            (deal.status, deal.customer_name.as_str()),
            (domain::deals::registration::Status::Approved, "Initech")
        );
        assert!(deal.partner_sourced && deal.protected_until.is_some());
        assert!(matches!(
            s.accept_lead(&sales, lead.id).await,
            Err(Error::Conflict(_))
        ));

        let second = s
            .submit_lead(
                &w.a_user,
                a,
                &LeadInput {
                    company: "Globex".into(),
                    website: String::new(),
                    ..input.clone()
                },
            )
            .await
            .unwrap();
        match s.reject_lead(&sales, second.id, " ").await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "reason"),
            other => panic!("{other:?}"),
        }
        let rejected = s
            .reject_lead(&sales, second.id, "Already in talks with our team")
            .await
            .unwrap();
        assert_eq!(
            (rejected.status.as_str(), rejected.rejection_reason.as_str()),
            ("rejected", "Already in talks with our team")
        );
        let mine = s.leads(&w.a_user, None, None).await.unwrap();
        assert_eq!(mine.len(), 2);
        assert_eq!(
            s.leads(&w.manager, None, Some("accepted"))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            s.leads(&w.manager, None, Some("maybe")).await,
            Err(Error::Invalid(_))
        ));
        let told = s
            .notifications(&w.a_admin, &Default::default())
            .await
            .unwrap()
            .items;
        assert!(told.iter().any(|n| {
            n.message
                .ends_with("rejected by sales: Already in talks with our team")
        }));

        let csv = text(s.export_leads(&w.a_user).await.unwrap()).await;
        assert_eq!(csv.lines().count(), 3, "A's two leads: {csv}");
        assert!(
            csv.contains("Already in talks with our team") && csv.contains(",false\n"),
            "{csv}"
        );
        assert_eq!(
            text(s.export_leads(&b_user).await.unwrap())
                .await
                .lines()
                .count(),
            1,
            "B sees none of A's"
        );

        // Past its SLA, a waiting lead is flagged once.
        let late = s
            .submit_lead(
                &w.a_user,
                a,
                &LeadInput {
                    company: "Late Corp".into(),
                    website: String::new(),
                    ..input
                },
            )
            .await
            .unwrap();
        let mut tx = s.db.write().await.unwrap();
        tx.execute(store::sql!(
            "UPDATE leads SET accept_by = $2 WHERE id = $1",
            late.id,
            store::now() - time::Duration::hours(1)
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let system = Actor::system("test sweep");
        assert!(
            s.run_deal_sweep(&system)
                .await
                .unwrap()
                .contains("1 overdue lead(s) flagged")
        );
        assert!(
            s.run_deal_sweep(&system)
                .await
                .unwrap()
                .contains("0 overdue lead(s) flagged")
        );
        assert!(s.leads(&sales, None, Some("submitted")).await.unwrap()[0].overdue);
    })
    .await;
}

#[tokio::test]
async fn leads_export_and_import_round_trip_all_or_nothing() {
    use domain::deals::leads::LeadInput;
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        let input = LeadInput {
            company: "Initech".into(),
            website: "initech.com".into(),
            contact_name: "Bill Lumbergh".into(),
            contact_email: "bill@initech.com".into(),
            need: "TPS reports, \"urgently\"".into(),
            estimated_value: "40000".into(),
            currency: String::new(),
        };
        let lead = s.submit_lead(&w.a_user, a, &input).await.unwrap();
        let exported = text(s.export_leads(&w.manager).await.unwrap()).await;
        assert!(exported.contains(&format!("{},alpha.com,Initech", lead.reference)), "{exported}");

        // The export imports again unchanged: updated in place, nothing new.
        let again = s.import_leads(&w.manager, &exported, false).await.unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!((again.rows, again.created, again.updated, again.applied), (1, 0, 1, true));
        assert_eq!(text(s.export_leads(&w.manager).await.unwrap()).await, exported);

        // History from elsewhere: a rejected lead and an edit of the known one.
        let header = domain::deals::leads::CSV_COLUMNS.join(",");
        let history = format!(
            "{header}\n{},alpha.com,Initech Corp,initech.com,Bill Lumbergh,bill@initech.com,TPS reports,45000,USD,submitted,,,false\n\
             ,Alpha,Globex,globex.com,Hank Scorpio,hank@globex.com,Doomsday device,10000,EUR,rejected,2026-01-10,in talks already,\n",
            lead.reference
        );
        let checked = s.import_leads(&w.manager, &history, true).await.unwrap();
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!((checked.created, checked.updated, checked.applied), (1, 1, false));
        assert_eq!(text(s.export_leads(&w.manager).await.unwrap()).await, exported, "a dry run writes nothing");
        let unread_before = s.unread_notifications(&w.manager).await.unwrap();
        let done = s.import_leads(&w.manager, &history, false).await.unwrap();
        assert_eq!((done.created, done.updated, done.applied), (1, 1, true));
        assert_eq!(s.unread_notifications(&w.manager).await.unwrap(), unread_before, "history is not news");
        let all = s.leads(&w.manager, Some(a), None).await.unwrap();
        let globex = all.iter().find(|l| l.company == "Globex").unwrap();
        assert_eq!(
            (globex.status.as_str(), globex.rejection_reason.as_str(), globex.currency.as_str(), globex.overdue),
            ("rejected", "in talks already", "EUR", false)
        );
        let edited = all.iter().find(|l| l.id == lead.id).unwrap();
        assert_eq!((edited.company.as_str(), edited.estimated_value), ("Initech Corp", rust_decimal::Decimal::from(45_000)));

        // One bad row and nothing is written; every problem is named by line.
        let before = text(s.export_leads(&w.manager).await.unwrap()).await;
        let bad = format!(
            "{header}\n,alpha.com,Umbrella,umbrella.com,Alice,alice@umbrella.com,Vaccines,1,,submitted,,,\n\
             L-1,alpha.com,Hooli,hooli.com,Gavin,gavin@hooli.com,Search,1,,submitted,,,\n\
             {},bravo.com,Initech,initech.com,Bill,bill@initech.com,TPS,1,,submitted,,,\n\
             ,nobody.example,Pied Piper,,Richard,richard@pp.com,Compression,1,,submitted,,,\n",
            lead.reference
        );
        let refused = s.import_leads(&w.manager, &bad, false).await.unwrap();
        let found: Vec<String> = refused.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 3, reference: there is no lead L-1; leave the reference empty to add a new one".to_owned(),
                format!("line 4, partner: {} belongs to another partner; a lead cannot move between partners", lead.reference),
                "line 5, partner: no partner with the id, website domain or name 'nobody.example'".to_owned(),
            ]
        );
        assert!(!refused.applied);
        assert_eq!(text(s.export_leads(&w.manager).await.unwrap()).await, before, "all or nothing");

        // Partners and sales do not import leads.
        for who in [&w.a_admin, &w.a_user] {
            assert!(matches!(s.import_leads(who, &history, true).await, Err(Error::Forbidden(_))));
        }
    })
    .await;
}

#[tokio::test]
async fn registrations_export_and_import_round_trip_all_or_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let deal = s.register_deal(&w.a_user, a, &deal_input("Acme Corp", "acme.com", "80000"), true).await.unwrap();
        s.register_deal(&w.a_user, a, &deal_input("Draft Co", "", "1000"), false).await.unwrap();
        let exported = text(s.export_deals(&w.manager).await.unwrap()).await;
        assert!(exported.starts_with("reference,partner,customer_name,website"), "{exported}");
        assert!(exported.contains(&format!("{},alpha.com,Acme Corp,acme.com", deal.reference)), "{exported}");
        assert_eq!(text(s.export_deals(&w.a_user).await.unwrap()).await, exported, "A's people export their own");
        let b_user = user(s, &w.admin, "user@bravo.test", "partner_user", Some(w.partner_b)).await;
        assert_eq!(text(s.export_deals(&b_user).await.unwrap()).await.lines().count(), 1, "only the header for B");

        // The export imports again unchanged: same references, updated in place.
        let again = s.import_deals(&w.manager, &exported, false, &|_| {}).await.unwrap();
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!((again.rows, again.created, again.updated, again.applied), (2, 0, 2, true));
        assert_eq!(text(s.export_deals(&w.manager).await.unwrap()).await, exported);

        // Another PRM's history: new references, won deals count as revenue.
        let today = store::now().date();
        let closed = (today - time::Duration::days(20)).to_string();
        let registered = (today - time::Duration::days(60)).to_string();
        let history = format!(
            "partner,customer_name,website,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n\
             alpha.com,Old Win Ltd,oldwin.example,Retail,emea,30000,{closed},Sync,negotiation,90,Ana,won,{registered},{closed},28000\n"
        );
        let bad = format!("{history}nobody.example,X,,Retail,emea,1,{closed},Sync,demo,10,Ana,won,{registered},,\n");
        let refused = s.import_deals(&w.manager, &bad, false, &|_| {}).await.unwrap();
        assert!(!refused.applied);
        let found: Vec<String> = refused.errors.iter().map(ToString::to_string).collect();
        assert_eq!(found, ["line 3, closed_on: a won registration needs the day it closed", "line 3, partner: no partner with the id, website domain or name 'nobody.example'"]);
        assert_eq!(s.deals(&w.manager, &Default::default()).await.unwrap().items.len(), 2, "nothing written");
        let dry = s.import_deals(&w.manager, &history, true, &|_| {}).await.unwrap();
        assert_eq!((dry.created, dry.applied), (1, false));
        let done = s.import_deals(&w.manager, &history, false, &|_| {}).await.unwrap();
        assert_eq!((done.created, done.applied), (1, true));
        assert_eq!(s.partner_facts(&w.manager, a).await.unwrap().sourced_revenue_12m, rust_decimal::Decimal::from(28_000));
        let newest = &s.deals(&w.manager, &Default::default()).await.unwrap().items[0];
        assert_eq!(newest.customer_name, "Old Win Ltd");
        assert!(newest.reference.starts_with("DR-") && newest.reference != deal.reference);
        assert!(matches!(s.import_deals(&w.a_admin, &history, true, &|_| {}).await, Err(Error::Forbidden(_))));
    })
    .await;
}

/// The definitions of the registrations table's indexes, as `tx` sees them.
async fn indexes_in(tx: &mut store::Read) -> Vec<String> {
    #[derive(sqlx::FromRow)]
    struct Index {
        definition: String,
    }
    let query = match tx.backend() {
        Backend::Sqlite => {
            "SELECT sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deal_registrations' AND sql IS NOT NULL ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT indexdef AS definition FROM pg_indexes WHERE tablename = 'deal_registrations' ORDER BY indexname"
        }
    };
    let found: Vec<Index> = tx.all(store::Sql::new(query)).await.unwrap();
    found.into_iter().map(|i| i.definition).collect()
}

/// The definitions of the registrations table's indexes, as committed.
async fn registration_indexes(s: &Services) -> Vec<String> {
    let mut tx = s.db.read().await.unwrap();
    indexes_in(&mut tx).await
}

#[tokio::test]
async fn a_big_registrations_file_loads_in_bulk_and_keeps_the_indexes() {
    each_backend(|w| async move {
        let s = &w.services;
        let indexes = registration_indexes(s).await;
        assert!(indexes.len() >= 3, "{indexes:?}");
        // Set aside inside a transaction (SQLite only), and back when it rolls back.
        let mut tx = s.db.write().await.unwrap();
        let aside = tx.set_indexes_aside("deal_registrations").await.unwrap();
        match s.db.backend() {
            Backend::Sqlite => {
                assert_eq!(aside, indexes);
                assert!(indexes_in(&mut tx).await.is_empty());
            }
            Backend::Postgres => {
                assert!(aside.is_empty(), "PostgreSQL keeps its indexes");
                assert_eq!(indexes_in(&mut tx).await, indexes);
            }
        }
        drop(tx);
        assert_eq!(registration_indexes(s).await, indexes, "a rollback brings them back");
        let today = store::now().date();
        let mut file = String::from("partner,customer_name,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status\n");
        for i in 0..services::deal_import::BULK_LINES {
            file.push_str(&format!("alpha.com,Customer {i},Retail,emea,1000,{today},Sync,discovery,10,Ana,submitted\n"));
        }
        let done = s.import_deals(&w.manager, &file, false, &|_| {}).await.unwrap();
        assert!(done.errors.is_empty(), "{:?}", done.errors);
        assert_eq!((done.created, done.applied), (services::deal_import::BULK_LINES, true));
        assert_eq!(registration_indexes(s).await, indexes, "built again as the migrations define them");

        // A bad last row: nothing of the file is kept, and the indexes are all there.
        file.push_str(&format!("alpha.com,Bad Row,Retail,emea,1000,{today},Sync,discovery,10,Ana,maybe\n"));
        let refused = s.import_deals(&w.manager, &file, false, &|_| {}).await.unwrap();
        assert!(!refused.applied);
        assert_eq!((refused.created, refused.errors.len()), (0, 1), "{:?}", refused.errors);
        assert_eq!(registration_indexes(s).await, indexes);
        let query = services::deals::DealQuery { limit: Some(1), ..Default::default() };
        let newest = &s.deals(&w.manager, &query).await.unwrap().items[0];
        assert_eq!(newest.customer_name, format!("Customer {}", services::deal_import::BULK_LINES - 1));
        let mut tx = s.db.read().await.unwrap();
        #[derive(sqlx::FromRow)]
        struct Count {
            n: i64,
        }
        let count: Count = tx.one(store::Sql::new("SELECT COUNT(*) AS n FROM deal_registrations")).await.unwrap();
        assert_eq!(count.n as usize, services::deal_import::BULK_LINES);
    })
    .await;
}

#[tokio::test]
async fn a_partner_admin_cannot_make_an_account_pass_for_one_of_ours() {
    each_backend(|w| async move {
        let s = &w.services;
        let input = |email: &str| domain::users::NewUserInput {
            email: email.into(),
            name: "Priya Patel".into(),
            role: "partner_user".into(),
            partner_id: Some(w.partner_a),
            password: "a long enough password".into(),
        };
        let refused = |result: services::Result<domain::users::User>| match result {
            Err(Error::Invalid(e)) => (e[0].field.clone(), e[0].message.clone()),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refused(s.create_user(&w.a_admin, &input("ceo@vendor.test")).await),
            (
                "email".to_owned(),
                "addresses at vendor.test are ours: a partner's people sign in with an address of their own organisation".to_owned()
            )
        );
        // Another organisation's address: not available, without saying whose it is.
        user(s, &w.admin, "bo@bravo.test", "partner_user", Some(w.partner_b)).await;
        assert_eq!(
            refused(s.create_user(&w.a_admin, &input("bo@bravo.test")).await),
            (
                "email".to_owned(),
                "this address cannot be used for a new account".to_owned()
            )
        );
        s.create_user(&w.a_admin, &input("priya@alpha.test"))
            .await
            .unwrap();
    })
    .await;
}
