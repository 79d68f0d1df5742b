//! The background sender: claims due outbox rows (each by one sender only), hands them to
//! the SMTP server and records what happened; failures are retried with growing waits, then
//! given up and shown on the outbox page. And the daily digest, which gathers a person's
//! held mails into one.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::outbox::{NewMail, OutboxRow};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::settings::{MailState, SECURITY_KINDS, SmtpSettings, TlsMode};
use crate::{Error, Result, Services};
use domain::Choice;
use domain::time_zone::TimeZone;

/// Mails handed to the SMTP server at once, each on its own pooled connection: one
/// connection waits a round trip (and often the server's delayed acknowledgement) per mail.
const CONNECTIONS: usize = 8;
/// How long a claimed mail is its sender's before another may take it over.
const LEASE: Duration = Duration::minutes(5);
/// The wait after the `attempt`th failed attempt, None when it was the last: four attempts
/// over about half an hour, then the mail is shown failed and retried only by hand.
pub fn retry_after(attempt: i64) -> Option<Duration> {
    match attempt {
        1 => Some(Duration::minutes(1)),
        2 => Some(Duration::minutes(5)),
        3 => Some(Duration::minutes(30)),
        _ => None,
    }
}

/// What one sending run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRun {
    pub sent: usize,
    /// Failed attempts that will be tried again.
    pub retrying: usize,
    /// Mails given up.
    pub failed: usize,
    /// Mails that waited longer than the age limit and will not be sent.
    pub expired: usize,
}

/// What one digest run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestRun {
    /// Held mails gathered.
    pub gathered: i64,
    /// Digest mails written, one per person.
    pub digests: i64,
}

impl std::fmt::Display for DigestRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} gathered into {}",
            domain::display::count(self.gathered, "mail"),
            domain::display::count(self.digests, "digest")
        )
    }
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(smtp: &SmtpSettings) -> std::result::Result<Transport, String> {
    let builder = match smtp.tls {
        TlsMode::None => Transport::builder_dangerous(&smtp.host),
        TlsMode::StartTls => Transport::starttls_relay(&smtp.host).map_err(|e| e.to_string())?,
        TlsMode::Tls => Transport::relay(&smtp.host).map_err(|e| e.to_string())?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let Some(username) = &smtp.username {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            smtp.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

type Outcome = std::result::Result<(), String>;

impl Services {
    /// Marks expired the mails that waited longer than the age limit (security notices
    /// excepted), then sends every due mail, a batch at a time, until none is due at `now`.
    /// Without SMTP settings it sends nothing: mail stays queued in the outbox until it
    /// expires.
    pub async fn send_due_mail(&self, now: OffsetDateTime) -> Result<MailRun> {
        let mut run = MailRun::default();
        let mut tx = self.db.write().await?;
        run.expired = store::outbox::expire(&mut tx, now - self.config.mail.max_age, SECURITY_KINDS)
            .await? as usize;
        tx.commit().await?;
        let Some(smtp) = &self.config.mail.smtp else {
            return Ok(run);
        };
        let setup = transport(smtp).and_then(|t| {
            smtp.from
                .parse::<Mailbox>()
                .map(|from| (t, from))
                .map_err(|e| format!("the From address '{}': {e}", smtp.from))
        });
        loop {
            let claim_id = Uuid::now_v7();
            let mut tx = self.db.write().await?;
            let claimed =
                store::outbox::claim(&mut tx, now, now + LEASE, claim_id, self.config.mail.batch)
                    .await?;
            tx.commit().await?;
            if claimed.is_empty() {
                return Ok(run);
            }
            let outcomes = self.deliver(&setup, &claimed).await;
            // One transaction for the whole batch, every write conditional on this claim.
            let at = store::now();
            let mut tx = self.db.write().await?;
            let mut sent = Vec::with_capacity(claimed.len());
            for (row, outcome) in claimed.iter().zip(outcomes) {
                match outcome {
                    Ok(()) => sent.push(row.id),
                    Err(error) => {
                        tracing::warn!(mail = %row.id, attempt = row.attempts, %error, "mail not sent");
                        let retry = retry_after(row.attempts).map(|wait| now + wait);
                        if store::outbox::mark_failed(&mut tx, claim_id, row.id, &error, retry, at)
                            .await?
                        {
                            if retry.is_some() {
                                run.retrying += 1;
                            } else {
                                run.failed += 1;
                            }
                        }
                    }
                }
            }
            run.sent += store::outbox::mark_sent(&mut tx, claim_id, &sent, at).await? as usize;
            tx.commit().await?;
        }
    }

    /// Hands the claimed mails to the SMTP server, at most `CONNECTIONS` at a time (the next
    /// starts as soon as one finishes); the outcomes in the order of `claimed`.
    async fn deliver(
        &self,
        setup: &std::result::Result<(Transport, Mailbox), String>,
        claimed: &[OutboxRow],
    ) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = vec![Err("not handed over".into()); claimed.len()];
        let mut sending = tokio::task::JoinSet::new();
        for (i, row) in claimed.iter().enumerate() {
            if sending.len() == CONNECTIONS
                && let Some(Ok((done, outcome))) = sending.join_next().await
            {
                outcomes[done] = outcome;
            }
            let message = match setup {
                Ok((transport, from)) => self.message(from, row).map(|m| (transport.clone(), m)),
                Err(e) => Err(e.clone()),
            };
            sending.spawn(async move {
                let outcome = match message {
                    Ok((transport, message)) => transport
                        .send(message)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                (i, outcome)
            });
        }
        for (done, outcome) in sending.join_all().await {
            outcomes[done] = outcome;
        }
        outcomes
    }

    fn message(&self, from: &Mailbox, row: &OutboxRow) -> std::result::Result<Message, String> {
        let to = row
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| format!("the address '{}': {e}", row.recipient))?;
        // The outbox row's id: a retried mail keeps its Message-ID, so a receiver that got
        // the first attempt after all can tell the second is the same mail.
        let message_id = format!("<{}@{}>", row.id, from.email.domain());
        Message::builder()
            .message_id(Some(message_id))
            .from(from.clone())
            .to(to)
            .subject(&row.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(self.body_of(row))
            .map_err(|e| e.to_string())
    }

    /// The text that leaves: the notification and an absolute link to its record.
    fn body_of(&self, row: &OutboxRow) -> String {
        let mut body = row.body_text.clone();
        if !row.link.is_empty() {
            body.push_str("\n\nOpen it in PartnerOS: ");
            body.push_str(&self.absolute(&row.link));
        }
        if !SECURITY_KINDS.contains(&row.kind.as_str()) {
            body.push_str("\n\nHow you get these mails: ");
            body.push_str(&self.absolute("/account/mail"));
        }
        body.push('\n');
        body
    }

    /// A path of the portal as a link that works outside it (mails, downloaded packs).
    pub fn absolute(&self, path: &str) -> String {
        format!(
            "{}{path}",
            self.config.mail.public_url.trim_end_matches('/')
        )
    }

    /// Gathers the held mails of each person whose morning it is (`domain::mail::digest_due`
    /// on their own time zone) into one digest mail, queued to leave with the next send.
    pub async fn send_mail_digest(&self, now: OffsetDateTime) -> Result<DigestRun> {
        let mut tx = self.db.write().await?;
        let held = store::outbox::held(&mut tx).await?;
        let mut people = 0;
        let mut gathered = 0;
        for group in held.chunk_by(|a, b| a.user_id == b.user_id) {
            let first = &group[0];
            let zone = match first.user_id {
                Some(id) => store::users::get(&mut tx, id)
                    .await?
                    .map_or(TimeZone::UTC, |user| {
                        TimeZone::named_or_utc(&user.time_zone)
                    }),
                None => TimeZone::UTC,
            };
            let last = store::outbox::last_digest_at(&mut tx, &first.recipient).await?;
            if !domain::mail::digest_due(zone, now, last) {
                continue;
            }
            let lines: Vec<String> = group
                .iter()
                .map(|m| {
                    if m.link.is_empty() {
                        format!("- {}", m.body_text)
                    } else {
                        format!("- {}\n  {}", m.body_text, self.absolute(&m.link))
                    }
                })
                .collect();
            let count = domain::display::count(group.len() as i64, "notification");
            let subject = format!("PartnerOS: your daily digest, {count}");
            let body = format!("Since your last digest:\n\n{}", lines.join("\n"));
            store::outbox::insert_many(
                &mut tx,
                &[NewMail {
                    user_id: first.user_id,
                    recipient: &first.recipient,
                    subject: &subject,
                    body_text: &body,
                    kind: "digest",
                    link: "/notifications",
                    state: MailState::Queued.as_str(),
                }],
                now,
            )
            .await?;
            let ids: Vec<_> = group.iter().map(|m| m.id).collect();
            if store::outbox::mark_digested(&mut tx, &ids).await? != ids.len() as u64 {
                return Err(Error::Conflict(
                    "another digest run took these mails first".into(),
                ));
            }
            people += 1;
            gathered += group.len();
        }
        tx.commit().await?;
        Ok(DigestRun {
            gathered: gathered as i64,
            digests: people,
        })
    }
}
