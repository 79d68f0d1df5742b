//! Ad-hoc measurement (not a test): sign-in latency and the latency of an unrelated write
//! while 32 sign-ins run in parallel. `cargo run --release -p services --example signin_load
//! [DATABASE-URL]` (default: a fresh SQLite file in the temp directory).

use services::{Actor, Config, Services};
use std::time::{Duration, Instant};

const SIGNERS: usize = 32;
const SIGN_INS_EACH: usize = 8;
const PASSWORD: &str = "a long enough password";

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1]
}

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).unwrap_or_else(|| {
        let file = std::env::temp_dir().join(format!("signin-load-{}.db", uuid::Uuid::now_v7()));
        format!("sqlite://{}", file.display())
    });
    let db = store::Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrations");
    let services = Services::new(db, Config::default());
    let system = Actor::system("bench");
    let mut actors = Vec::new();
    for i in 0..=SIGNERS {
        let input = domain::users::NewUserInput {
            email: format!("user{i}@load.test"),
            name: format!("User {i}"),
            role: "admin".into(),
            partner_id: None,
            password: PASSWORD.into(),
        };
        actors.push(Actor::from_user(
            &services.create_user(&system, &input).await.unwrap(),
        ));
    }
    let writer_actor = actors.pop().unwrap();

    // The write alone, as a baseline.
    let mut quiet = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        services
            .create_api_token(&writer_actor, "load")
            .await
            .unwrap();
        quiet.push(started.elapsed());
    }

    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let services = services.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                services
                    .create_api_token(&writer_actor, "load")
                    .await
                    .unwrap();
                latencies.push(started.elapsed());
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            latencies
        })
    };
    let started = Instant::now();
    let signers: Vec<_> = (0..SIGNERS)
        .map(|i| {
            let services = services.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for _ in 0..SIGN_INS_EACH {
                    let t = Instant::now();
                    services
                        .sign_in(
                            &format!("user{i}@load.test"),
                            PASSWORD,
                            &format!("10.0.0.{i}"),
                            None,
                        )
                        .await
                        .unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut sign_ins = Vec::new();
    for signer in signers {
        sign_ins.extend(signer.await.unwrap());
    }
    let wall = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut writes = writer.await.unwrap();
    println!(
        "{url}\nwrite alone: p50 {:?} p99 {:?}\n{} sign-ins by {SIGNERS} in parallel in {wall:?}: p50 {:?} p99 {:?}\nwrite meanwhile ({} writes): p50 {:?} p99 {:?}",
        percentile(&mut quiet, 0.5),
        percentile(&mut quiet, 0.99),
        sign_ins.len(),
        percentile(&mut sign_ins, 0.5),
        percentile(&mut sign_ins, 0.99),
        writes.len(),
        percentile(&mut writes, 0.5),
        percentile(&mut writes, 0.99),
    );
}
