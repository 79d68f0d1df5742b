//! `partneros bench export`: concurrent CSV exports of a generated book of registrations over
//! HTTP, against a server in this process, while one client keeps calling `GET /api/v1/me`.
//! Reports how long the exports took, what they did to that client's latency and the
//! process's resident memory while they ran.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use services::{Actor, Services};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

pub struct ExportBench {
    pub registrations: usize,
    pub exports: usize,
    /// Bytes of one export.
    pub bytes: usize,
    /// Each export's time to its last byte, sorted.
    pub export_times: Vec<Duration>,
    /// `GET /api/v1/me` latencies with nothing else running, sorted.
    pub idle_me: Vec<Duration>,
    /// `GET /api/v1/me` latencies while the exports ran, sorted.
    pub busy_me: Vec<Duration>,
    /// Resident memory when the exports started and at its highest while they ran (bytes;
    /// None off Linux).
    pub rss_before: Option<u64>,
    pub rss_peak: Option<u64>,
}

/// Partners whose registrations make up the book (as `bench import`).
const PARTNERS: usize = 1_000;

/// Loads `registrations` generated registrations, then runs `concurrent` exports of all of
/// them as a partner manager.
pub async fn run(
    services: Services,
    registrations: usize,
    concurrent: usize,
) -> anyhow::Result<ExportBench> {
    let system = Actor::system("bench");
    let fail = |e: services::Error| anyhow::anyhow!("{e}");
    services
        .generate_partners(PARTNERS, false, |_| {})
        .await
        .map_err(fail)?;
    let book = services::bench::conflicts::generated_deals_csv(registrations, PARTNERS);
    let report = services
        .import_deals(&system, &book, false, &|_| {})
        .await
        .map_err(fail)?;
    if !report.applied {
        bail!("the book was refused: {:?}", report.errors.first());
    }
    drop(book);
    let user = services
        .create_user(
            &system,
            &domain::users::NewUserInput {
                email: "exports@bench.example".into(),
                name: "Bench".into(),
                role: "partner_manager".into(),
                partner_id: None,
                password: "a long enough password".into(),
            },
        )
        .await
        .map_err(fail)?;
    let (_, token) = services
        .create_api_token(&Actor::from_user(&user), "bench")
        .await
        .map_err(fail)?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let app = web::router(web::AppState {
        services: services.clone(),
        secure_cookies: false,
        trust_proxy: false,
    });
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });

    let me =
        format!("GET /api/v1/me HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n");
    let mut idle_me = Vec::new();
    let stop = AtomicBool::new(false);
    me_client(address, &me, &stop, 200, &mut idle_me).await?;

    let rss_before = rss();
    let peak = Arc::new(AtomicU64::new(rss_before.unwrap_or(0)));
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, running) = (peak.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                peak.fetch_max(rss().unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let exports: Vec<_> = (0..concurrent.max(1))
        .map(|_| {
            let request = format!(
                "GET /api/v1/deals/export HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
            );
            tokio::spawn(async move { download(address, &request).await })
        })
        .collect();
    let all_done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let all_done = all_done.clone();
        tokio::spawn(async move {
            let mut results = Vec::new();
            for export in exports {
                results.push(export.await);
            }
            all_done.store(true, Ordering::Relaxed);
            results
        })
    };
    let mut busy_me = Vec::new();
    me_client(address, &me, &all_done, usize::MAX, &mut busy_me).await?;
    let mut export_times = Vec::new();
    let mut bytes = 0;
    for result in watcher.await? {
        let (size, took) = result??;
        bytes = size;
        export_times.push(took);
    }
    running.store(false, Ordering::Relaxed);
    sampler.await?;
    peak.fetch_max(rss().unwrap_or(0), Ordering::Relaxed);
    export_times.sort_unstable();
    idle_me.sort_unstable();
    busy_me.sort_unstable();
    Ok(ExportBench {
        registrations,
        exports: concurrent.max(1),
        bytes,
        export_times,
        idle_me,
        busy_me,
        rss_before,
        rss_peak: rss_before.map(|_| peak.load(Ordering::Relaxed)),
    })
}

/// The value at rank `p` of sorted `times`.
pub fn pick(times: &[Duration], p: f64) -> Duration {
    times[((times.len() as f64 - 1.0) * p).round() as usize]
}

/// This process's resident memory (Linux).
pub(super) fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Sends `request` over one keep-alive connection, one at a time, until `stop` is set or
/// `limit` answers came; each latency goes to `times`.
async fn me_client(
    address: SocketAddr,
    request: &str,
    stop: &AtomicBool,
    limit: usize,
    times: &mut Vec<Duration>,
) -> anyhow::Result<()> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut line = String::new();
    while times.len() < limit && !stop.load(Ordering::Relaxed) {
        let sent = Instant::now();
        write.write_all(request.as_bytes()).await?;
        line.clear();
        read.read_line(&mut line).await?;
        if line.split(' ').nth(1) != Some("200") {
            bail!("GET /api/v1/me answered {line}");
        }
        let mut length = 0usize;
        loop {
            line.clear();
            read.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().context("content-length")?;
            }
        }
        let mut body = vec![0; length];
        read.read_exact(&mut body).await?;
        times.push(sent.elapsed());
        // A user clicking, not a load generator: the exports get the machine in between.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

/// Downloads one export to its end (the server closes the connection); the response's
/// size and the time to its last byte.
async fn download(address: SocketAddr, request: &str) -> anyhow::Result<(usize, Duration)> {
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0;
    let mut head = Vec::new();
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        if head.len() < 16 {
            head.extend_from_slice(&buffer[..n.min(16)]);
        }
        size += n;
    }
    if !head.starts_with(b"HTTP/1.1 200") {
        bail!(
            "the export answered {}",
            String::from_utf8_lossy(&head[..head.len().min(12)])
        );
    }
    Ok((size, started.elapsed()))
}

/// Prints the figures of a run.
pub fn print(bench: &ExportBench) {
    let mib = |b: u64| b as f64 / 1_048_576.0;
    println!(
        "{} exports of {} registrations at once ({:.1} MB each): last byte after {:.2?} (first export) to {:.2?} (last)",
        bench.exports,
        bench.registrations,
        bench.bytes as f64 / 1_000_000.0,
        bench.export_times[0],
        bench.export_times[bench.export_times.len() - 1],
    );
    for (label, times) in [
        ("idle", &bench.idle_me),
        ("during the exports", &bench.busy_me),
    ] {
        if times.is_empty() {
            continue;
        }
        println!(
            "GET /api/v1/me {label}: {} calls, p50 {:.2?}, p99 {:.2?}, max {:.2?}",
            times.len(),
            pick(times, 0.5),
            pick(times, 0.99),
            times[times.len() - 1],
        );
    }
    if let (Some(before), Some(peak)) = (bench.rss_before, bench.rss_peak) {
        println!(
            "resident memory: {:.0} MiB when the exports started, {:.0} MiB at most while they ran",
            mib(before),
            mib(peak)
        );
    }
}
