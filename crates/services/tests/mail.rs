//! Mail leaves through a real SMTP server started by the test (`mail::receiver`, plain SMTP on
//! 127.0.0.1 and a free port): what it receives, retries against a closed port, each
//! person's delivery choice, the daily digest, two senders sending each mail once, the age
//! limit and discarding queued mail — on SQLite and on PostgreSQL.

use services::mail::receiver::Receiver;
use services::mail::sender::MailRun;
use services::mail::{MailSettings, OutboxQuery, SmtpSettings, TlsMode};
use services::{Actor, Config, Error, Services};
use time::Duration;

mod common;
use common::*;

const PUBLIC_URL: &str = "https://partners.example.test";

/// Another server on the same database whose mail leaves through `port`.
fn sender(w: &World, port: u16, batch: i64) -> Services {
    let config = Config {
        mail: MailSettings {
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port,
                username: None,
                password: None,
                from: "PartnerOS <partneros@vendor.test>".into(),
                tls: TlsMode::None,
            }),
            public_url: PUBLIC_URL.into(),
            batch,
            ..MailSettings::default()
        },
        ..Config::default()
    };
    Services::new(w.services.db.clone(), config)
}

/// A received message as its reader's mail program shows it: quoted-printable decoded.
fn readable(data: &str) -> String {
    let joined = data.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn outbox(
    s: &Services,
    admin: &Actor,
    state: &str,
    recipient: &str,
) -> Vec<services::mail::OutboxView> {
    let query = OutboxQuery {
        state: state.into(),
        recipient: recipient.into(),
        limit: Some(200),
        ..Default::default()
    };
    s.outbox(admin, &query).await.unwrap().items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_decision_reaches_its_submitter_by_smtp() {
    each_backend(|w| async move {
        let receiver = Receiver::start().await.unwrap();
        let lead = w
            .services
            .submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        w.services.accept_lead(&w.manager, lead.id).await.unwrap();
        // Nothing leaves inside the request: the rows wait in the outbox.
        assert_eq!(receiver.count(), 0);
        let queued = outbox(&w.services, &w.admin, "queued", "user@alpha.test").await;
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].status, "queued");

        let run = sender(&w, receiver.port(), 50)
            .send_due_mail(store::now())
            .await
            .unwrap();
        let mut sent: Vec<(String, String)> = outbox(&w.services, &w.admin, "sent", "")
            .await
            .into_iter()
            .map(|m| (m.recipient, m.kind))
            .collect();
        sent.sort();
        // The submission to the partner manager; the decision to Alpha's admin and the
        // submitter; the registration the accepted lead became to Alpha's admin.
        let pair = |to: &str, kind: &str| (to.to_owned(), kind.to_owned());
        assert_eq!(
            sent,
            [
                pair("admin@alpha.test", "deal_decision"),
                pair("admin@alpha.test", "lead"),
                pair("pm@vendor.test", "lead"),
                pair("user@alpha.test", "lead"),
            ]
        );
        assert_eq!(
            run,
            MailRun {
                sent: 4,
                retrying: 0,
                failed: 0,
                expired: 0,
            }
        );
        let to_user: Vec<_> = receiver
            .messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.contains("user@alpha.test")))
            .collect();
        assert_eq!(to_user.len(), 1);
        let mail = &readable(&to_user[0].data);
        assert!(
            mail.contains("From: PartnerOS <partneros@vendor.test>"),
            "{mail}"
        );
        assert!(mail.contains("To: user@alpha.test"), "{mail}");
        assert!(
            mail.contains(&format!("Subject: PartnerOS: {} (", lead.reference)),
            "{mail}"
        );
        assert!(mail.contains("accepted by sales"), "{mail}");
        assert!(
            mail.contains(&format!(
                "https://partners.example.test/leads#lead-{}",
                lead.id
            )),
            "{mail}"
        );
        let sent = outbox(&w.services, &w.admin, "sent", "user@alpha.test").await;
        assert_eq!(sent.len(), 1);
        assert!(
            mail.contains(&format!("Message-ID: <{}@vendor.test>", sent[0].id)),
            "{mail}"
        );
        assert_eq!(sent[0].attempts, 1);
        assert!(sent[0].sent_at.is_some());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_retried_then_failed_and_retried_by_hand_once() {
    each_backend(|w| async move {
        let lead = w
            .services
            .submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        let server = sender(&w, closed_port(), 50);
        let start = store::now();
        // Waits of 1, 5 and 30 minutes after the first three attempts; the fourth gives up.
        let mut runs = Vec::new();
        for at in [0, 1, 6, 36] {
            runs.push(
                server
                    .send_due_mail(start + Duration::minutes(at))
                    .await
                    .unwrap(),
            );
        }
        let retrying = MailRun {
            sent: 0,
            retrying: 1,
            failed: 0,
            expired: 0,
        };
        assert_eq!(
            runs,
            [
                retrying,
                retrying,
                retrying,
                MailRun {
                    sent: 0,
                    retrying: 0,
                    failed: 1,
                    expired: 0,
                }
            ]
        );
        let failed = outbox(&w.services, &w.admin, "failed", "pm@vendor.test").await;
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].attempts, 4);
        assert!(!failed[0].last_error.is_empty());
        assert_eq!(failed[0].link, format!("/leads#lead-{}", lead.id));

        let retried = w.services.retry_mail(&w.admin, failed[0].id).await.unwrap();
        assert_eq!(retried.attempts, 0);
        assert_eq!(retried.status, "queued");
        assert!(matches!(
            w.services.retry_mail(&w.admin, failed[0].id).await,
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            w.services.retry_mail(&w.manager, failed[0].id).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_mails_only_security_notices_and_digest_waits_for_the_digest_run() {
    each_backend(|w| async move {
        let s = &w.services;
        s.set_mail_preference(&w.a_admin, "off").await.unwrap();
        s.set_mail_preference(&w.a_user, "digest").await.unwrap();
        s.set_own_time_zone(&w.a_user, "America/Los_Angeles")
            .await
            .unwrap();
        assert!(matches!(
            s.set_mail_preference(&w.a_user, "weekly").await,
            Err(Error::Invalid(e)) if e[0].field == "delivery"
        ));
        let mut leads = Vec::new();
        for _ in 0..2 {
            let lead = s
                .submit_lead(&w.a_user, w.partner_a, &lead_input())
                .await
                .unwrap();
            s.accept_lead(&w.manager, lead.id).await.unwrap();
            leads.push(lead);
        }
        let admin_id = s.current_user(&w.a_admin).await.unwrap().id;
        s.reset_password(&w.admin, admin_id, "another long enough password")
            .await
            .unwrap();

        let to_admin = outbox(s, &w.admin, "", "admin@alpha.test").await;
        assert_eq!(to_admin.len(), 1, "only the security notice");
        assert_eq!(to_admin[0].kind, "password_reset");
        let held = outbox(s, &w.admin, "held", "user@alpha.test").await;
        assert_eq!(held.len(), 2);

        let receiver = Receiver::start().await.unwrap();
        let server = sender(&w, receiver.port(), 50);
        server.send_due_mail(store::now()).await.unwrap();
        let to = |who: &str| {
            receiver
                .messages()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.contains(who)))
                .collect::<Vec<_>>()
        };
        assert_eq!(to("admin@alpha.test").len(), 1);
        assert_eq!(to("user@alpha.test").len(), 0, "digest mail waits");

        // The reader is in Los Angeles (UTC-8 in winter, -7 in summer): tomorrow 13:00 UTC is
        // 05:00 or 06:00 there, 16:00 UTC is 08:00 or 09:00 — their morning either way.
        let tomorrow = store::now().date() + Duration::days(1);
        let at = |hour| tomorrow.with_hms(hour, 0, 0).unwrap().assume_utc();
        assert_eq!(
            server.send_mail_digest(at(13)).await.unwrap().to_string(),
            "0 mails gathered into 0 digests",
            "before seven on the reader's clock"
        );
        assert_eq!(
            server.send_mail_digest(at(16)).await.unwrap().to_string(),
            "2 mails gathered into 1 digest"
        );
        assert_eq!(
            server.send_mail_digest(at(17)).await.unwrap().to_string(),
            "0 mails gathered into 0 digests"
        );
        server.send_due_mail(at(16)).await.unwrap();
        let digest = to("user@alpha.test");
        assert_eq!(digest.len(), 1);
        let data = &readable(&digest[0].data);
        assert!(
            data.contains("Subject: PartnerOS: your daily digest, 2 notifications"),
            "{data}"
        );
        for lead in &leads {
            assert!(
                data.contains(&format!(
                    "https://partners.example.test/leads#lead-{}",
                    lead.id
                )),
                "{data}"
            );
        }
        assert_eq!(
            outbox(s, &w.admin, "digested", "user@alpha.test")
                .await
                .len(),
            2
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_senders_send_each_mail_once() {
    each_backend(|w| async move {
        let receiver = Receiver::start().await.unwrap();
        for _ in 0..12 {
            w.services
                .submit_lead(&w.a_user, w.partner_a, &lead_input())
                .await
                .unwrap();
        }
        let (one, two) = (
            sender(&w, receiver.port(), 3),
            sender(&w, receiver.port(), 3),
        );
        let now = store::now();
        let (a, b) = tokio::join!(
            tokio::spawn(async move { one.send_due_mail(now).await.unwrap() }),
            tokio::spawn(async move { two.send_due_mail(now).await.unwrap() }),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.sent + b.sent, 12);
        assert_eq!(receiver.count(), 12);
        let mut subjects: Vec<String> = receiver
            .messages()
            .iter()
            .filter_map(|m| {
                m.data
                    .lines()
                    .find(|l| l.starts_with("Subject:"))
                    .map(str::to_owned)
            })
            .collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), 12, "each lead's mail once");
        assert_eq!(outbox(&w.services, &w.admin, "sent", "").await.len(), 12);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_older_than_the_age_limit_expires_and_security_notices_still_go() {
    each_backend(|w| async move {
        let s = &w.services;
        let start = store::now();
        // Written while this server has no SMTP: the submission's mail to the partner manager,
        // and a security notice to Alpha's admin.
        s.submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        let admin_id = s.current_user(&w.a_admin).await.unwrap().id;
        s.reset_password(&w.admin, admin_id, "another long enough password")
            .await
            .unwrap();
        // 24 hours is the default limit: at 23 hours nothing expires, at 25 the lead's mail does
        // even on a server without SMTP, which sends nothing.
        let quiet = s.send_due_mail(start + Duration::hours(23)).await.unwrap();
        assert_eq!(quiet, MailRun::default());
        let later = start + Duration::hours(25);
        let backlog = s.send_due_mail(later).await.unwrap();
        assert_eq!(
            backlog,
            MailRun {
                sent: 0,
                retrying: 0,
                failed: 0,
                expired: 1,
            }
        );
        let expired = outbox(s, &w.admin, "expired", "").await;
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].recipient, "pm@vendor.test");
        assert_eq!(expired[0].status, "expired: too old to send");

        // SMTP is set up: a mail written now leaves, the expired one never does.
        s.submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        let receiver = Receiver::start().await.unwrap();
        let run = sender(&w, receiver.port(), 50)
            .send_due_mail(store::now())
            .await
            .unwrap();
        assert_eq!(
            run,
            MailRun {
                sent: 2,
                retrying: 0,
                failed: 0,
                expired: 0,
            }
        );
        let mut to: Vec<String> = receiver.messages().into_iter().flat_map(|m| m.to).collect();
        to.sort();
        assert_eq!(to.len(), 2, "{to:?}");
        assert!(to[0].contains("admin@alpha.test"), "{to:?}");
        assert!(to[1].contains("pm@vendor.test"), "{to:?}");
        assert_eq!(outbox(s, &w.admin, "expired", "").await.len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_notices_never_expire() {
    each_backend(|w| async move {
        let s = &w.services;
        let admin_id = s.current_user(&w.a_admin).await.unwrap().id;
        s.reset_password(&w.admin, admin_id, "another long enough password")
            .await
            .unwrap();
        let receiver = Receiver::start().await.unwrap();
        let run = sender(&w, receiver.port(), 50)
            .send_due_mail(store::now() + Duration::days(30))
            .await
            .unwrap();
        assert_eq!((run.sent, run.expired), (1, 0));
        assert_eq!(receiver.count(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_discards_queued_mail_once_and_security_notices_stay() {
    each_backend(|w| async move {
        let s = &w.services;
        for _ in 0..3 {
            s.submit_lead(&w.a_user, w.partner_a, &lead_input())
                .await
                .unwrap();
        }
        let admin_id = s.current_user(&w.a_admin).await.unwrap().id;
        s.reset_password(&w.admin, admin_id, "another long enough password")
            .await
            .unwrap();
        let queued = outbox(s, &w.admin, "queued", "pm@vendor.test").await;
        assert_eq!(queued.len(), 3);
        let one = s.discard_mail(&w.admin, queued[0].id).await.unwrap();
        assert_eq!(one.status, "discarded by an admin");
        assert!(matches!(
            s.discard_mail(&w.admin, queued[0].id).await,
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            s.discard_mail(&w.manager, queued[1].id).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.discard_queued_mail(&w.manager).await,
            Err(Error::Forbidden(_))
        ));
        let notice = outbox(s, &w.admin, "queued", "admin@alpha.test").await;
        assert!(matches!(
            s.discard_mail(&w.admin, notice[0].id).await,
            Err(Error::Conflict(m)) if m.contains("security notice")
        ));

        // Two admins discard the queue at once: one discards the two left, the other gets 409.
        let (a, b) = tokio::join!(
            s.discard_queued_mail(&w.admin),
            s.discard_queued_mail(&w.admin)
        );
        let mut outcomes = [a, b].map(|r| match r {
            Ok(n) => format!("discarded {n}"),
            Err(Error::Conflict(_)) => "409".to_owned(),
            Err(e) => panic!("{e}"),
        });
        outcomes.sort();
        assert_eq!(outcomes, ["409", "discarded 2"]);
        assert_eq!(outbox(s, &w.admin, "discarded", "").await.len(), 3);

        let receiver = Receiver::start().await.unwrap();
        let run = sender(&w, receiver.port(), 50)
            .send_due_mail(store::now())
            .await
            .unwrap();
        assert_eq!(run.sent, 1, "only the security notice");
        assert!(receiver.messages()[0].to[0].contains("admin@alpha.test"));
    })
    .await;
}

#[tokio::test]
async fn a_sender_records_only_the_mails_its_claim_still_holds() {
    each_backend(|w| async move {
        w.services
            .submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        let db = &w.services.db;
        let now = store::now();
        let lease = Duration::minutes(5);
        let (first, second) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let mut tx = db.write().await.unwrap();
        let mine = store::outbox::claim(&mut tx, now, now + lease, first, 50)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        tx.commit().await.unwrap();
        // The first sender stalls past its lease; a second takes the mail over.
        let later = now + lease + Duration::seconds(1);
        let mut tx = db.write().await.unwrap();
        let taken = store::outbox::claim(&mut tx, later, later + lease, second, 50)
            .await
            .unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].attempts, 2);
        let ids = [mine[0].id];
        assert_eq!(
            store::outbox::mark_sent(&mut tx, first, &ids, later)
                .await
                .unwrap(),
            0,
            "the stalled sender's claim is lost"
        );
        assert!(
            !store::outbox::mark_failed(&mut tx, first, ids[0], "late", None, later)
                .await
                .unwrap()
        );
        assert_eq!(
            store::outbox::mark_sent(&mut tx, second, &ids, later)
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
    })
    .await;
}
