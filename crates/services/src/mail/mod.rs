//! Mail: what people are told by notification also leaves by SMTP. Each notification a person
//! should get by mail becomes an outbox row in the same transaction (`enqueue`), so a change
//! that rolls back mails nothing; the background sender (`sender`) takes due rows later,
//! never inside a request. People choose immediately, a daily digest or no mail; security
//! notices always go.

#[cfg(feature = "tools")]
pub mod receiver;
pub mod sender;
pub mod settings;

use domain::Choice;
use domain::permissions::Action;
use store::outbox::{NewMail, OutboxRow};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, Error, Page, PageQuery, Result, Services};

pub use settings::{
    Delivery, MAIL_DIGEST, MailSettings, MailState, SECURITY_KINDS, SmtpSettings, TlsMode,
};

/// Queues the mail for a notification going to `users` (each once), as each chose; called in
/// the notification's own transaction.
pub(crate) async fn enqueue(
    tx: &mut store::Write,
    users: &[Uuid],
    kind: &str,
    message: &str,
    link: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let recipients = store::outbox::recipients(tx, users).await?;
    let security = SECURITY_KINDS.contains(&kind);
    let subject = subject_of(message);
    let mails: Vec<NewMail> = recipients
        .iter()
        .filter_map(|r| {
            let delivery = r
                .delivery
                .as_deref()
                .and_then(Delivery::parse)
                .unwrap_or(Delivery::Immediately);
            let state = match (security, delivery) {
                (true, _) | (false, Delivery::Immediately) => MailState::Queued,
                (false, Delivery::Digest) => MailState::Held,
                (false, Delivery::Off) => return None,
            };
            Some(NewMail {
                user_id: Some(r.id),
                recipient: &r.email,
                subject: &subject,
                body_text: message,
                kind,
                link,
                state: state.as_str(),
            })
        })
        .collect();
    store::outbox::insert_many(tx, &mails, at).await?;
    Ok(())
}

/// A subject line from a notification's text: its first 90 characters.
fn subject_of(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let mut subject: String = line.chars().take(90).collect();
    if line.chars().count() > 90 {
        subject.push('…');
    }
    format!("PartnerOS: {subject}")
}

/// One's own mail choice.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MailPreference {
    /// immediately, digest or off.
    pub delivery: Delivery,
}

/// One outbox row as an admin reads it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OutboxView {
    pub id: Uuid,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// The notification's kind (deal_decision, lead, …), or digest.
    pub kind: String,
    /// A portal path to what it is about.
    pub link: String,
    pub state: MailState,
    /// The stored state in words, the same whichever server is asked (whether this server
    /// has SMTP is the outbox page's notice, not a row's state).
    pub status: String,
    pub attempts: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub next_attempt_at: OffsetDateTime,
    pub last_error: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only mails in this state: held, digested, queued, sending, sent or failed.
    pub state: String,
    /// Only mails to this address.
    pub recipient: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl Services {
    fn outbox_view(&self, row: OutboxRow) -> Result<OutboxView> {
        let state = MailState::parse(&row.state)
            .ok_or_else(|| Error::Conflict(format!("unknown outbox state '{}'", row.state)))?;
        Ok(OutboxView {
            id: row.id,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body_text,
            kind: row.kind,
            link: row.link,
            state,
            status: state.label().to_owned(),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
            created_at: row.created_at,
        })
    }

    /// The outbox, newest first. Admins only: it holds every person's mail.
    pub async fn outbox(&self, actor: &Actor, query: &OutboxQuery) -> Result<Page<OutboxView>> {
        actor.require(Action::ManageMail)?;
        let page = PageQuery {
            cursor: query.cursor.clone(),
            limit: query.limit,
        }
        .request::<(OffsetDateTime, Uuid)>()?;
        let state = match query.state.trim() {
            "" => None,
            s => Some(MailState::parse(s).ok_or_else(|| {
                Error::field(
                    "state",
                    "must be one of held, digested, queued, sending, sent, failed, expired, discarded",
                )
            })?),
        };
        let recipient = Some(query.recipient.trim()).filter(|r| !r.is_empty());
        let mut tx = self.db.read().await?;
        let rows = store::outbox::list(
            &mut tx,
            state.map(|s| s.as_str()),
            recipient,
            page.after,
            page.limit,
        )
        .await?;
        drop(tx);
        page.page(rows, |r| (r.created_at, r.id))
            .try_map(|r| self.outbox_view(r))
    }

    /// Queues a failed mail again with fresh attempts; 409 when it is not failed (any more).
    pub async fn retry_mail(&self, actor: &Actor, id: Uuid) -> Result<OutboxView> {
        actor.require(Action::ManageMail)?;
        let mut tx = self.db.write().await?;
        store::outbox::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !store::outbox::retry(&mut tx, id, store::now()).await? {
            return Err(Error::Conflict(
                "this mail is not failed: it was retried already or is on its way".into(),
            ));
        }
        let row = store::outbox::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        self.outbox_view(row)
    }

    /// Discards one queued mail so it never leaves; 409 when it is not queued (sent, or
    /// discarded by someone else first) or is a security notice, which always goes.
    pub async fn discard_mail(&self, actor: &Actor, id: Uuid) -> Result<OutboxView> {
        actor.require(Action::ManageMail)?;
        let mut tx = self.db.write().await?;
        let row = store::outbox::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        if SECURITY_KINDS.contains(&row.kind.as_str()) {
            return Err(Error::Conflict(
                "a security notice always goes: it cannot be discarded".into(),
            ));
        }
        if !store::outbox::discard(&mut tx, id, SECURITY_KINDS).await? {
            return Err(Error::Conflict(
                "this mail is not queued: it was sent, expired or discarded already".into(),
            ));
        }
        let row = store::outbox::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        self.outbox_view(row)
    }

    /// Discards every queued mail but security notices (the backlog of a server that had no
    /// SMTP); the count. 409 when none was queued, e.g. another admin discarded them first.
    pub async fn discard_queued_mail(&self, actor: &Actor) -> Result<u64> {
        actor.require(Action::ManageMail)?;
        let mut tx = self.db.write().await?;
        let discarded = store::outbox::discard_queued(&mut tx, SECURITY_KINDS).await?;
        if discarded == 0 {
            return Err(Error::Conflict(
                "no mail is queued: it was sent, expired or discarded already".into(),
            ));
        }
        tx.commit().await?;
        Ok(discarded)
    }

    /// The asking person's mail choice (immediately when never chosen).
    pub async fn mail_preference(&self, actor: &Actor) -> Result<MailPreference> {
        let user = actor.user_id.ok_or(Error::Unauthenticated)?;
        let mut tx = self.db.read().await?;
        let delivery = store::outbox::preference(&mut tx, user)
            .await?
            .as_deref()
            .and_then(Delivery::parse)
            .unwrap_or(Delivery::Immediately);
        Ok(MailPreference { delivery })
    }

    /// Sets the asking person's mail choice from its key (immediately, digest or off).
    pub async fn set_mail_preference(
        &self,
        actor: &Actor,
        delivery: &str,
    ) -> Result<MailPreference> {
        let user = actor.user_id.ok_or(Error::Unauthenticated)?;
        let delivery = Delivery::parse(delivery.trim())
            .ok_or_else(|| Error::field("delivery", "must be one of immediately, digest, off"))?;
        let mut tx = self.db.write().await?;
        store::outbox::set_preference(&mut tx, user, delivery.as_str(), store::now()).await?;
        tx.commit().await?;
        Ok(MailPreference { delivery })
    }
}
