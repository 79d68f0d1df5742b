//! Accounts: sign-in, sessions, throttling, passwords and tokens.

use super::*;

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
