//! The outbox: mail waiting to leave, sent or given up, and each person's delivery choice.
//! A row is claimed by exactly one sender: PostgreSQL skips rows another server has locked,
//! SQLite has a single writer, and every state change is conditional on the state read.

use crate::{Backend, Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub kind: String,
    pub link: String,
    /// held (for the digest), digested, queued, sending, sent or failed.
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: String,
    pub sent_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

const COLUMNS: &str = "id, user_id, recipient, subject, body_text, kind, link, state, attempts, \
     next_attempt_at, last_error, sent_at, created_at";

/// One mail to write: to whom, what, and whether it waits for the digest.
pub struct NewMail<'a> {
    pub user_id: Option<Uuid>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub kind: &'a str,
    pub link: &'a str,
    /// queued (leaves with the next send) or held (for the daily digest).
    pub state: &'a str,
}

/// Writes many mails in a few statements; returns their ids in order.
pub async fn insert_many(
    tx: &mut Write,
    mails: &[NewMail<'_>],
    at: OffsetDateTime,
) -> Result<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(mails.len());
    for chunk in mails.chunks(400) {
        let mut query = Sql::new(
            "INSERT INTO outbox (id, user_id, recipient, subject, body_text, kind, link, state, \
             next_attempt_at, created_at) VALUES ",
        );
        query.push_values(tx.backend(), 10, chunk.len());
        for mail in chunk {
            let id = Uuid::now_v7();
            ids.push(id);
            query = query
                .arg(id)
                .arg(mail.user_id)
                .arg(mail.recipient)
                .arg(mail.subject)
                .arg(mail.body_text)
                .arg(mail.kind)
                .arg(mail.link)
                .arg(mail.state)
                .arg(at)
                .arg(at);
        }
        tx.execute(query).await?;
    }
    Ok(ids)
}

/// Someone who may be mailed: their address and delivery choice (None: never chosen).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub id: Uuid,
    pub email: String,
    pub delivery: Option<String>,
}

/// The enabled accounts among `users` with their addresses and delivery choices.
pub async fn recipients(tx: &mut Read, users: &[Uuid]) -> Result<Vec<Recipient>> {
    let mut found = Vec::with_capacity(users.len());
    for chunk in users.chunks(500) {
        let mut query = Sql::new(
            "SELECT u.id, u.email, p.delivery FROM users u \
             LEFT JOIN mail_preferences p ON p.user_id = u.id \
             WHERE u.disabled_at IS NULL AND u.id IN ",
        );
        query.push_bind_list(chunk.iter().copied());
        found.extend(tx.all::<Recipient>(query).await?);
    }
    Ok(found)
}

#[derive(sqlx::FromRow)]
struct Delivery {
    delivery: String,
}

/// One person's delivery choice, None when never chosen.
pub async fn preference(tx: &mut Read, user_id: Uuid) -> Result<Option<String>> {
    Ok(tx
        .optional::<Delivery>(sql!(
            "SELECT delivery FROM mail_preferences WHERE user_id = $1",
            user_id
        ))
        .await?
        .map(|d| d.delivery))
}

pub async fn set_preference(
    tx: &mut Write,
    user_id: Uuid,
    delivery: &str,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO mail_preferences (user_id, delivery, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET delivery = excluded.delivery, updated_at = excluded.updated_at",
        user_id,
        delivery,
        at,
    ))
    .await?;
    Ok(())
}

/// A mail a sender may take: queued and due, or sending with an expired lease (its sender
/// died). The claim repeats it outside the locked subquery so PostgreSQL rechecks it.
const DUE: &str =
    "((state = 'queued' AND next_attempt_at <= $1) OR (state = 'sending' AND lease_until < $1))";

/// Claims up to `limit` due mails for one sender until `lease_until` under `claim_id` (the
/// sender's own, fresh per claim), counting the attempt.
pub async fn claim(
    tx: &mut Write,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    claim_id: Uuid,
    limit: i64,
) -> Result<Vec<OutboxRow>> {
    let mut query = sql!(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = $2, \
         claim_id = $3 WHERE ",
        now,
        lease_until,
        claim_id,
    );
    query.push(DUE);
    query.push(" AND id IN (SELECT id FROM outbox WHERE ");
    query.push(DUE);
    query
        .push(" ORDER BY next_attempt_at, id LIMIT ")
        .push_bind(limit);
    query.push(match tx.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    });
    query.push(") RETURNING ");
    query.push(COLUMNS);
    tx.all(query).await
}

/// Records the mails of one claim as sent, a few statements for a whole batch; the count
/// changed (fewer than asked: some of the claim was lost to another sender after its lease).
pub async fn mark_sent(
    tx: &mut Write,
    claim_id: Uuid,
    ids: &[Uuid],
    at: OffsetDateTime,
) -> Result<u64> {
    let mut changed = 0;
    for chunk in ids.chunks(500) {
        let mut query = sql!(
            "UPDATE outbox SET state = 'sent', sent_at = $1, lease_until = NULL, last_error = '' \
             WHERE state = 'sending' AND claim_id = $2 AND id IN ",
            at,
            claim_id,
        );
        query.push_bind_list(chunk.iter().copied());
        changed += tx.execute(query).await?;
    }
    Ok(changed)
}

/// Records a failed attempt of one claim: queued again for `retry_at`, or failed for good
/// when None; false when the claim was lost.
pub async fn mark_failed(
    tx: &mut Write,
    claim_id: Uuid,
    id: Uuid,
    error: &str,
    retry_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<bool> {
    let (state, next) = match retry_at {
        Some(retry_at) => ("queued", retry_at),
        None => ("failed", at),
    };
    let changed = tx
        .execute(sql!(
            "UPDATE outbox SET state = $2, next_attempt_at = $3, last_error = $4, lease_until = NULL \
             WHERE id = $1 AND state = 'sending' AND claim_id = $5",
            id,
            state,
            next,
            error,
            claim_id,
        ))
        .await?;
    Ok(changed == 1)
}

/// Marks expired the queued mails due before `due_before` (they waited too long to be worth
/// sending), except those of the `keep` kinds; the count.
pub async fn expire(tx: &mut Write, due_before: OffsetDateTime, keep: &[&str]) -> Result<u64> {
    let mut query = sql!(
        "UPDATE outbox SET state = 'expired' WHERE state = 'queued' AND next_attempt_at < $1",
        due_before,
    );
    not_of_kinds(&mut query, keep);
    tx.execute(query).await
}

/// Discards one queued mail (not of the `keep` kinds); false when it is not queued (any more).
pub async fn discard(tx: &mut Write, id: Uuid, keep: &[&str]) -> Result<bool> {
    let mut query = sql!(
        "UPDATE outbox SET state = 'discarded' WHERE id = $1 AND state = 'queued'",
        id
    );
    not_of_kinds(&mut query, keep);
    Ok(tx.execute(query).await? == 1)
}

/// Discards every queued mail but those of the `keep` kinds; the count.
pub async fn discard_queued(tx: &mut Write, keep: &[&str]) -> Result<u64> {
    let mut query = Sql::new("UPDATE outbox SET state = 'discarded' WHERE state = 'queued'");
    not_of_kinds(&mut query, keep);
    tx.execute(query).await
}

fn not_of_kinds(query: &mut Sql, kinds: &[&str]) {
    if !kinds.is_empty() {
        query.push(" AND kind NOT IN ");
        query.push_bind_list(kinds.iter().map(|k| (*k).to_owned()));
    }
}

/// Puts a failed mail back in the queue with fresh attempts; false when it is not failed
/// (someone retried it first).
pub async fn retry(tx: &mut Write, id: Uuid, at: OffsetDateTime) -> Result<bool> {
    let changed = tx
        .execute(sql!(
            "UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = $2 \
             WHERE id = $1 AND state = 'failed'",
            id,
            at,
        ))
        .await?;
    Ok(changed == 1)
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<OutboxRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM outbox WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

/// Mails newest first, optionally of one state and to one address, after the cursor.
pub async fn list(
    tx: &mut Read,
    state: Option<&str>,
    recipient: Option<&str>,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<OutboxRow>> {
    let mut query = Sql::new("SELECT ");
    query.push(COLUMNS).push(" FROM outbox WHERE 1 = 1");
    if let Some(state) = state {
        query.push(" AND state = ").push_bind(state.to_owned());
    }
    if let Some(recipient) = recipient {
        query
            .push(" AND recipient = ")
            .push_bind(recipient.to_lowercase());
    }
    query.newest_first_page(before, limit);
    tx.all(query).await
}

/// Mails held for the digest, by person then age.
pub async fn held(tx: &mut Read) -> Result<Vec<OutboxRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM outbox WHERE state = 'held' ORDER BY user_id, created_at, id");
    tx.all(query).await
}

#[derive(sqlx::FromRow)]
struct Written {
    created_at: OffsetDateTime,
}

/// When the last digest to this address was written, if ever (read newest first along the
/// address's index, so only mail since that digest is passed over).
pub async fn last_digest_at(tx: &mut Read, recipient: &str) -> Result<Option<OffsetDateTime>> {
    Ok(tx
        .optional::<Written>(sql!(
            "SELECT created_at FROM outbox WHERE recipient = $1 AND kind = 'digest' \
             ORDER BY created_at DESC, id DESC LIMIT 1",
            recipient.to_owned()
        ))
        .await?
        .map(|row| row.created_at))
}

/// Marks held mails as gathered into a digest; the count changed (fewer than asked: another
/// digest run took some).
pub async fn mark_digested(tx: &mut Write, ids: &[Uuid]) -> Result<u64> {
    let mut changed = 0;
    for chunk in ids.chunks(500) {
        let mut query =
            Sql::new("UPDATE outbox SET state = 'digested' WHERE state = 'held' AND id IN ");
        query.push_bind_list(chunk.iter().copied());
        changed += tx.execute(query).await?;
    }
    Ok(changed)
}

#[derive(sqlx::FromRow)]
struct Count {
    n: i64,
}

/// How many mails are in each state, for the benchmark and the outbox page's summary.
pub async fn count_in_state(tx: &mut Read, state: &str) -> Result<i64> {
    Ok(tx
        .one::<Count>(sql!(
            "SELECT COUNT(*) AS n FROM outbox WHERE state = $1",
            state.to_owned()
        ))
        .await?
        .n)
}
