//! `partneros bench mail`: mail delivery from the outbox to an SMTP server in this process
//! (plain SMTP on 127.0.0.1). Queues `messages` mails in the outbox, then lets the
//! background sender deliver them all; reports messages per second, the outbox's size in
//! the database and the process's resident memory while it sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use services::mail::receiver::Receiver;
use services::mail::{MailSettings, SmtpSettings, TlsMode};

use super::bench_export::rss;

/// Mails written to the outbox per transaction while queuing.
const QUEUE_CHUNK: usize = 1_000;

pub async fn run(database_url: Option<String>, messages: usize) -> anyhow::Result<()> {
    let temp = std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
    let result = measure(&url, messages).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    result
}

async fn measure(url: &str, messages: usize) -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let config = services::Config {
        mail: MailSettings {
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port: receiver.port(),
                username: None,
                password: None,
                from: "PartnerOS <bench@partneros.example>".into(),
                tls: TlsMode::None,
            }),
            public_url: "https://partners.example".into(),
            batch: 200,
            ..Default::default()
        },
        ..Default::default()
    };
    let services = partneros::startup::open(url, config).await?;
    let size_before = database_bytes(url);
    let started = Instant::now();
    let bodies: Vec<(String, String, String)> = (0..messages)
        .map(|i| {
            (
                format!("person{i}@bench.example"),
                format!("PartnerOS: DR-{i:07} (Customer {i}) approved"),
                format!("DR-{i:07} (Customer {i}) approved, protected until 2027-03-31"),
            )
        })
        .collect();
    for chunk in bodies.chunks(QUEUE_CHUNK) {
        let mails: Vec<store::outbox::NewMail> = chunk
            .iter()
            .map(|(to, subject, body)| store::outbox::NewMail {
                user_id: None,
                recipient: to,
                subject,
                body_text: body,
                kind: "deal_decision",
                link: "/deals",
                state: "queued",
            })
            .collect();
        let mut tx = services.db.write().await?;
        store::outbox::insert_many(&mut tx, &mails, store::now()).await?;
        tx.commit().await?;
    }
    drop(bodies);
    let queued = started.elapsed();
    let size_after = database_bytes(url);

    let rss_before = rss();
    let peak = Arc::new(AtomicU64::new(rss_before.unwrap_or(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss().unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let run = services
        .send_due_mail(store::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    sampler.await?;
    if run.sent != messages || receiver.count() != messages {
        bail!(
            "sent {} of {messages} ({} received, {} retrying, {} failed)",
            run.sent,
            receiver.count(),
            run.retrying,
            run.failed
        );
    }
    println!(
        "{messages} mails queued in the outbox in {queued:.2?}, delivered over SMTP to an in-process server in {elapsed:.2?}: {:.0} messages/s",
        messages as f64 / elapsed.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (size_before, size_after) {
        println!(
            "  outbox in the database: {} KB for {messages} mails ({} bytes each)",
            after.saturating_sub(before) / 1024,
            after.saturating_sub(before) / messages.max(1) as u64
        );
    }
    if let Some(before) = rss_before {
        println!(
            "  resident memory: {} MB before sending, {} MB at most while sending",
            before / 1_048_576,
            peak.load(Ordering::Relaxed) / 1_048_576
        );
    }
    services.db.close().await;
    Ok(())
}

/// The SQLite file's size with its write-ahead log (None for PostgreSQL).
fn database_bytes(url: &str) -> Option<u64> {
    let path = url.strip_prefix("sqlite://")?;
    let path = path.split('?').next()?;
    Some(
        ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{path}{suffix}")).ok())
            .map(|m| m.len())
            .sum(),
    )
}
