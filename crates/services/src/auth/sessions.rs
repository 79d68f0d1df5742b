//! Signing in and out: server-side sessions, each a row keyed by the hash of its cookie, with
//! the form token that goes with it; failed sign-ins slow the next (`throttle`). Changing
//! one's password ends the other sessions and tokens and opens a new session.

use crate::auth::passwords::{hash_password_blocking, password_matches};
use crate::auth::secrets::{random_secret, sha256_hex};
use crate::auth::throttle;
use crate::{Actor, Change, Error, Result, Services, record};

/// A freshly created session: the cookie value and the form token that goes with it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub user: domain::users::User,
}

/// The signed-in user behind a session cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub user: domain::users::User,
    pub csrf_token: String,
}

impl Services {
    /// Checks the password and opens a new session (a new id every time: no fixation).
    /// Failures are counted per account and per client address (see `throttle`); while either
    /// must wait, sign-in is refused without checking the password.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client_ip: &str,
        replaces: Option<&str>,
    ) -> Result<NewSession> {
        let email = email.trim().to_lowercase();
        let account_key = format!("account:{email}");
        let ip_key = format!("ip:{client_ip}");
        let now = store::now();
        let since = now - self.config.login_window;

        // The attempt is recorded as a failure before the password is checked, and taken back
        // once it proves right: parallel guesses each see the others, yet the slow check runs
        // after this short transaction has committed, never holding the write lock.
        let mut tx = self.db.write().await?;
        let account_failures =
            store::auth::login_failures_since(&mut tx, &account_key, since).await?;
        let ip_failures = store::auth::login_failures_since(&mut tx, &ip_key, since).await?;
        if let Some(wait) = throttle::account_wait(&account_failures, &self.config, now)
            .or_else(|| throttle::address_wait(&ip_failures, &self.config, now))
        {
            return Err(Error::RateLimited {
                retry_after_secs: throttle::retry_after_secs(wait),
            });
        }
        store::auth::record_login_failure(&mut tx, &account_key, now).await?;
        store::auth::record_login_failure(&mut tx, &ip_key, now).await?;
        store::auth::delete_old_login_failures(&mut tx, since).await?;
        let user = store::users::get_by_email(&mut tx, &email).await?;
        let hash = match &user {
            Some(user) => store::users::password_hash(&mut tx, user.id).await?,
            None => None,
        };
        let out_of_program = match user.as_ref().and_then(|u| u.partner_id) {
            Some(partner) => store::partners::get(&mut tx, partner)
                .await?
                .is_some_and(|p| p.out_of_program().is_some()),
            None => false,
        };
        tx.commit().await?;

        let verified = password_matches(password, hash).await;
        let user = match user {
            Some(user) if verified && user.disabled_at.is_none() && !out_of_program => user,
            _ => {
                return Err(Error::Invalid(vec![domain::FieldError {
                    field: "email".into(),
                    message: "email or password is not correct (or the account is disabled)".into(),
                }]));
            }
        };
        let mut tx = self.db.write().await?;
        store::auth::clear_login_failures(&mut tx, &account_key).await?;
        store::auth::delete_login_failure(&mut tx, &ip_key, now).await?;
        if let Some(old) = replaces {
            store::auth::delete_session(&mut tx, &sha256_hex(old)).await?;
        }
        store::auth::delete_idle_sessions(&mut tx, now - self.config.session_idle).await?;
        let token = random_secret();
        let csrf_token = random_secret();
        store::auth::insert_session(&mut tx, &sha256_hex(&token), user.id, &csrf_token, now)
            .await?;
        tx.commit().await?;
        Ok(NewSession {
            token,
            csrf_token,
            user,
        })
    }

    /// The user behind a session cookie, or `Unauthenticated` when it is unknown or idle too long.
    pub async fn session(&self, token: &str) -> Result<SessionInfo> {
        let hash = sha256_hex(token);
        let now = store::now();
        let mut tx = self.db.read().await?;
        let session = store::auth::get_session(&mut tx, &hash)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let user = store::users::get(&mut tx, session.user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        drop(tx);
        let idle = now - session.last_seen_at;
        if idle > self.config.session_idle || user.disabled_at.is_some() {
            let mut tx = self.db.write().await?;
            store::auth::delete_session(&mut tx, &hash).await?;
            tx.commit().await?;
            return Err(Error::Unauthenticated);
        }
        // Touching at most once a minute keeps reads from turning into writes on every request.
        if idle > time::Duration::minutes(1) {
            let mut tx = self.db.write().await?;
            store::auth::touch_session(&mut tx, &hash, now).await?;
            tx.commit().await?;
        }
        Ok(SessionInfo {
            actor: Actor::from_user(&user),
            user,
            csrf_token: session.csrf_token,
        })
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let mut tx = self.db.write().await?;
        store::auth::delete_session(&mut tx, &sha256_hex(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the actor's own password after checking the current one. Every session and
    /// API token of the account ends (whoever learnt the old password may have made some);
    /// with `new_session`, a fresh session is opened for the caller.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        new_session: bool,
    ) -> Result<Option<NewSession>> {
        let user_id = actor.user_id.ok_or(Error::Forbidden(
            "the system account has no password".into(),
        ))?;
        let mut tx = self.db.read().await?;
        let hash = store::users::password_hash(&mut tx, user_id)
            .await?
            .ok_or(Error::NotFound)?;
        drop(tx);
        if !password_matches(current, Some(hash.clone())).await {
            return Err(Error::field("current_password", "is not correct"));
        }
        domain::users::check_password(new).map_err(|m| Error::field("new_password", m))?;
        let new_hash = hash_password_blocking(new).await;
        let mut tx = self.db.write().await?;
        // Checked outside this transaction: it must still be the password that was checked.
        if store::users::password_hash(&mut tx, user_id)
            .await?
            .as_deref()
            != Some(hash.as_str())
        {
            return Err(Error::Conflict(
                "the password was changed meanwhile; sign in again with the new one".into(),
            ));
        }
        let at = store::now();
        store::users::set_password_hash(&mut tx, user_id, &new_hash, at).await?;
        store::auth::delete_user_sessions(&mut tx, user_id).await?;
        let revoked = store::auth::revoke_user_api_tokens(&mut tx, user_id, at).await?;
        let change = Change {
            partner_id: actor.partner_id,
            entity_type: "user",
            entity_id: user_id,
            action: "password_changed",
            summary: format!(
                "{} changed their password ({revoked} API tokens revoked)",
                actor.label
            ),
            before: None,
            after: None,
        };
        record(&mut tx, actor, at, change).await?;
        let session = if new_session {
            let token = random_secret();
            let csrf_token = random_secret();
            store::auth::insert_session(&mut tx, &sha256_hex(&token), user_id, &csrf_token, at)
                .await?;
            let user = store::users::get(&mut tx, user_id)
                .await?
                .ok_or(Error::NotFound)?;
            Some(NewSession {
                token,
                csrf_token,
                user,
            })
        } else {
            None
        };
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(session)
    }
}
