//! An archived or exited partner takes no part in the program: its people lose portal
//! access at once and it registers nothing, while its records stay for us — on SQLite and
//! on PostgreSQL.

use services::Error;

mod common;
use common::*;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn an_exited_or_archived_partner_loses_access_and_registers_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let (a, b) = (w.partner_a, w.partner_b);
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let session = s
            .sign_in("admin@alpha.test", PASSWORD, "10.0.0.1", None)
            .await
            .unwrap()
            .token;
        let (_, secret) = s.create_api_token(&w.a_admin, "CRM sync").await.unwrap();
        s.token_actor(&secret, "10.0.0.1").await.unwrap();

        s.set_tier_manually(&w.manager, a, "gold", "strategic")
            .await
            .unwrap();
        assert!(
            !s.evaluate_partner(&w.manager, a)
                .await
                .unwrap()
                .benefits
                .is_empty()
        );
        // An open registration, then the exit, which needs a reason.
        s.register_deal(
            &w.manager,
            a,
            &deal_input("Open Co", "open.example", "30000"),
            true,
        )
        .await
        .unwrap();
        match s.change_partner_stage(&w.manager, a, "exited", " ").await {
            Err(Error::Invalid(errors)) => assert_eq!(
                (errors[0].field.as_str(), errors[0].message.as_str()),
                (
                    "note",
                    "say why the partner exits: its people lose portal access at once"
                )
            ),
            other => panic!("{other:?}"),
        }
        s.change_partner_stage(&w.manager, a, "exited", "contract ended")
            .await
            .unwrap();
        let access: Vec<(String, domain::users::Access)> = s
            .list_users(&w.admin, &services::PageRequest::everything())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|u| (u.user.email, u.access))
            .collect();
        use domain::users::Access::{Active, PartnerExited};
        assert_eq!(
            access,
            [
                ("admin@alpha.test".to_owned(), PartnerExited),
                ("admin@vendor.test".to_owned(), Active),
                ("exec@vendor.test".to_owned(), Active),
                ("pm@vendor.test".to_owned(), Active),
                ("user@alpha.test".to_owned(), PartnerExited),
            ]
        );
        // Its open registration leaves the open pipeline and is named apart.
        let pipeline = s.pipeline(&w.manager, None).await.unwrap();
        assert_eq!(pipeline.open.deals, 0);
        assert_eq!(pipeline.out_of_program["Alpha"].deals, 1);
        let report = s.evaluate_partner(&w.manager, a).await.unwrap();
        assert!(report.benefits.is_empty(), "no tier benefits once exited");
        assert_eq!(
            report.out_of_program.as_deref(),
            Some("Alpha is exited: it keeps no tier benefits")
        );
        assert!(
            matches!(
                s.token_actor(&secret, "10.0.0.1").await,
                Err(Error::Unauthenticated)
            ),
            "the token ended"
        );
        assert!(
            matches!(s.session(&session).await, Err(Error::Unauthenticated)),
            "the session ended"
        );
        assert!(
            s.sign_in("admin@alpha.test", PASSWORD, "10.0.0.1", None)
                .await
                .is_err(),
            "no new sign-in"
        );
        match s
            .register_deal(
                &w.manager,
                a,
                &deal_input("Acme Corp", "acme.com", "80000"),
                true,
            )
            .await
        {
            Err(Error::Conflict(why)) => assert_eq!(why, "Alpha is exited: it registers no deals"),
            other => panic!("{other:?}"),
        }
        match s.submit_lead(&w.manager, a, &lead_input()).await {
            Err(Error::Conflict(why)) => assert_eq!(why, "Alpha is exited: it submits no leads"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.get_partner(&w.manager, a).await.unwrap().display_name,
            "Alpha",
            "its record stays for us"
        );

        // Archiving does the same to Bravo's people.
        let b_admin = user(s, &w.admin, "admin@bravo.test", "partner_admin", Some(b)).await;
        let (_, secret) = s.create_api_token(&b_admin, "CRM sync").await.unwrap();
        s.archive_partner(&w.manager, b).await.unwrap();
        assert!(matches!(
            s.token_actor(&secret, "10.0.0.1").await,
            Err(Error::Unauthenticated)
        ));
        assert!(
            s.sign_in("admin@bravo.test", PASSWORD, "10.0.0.2", None)
                .await
                .is_err()
        );
        match s.submit_lead(&w.manager, b, &lead_input()).await {
            Err(Error::Conflict(why)) => assert_eq!(why, "Bravo is archived: it submits no leads"),
            other => panic!("{other:?}"),
        }
        // Restored, its people sign in again.
        s.restore_partner(&w.manager, b).await.unwrap();
        s.sign_in("admin@bravo.test", PASSWORD, "10.0.0.2", None)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn an_exited_partner_gets_no_new_work_by_import_or_decision() {
    each_backend(|w| async move {
        use domain::deals::registration::Status;
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        let pending = s
            .register_deal(&w.manager, a, &deal_input("Pending Co", "pending.example", "30000"), true)
            .await
            .unwrap();
        assert_eq!(pending.status, Status::Submitted);
        // A stale page chose "paused" while Alpha was still "prospect": refused, not applied.
        s.change_partner_stage(&w.manager, a, "recruiting", "signed")
            .await
            .unwrap();
        match s
            .change_partner_stage_from(&w.manager, a, "prospect", "paused", "")
            .await
        {
            Err(Error::Conflict(why)) => assert_eq!(
                why,
                "this partner was changed by someone else meanwhile: it is now Recruiting; reload it and choose again"
            ),
            other => panic!("{other:?}"),
        }
        s.change_partner_stage_from(&w.manager, a, "recruiting", "exited", "contract ended")
            .await
            .unwrap();

        let approve = services::deals::DealDecision {
            decision: "approve".into(),
            note: String::new(),
        };
        match s.decide_deal(&w.manager, pending.id, &approve).await {
            Err(Error::Conflict(why)) => {
                assert_eq!(why, "Alpha is exited: its registrations can only be rejected")
            }
            other => panic!("{other:?}"),
        }
        let reject = services::deals::DealDecision {
            decision: "reject".into(),
            note: "the partner has left the program".into(),
        };
        s.decide_deal(&w.manager, pending.id, &reject).await.unwrap();

        let today = store::now().date();
        let header = "partner,customer_name,industry,region,deal_size,currency,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n";
        let open = format!("{header}alpha.com,Open Co,Retail,emea,1000,USD,{},Sync,discovery,10,Ana,submitted,{today},,\n", today + time::Duration::days(30));
        let report = s
            .import_deals(&services::Actor::system("test"), &open, false, &|_| {})
            .await
            .unwrap();
        assert!(!report.applied);
        assert_eq!(
            report
                .errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.line, e.field, e.message))
                .collect::<Vec<_>>(),
            ["2:status: Alpha is exited: it registers no deals; only its closed registrations (won, lost, rejected, expired) can be imported"]
        );
        let history = format!("{header}alpha.com,Old Co,Retail,emea,1000,USD,{today},Sync,discovery,100,Ana,won,{},{today},1000\n", today - time::Duration::days(40));
        let report = s
            .import_deals(&services::Actor::system("test"), &history, false, &|_| {})
            .await
            .unwrap();
        assert!(report.applied, "history still comes in: {:?}", report.errors);

        let leads = "partner,company,contact_name,contact_email,need,estimated_value,status\nalpha.com,Initech,Bill,bill@initech.example,TPS,1000,submitted\n";
        let report = s.import_leads(&w.manager, leads, false).await.unwrap();
        assert_eq!(
            report.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            ["Alpha is exited: it submits no leads; only its accepted or rejected leads can be imported"]
        );
    })
    .await;
}
