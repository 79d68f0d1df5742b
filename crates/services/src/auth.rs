//! Signing in and out, server-side sessions, password changes and personal API tokens.

use crate::{Actor, Change, Error, Result, Services, record, throttle};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// API tokens start with this so they are recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "pos_";

/// How long a bearer token's owner is remembered without asking the database: machines
/// calling the API thousands of times a second need no lookup per call. Revoking a token or
/// changing its owner takes effect at once in this process and within this time on other
/// servers sharing the database.
const TOKEN_MEMORY: std::time::Duration = std::time::Duration::from_secs(5);
/// Tokens remembered at most (the memory starts over beyond it).
const TOKENS_REMEMBERED: usize = 10_000;

/// Recently seen bearer tokens (by hash) and whom they stand for.
#[derive(Debug, Default)]
pub(crate) struct TokenMemory(
    std::sync::Mutex<std::collections::HashMap<String, (Actor, std::time::Instant)>>,
);

impl TokenMemory {
    fn recall(&self, hash: &str) -> Option<Actor> {
        let known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        known
            .get(hash)
            .filter(|(_, at)| at.elapsed() < TOKEN_MEMORY)
            .map(|(actor, _)| actor.clone())
    }

    fn remember(&self, hash: String, actor: Actor) {
        let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= TOKENS_REMEMBERED {
            known.clear();
        }
        known.insert(hash, (actor, std::time::Instant::now()));
    }

    /// After a token is revoked or an account changes: ask the database again.
    pub(crate) fn forget_all(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same effort on unknown emails as on real ones, so timing does not reveal accounts.
fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("partneros-dummy-password"));
    verify_password(password, hash);
}

/// Argon2 takes tens of milliseconds of CPU on purpose: on the async workers it would stall
/// every other request on the same thread, so it runs on tokio's blocking threads. Each run
/// also takes 19 MiB, so no more run at once than there are cores (more would not finish
/// sooner): a burst of sign-ins queues instead of taking the memory.
async fn on_blocking_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    });
    let _slot = slots
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Checks a password against a stored hash (or, with none, spends the same effort anyway).
async fn password_matches(password: &str, hash: Option<String>) -> bool {
    let password = password.to_owned();
    on_blocking_thread(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            dummy_verify(&password);
            false
        }
    })
    .await
}

/// [`hash_password`] off the async workers; call it before opening a write transaction.
pub(crate) async fn hash_password_blocking(password: &str) -> String {
    let password = password.to_owned();
    on_blocking_thread(move || hash_password(&password)).await
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<time::OffsetDateTime>,
}

impl From<store::auth::ApiTokenRow> for ApiToken {
    fn from(row: store::auth::ApiTokenRow) -> Self {
        ApiToken {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
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
        tx.commit().await?;
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
        tx.commit().await?;
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

    /// Creates a personal API token. The secret is returned once and stored only as a hash.
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> Result<(ApiToken, String)> {
        let user_id = actor.user_id.ok_or(Error::Forbidden(
            "the system account has no API tokens".into(),
        ))?;
        let mut v = domain::Validation::new();
        let name = v.text("name", name, true, 100);
        v.into_result().map_err(Error::Invalid)?;
        let secret = format!("{TOKEN_PREFIX}{}", random_secret());
        let id = Uuid::now_v7();
        let at = store::now();
        let mut tx = self.db.write().await?;
        let prefix: String = secret.chars().take(10).collect();
        let token = store::auth::NewApiToken {
            id,
            user_id,
            name: &name,
            token_hash: &sha256_hex(&secret),
            prefix: &prefix,
        };
        store::auth::insert_api_token(&mut tx, &token, at).await?;
        let row = store::auth::api_token(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let change = Change {
            partner_id: actor.partner_id,
            entity_type: "api_token",
            entity_id: id,
            action: "created",
            summary: format!("API token '{name}' created"),
            before: None,
            after: None,
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        Ok((row.into(), secret))
    }

    pub async fn list_api_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let Some(user_id) = actor.user_id else {
            return Ok(Vec::new());
        };
        let mut tx = self.db.read().await?;
        let tokens = store::auth::api_tokens_of(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(tokens.into_iter().map(ApiToken::from).collect())
    }

    /// Revokes one of the actor's own tokens (someone else's is "not found").
    pub async fn revoke_api_token(&self, actor: &Actor, id: Uuid) -> Result<ApiToken> {
        let mut tx = self.db.write().await?;
        let row = store::auth::api_token(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        if Some(row.user_id) != actor.user_id {
            return Err(Error::NotFound);
        }
        if row.revoked_at.is_some() {
            return Err(Error::Conflict("the token is already revoked".into()));
        }
        let at = store::now();
        store::auth::revoke_api_token(&mut tx, id, at).await?;
        let change = Change {
            partner_id: actor.partner_id,
            entity_type: "api_token",
            entity_id: id,
            action: "revoked",
            summary: format!("API token '{}' revoked", row.name),
            before: None,
            after: None,
        };
        record(&mut tx, actor, at, change).await?;
        let row = store::auth::api_token(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(row.into())
    }

    /// The actor behind a bearer token, or `Unauthenticated` when unknown, revoked or disabled.
    /// Bad tokens are failures of the client address (key `token:ADDRESS`) and, past the free
    /// ones, answered `RateLimited` for a growing wait as sign-ins are. A good token is never
    /// held up: guessing one is hopeless (256 random bits), the limit is against the noise.
    pub async fn token_actor(&self, secret: &str, client_ip: &str) -> Result<Actor> {
        let hash = sha256_hex(secret);
        if let Some(actor) = self.tokens.recall(&hash) {
            return Ok(actor);
        }
        let now = store::now();
        match self.lookup_token(secret, &hash, now).await {
            Err(Error::Unauthenticated) => {}
            found => return found,
        }
        let key = format!("token:{client_ip}");
        let since = now - self.config.login_window;
        // Read apart from the write: a flood of bad tokens is answered without the writer.
        let mut tx = self.db.read().await?;
        let failures = store::auth::login_failures_since(&mut tx, &key, since).await?;
        tx.commit().await?;
        if let Some(wait) = throttle::address_wait(&failures, &self.config, now) {
            return Err(Error::RateLimited {
                retry_after_secs: throttle::retry_after_secs(wait),
            });
        }
        let mut tx = self.db.write().await?;
        store::auth::record_login_failure(&mut tx, &key, now).await?;
        store::auth::delete_old_login_failures(&mut tx, since).await?;
        tx.commit().await?;
        Err(Error::Unauthenticated)
    }

    async fn lookup_token(
        &self,
        secret: &str,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Actor> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(Error::Unauthenticated);
        }
        let mut tx = self.db.read().await?;
        let row = store::auth::api_token_by_hash(&mut tx, hash)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let user = store::users::get(&mut tx, row.user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        tx.commit().await?;
        if row.revoked_at.is_some() || user.disabled_at.is_some() {
            return Err(Error::Unauthenticated);
        }
        if row
            .last_used_at
            .is_none_or(|at| now - at > time::Duration::minutes(1))
        {
            let mut tx = self.db.write().await?;
            store::auth::touch_api_token(&mut tx, row.id, now).await?;
            tx.commit().await?;
        }
        let actor = Actor::from_user(&user);
        self.tokens.remember(hash.to_owned(), actor.clone());
        Ok(actor)
    }
}
