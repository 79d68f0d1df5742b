//! Personal API tokens: created (the secret shown once), listed, revoked, and read on every
//! API call — remembered for a moment so machines calling thousands of times a second need no
//! lookup per call.

use uuid::Uuid;

use crate::auth::secrets::{random_secret, sha256_hex};
use crate::auth::throttle;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// API tokens start with this so they are recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "pos_";

/// How long a bearer token's owner is remembered without asking the database: machines
/// calling the API thousands of times a second need no lookup per call. Revoking a token or
/// changing its owner takes effect at once in this process and within this time on other
/// servers sharing the database.
const TOKEN_MEMORY: std::time::Duration = std::time::Duration::from_secs(5);

/// Tokens remembered at most (the memory starts over beyond it).
const TOKENS_REMEMBERED: u64 = 10_000;

/// Recently seen bearer tokens (by hash) and whom they stand for: each for `TOKEN_MEMORY`,
/// at most `TOKENS_REMEMBERED` of them (moka evicts the least used).
pub(crate) struct TokenMemory(moka::sync::Cache<String, Actor>);

impl Default for TokenMemory {
    fn default() -> Self {
        TokenMemory(
            moka::sync::Cache::builder()
                .max_capacity(TOKENS_REMEMBERED)
                .time_to_live(TOKEN_MEMORY)
                .build(),
        )
    }
}

impl std::fmt::Debug for TokenMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TokenMemory")
            .field(&self.0.entry_count())
            .finish()
    }
}

impl TokenMemory {
    fn recall(&self, hash: &str) -> Option<Actor> {
        self.0.get(hash)
    }

    fn remember(&self, hash: String, actor: Actor) {
        self.0.insert(hash, actor);
    }

    /// After a token is revoked or an account changes: ask the database again.
    pub(crate) fn forget_all(&self) {
        self.0.invalidate_all();
    }
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

    /// The actor's own tokens, newest first.
    pub async fn list_api_tokens(
        &self,
        actor: &Actor,
        page: &PageRequest<Uuid>,
    ) -> Result<Page<ApiToken>> {
        let Some(user_id) = actor.user_id else {
            return Ok(page.page(Vec::new(), |token| token.id));
        };
        let mut tx = self.db.read().await?;
        let tokens = store::auth::api_tokens_of(&mut tx, user_id, page.after, page.limit).await?;
        Ok(page.page(tokens, |token| token.id).map(ApiToken::from))
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
        drop(tx);
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
        drop(tx);
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
