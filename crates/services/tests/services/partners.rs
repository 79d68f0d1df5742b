//! Partners: records, lists, who sees and changes what.

use super::*;

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
            s.list_contacts(&w.a_user, w.partner_b, false, &PageRequest::everything())
                .await,
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
            s.list_contacts(&w.a_admin, w.partner_a, false, &PageRequest::everything())
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert_eq!(
            s.list_contacts(&w.a_admin, w.partner_a, true, &PageRequest::everything())
                .await
                .unwrap()
                .items
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
        let users = s
            .list_users(&w.a_admin, &PageRequest::everything())
            .await
            .unwrap()
            .items;
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
            s.list_users(&w.executive, &PageRequest::everything()).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}
