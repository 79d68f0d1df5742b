//! `partneros bench submit`: deal registrations submitted over HTTP, end to end (bearer
//! token, validation, eligibility gate, conflict check, audit, notification), against a
//! server in this process on a fresh database.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use services::{Actor, Services};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

pub struct SubmitBench {
    pub requests: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub known_before: usize,
    /// Registrations written per transaction, on average (group commit).
    pub per_commit: f64,
    /// Requests per second the same client gets from a route that does nothing.
    pub http_floor: f64,
}

/// Partners whose registrations make up a preloaded book.
const PRELOAD_PARTNERS: usize = 10_000;

/// Sets up a partner (certified, with an API token), optionally preloads `preload`
/// registrations, then sends `requests` registrations over `connections` keep-alive
/// connections.
pub async fn run(
    services: Services,
    requests: usize,
    connections: usize,
    preload: usize,
) -> anyhow::Result<SubmitBench> {
    let system = Actor::system("bench");
    if preload > 0 {
        // First: the generator numbers partners from the count already stored.
        services
            .generate_partners(PRELOAD_PARTNERS, false, |_| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let partner = services
        .create_partner(
            &system,
            &domain::partners::PartnerInput {
                legal_name: "Bench Partner Ltd".into(),
                domains: vec!["bench-partner.example".into()],
                partner_type: "si".into(),
                gtm_model: "co_sell".into(),
                tier: "silver".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = services
        .create_user(
            &system,
            &domain::users::NewUserInput {
                email: "bench@bench-partner.example".into(),
                name: "Bench".into(),
                role: "partner_admin".into(),
                partner_id: Some(partner.id),
                password: "a long enough password".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let actor = Actor::from_user(&user);
    let (_, token) = services
        .create_api_token(&actor, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let day = (store::now().date() - time::Duration::days(5)).to_string();
    services
        .import_certifications(
            &system,
            &format!(
                "partner,email,certification,date,score\n{},rep@bench-partner.example,sales_foundation,{day},90\n",
                partner.id
            ),
            false,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if preload > 0 {
        // A book from the deterministic generator, loaded like a migration (10,000 partners'
        // registrations, the benchmark shape); submitted customers come after it.
        let book = services::bench::conflicts::generated_deals_csv(preload, PRELOAD_PARTNERS);
        let report = services
            .import_deals(&system, &book, false, &|_| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !report.applied {
            anyhow::bail!("the book was refused: {:?}", report.errors.first());
        }
    }
    // The first check brings this server's conflict index up to the stored book; that is
    // start-up work, not part of the rate.
    let (name, site) = services::bench::conflicts::generated_customer(preload + requests);
    services
        .register_deal(&actor, partner.id, &input(&name, &site), true)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let before = services.registration_groups();
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

    // What HTTP alone costs here: the same client and connections on a route that does
    // nothing, so the figure below can be read against this machine.
    let (floor_elapsed, _) = load(
        address,
        requests,
        connections,
        |_| Ok("GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n".to_owned()),
        "200",
    )
    .await?;
    let path = format!("/api/v1/partners/{}/deals", partner.id);
    let (elapsed, mut times) = load(
        address,
        requests,
        connections,
        move |c| {
            let (name, site) = services::bench::conflicts::generated_customer(preload + c);
            let body = serde_json::to_string(&input(&name, &site))?;
            Ok(format!(
                "POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ))
        },
        "201",
    )
    .await?;
    let after = services.registration_groups();
    let per_commit = (after.1 - before.1) as f64 / (after.0 - before.0).max(1) as f64;
    times.sort_unstable();
    let pick = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    Ok(SubmitBench {
        requests: times.len(),
        elapsed,
        p50: pick(0.5),
        p99: pick(0.99),
        known_before: preload,
        per_commit,
        http_floor: requests as f64 / floor_elapsed.as_secs_f64(),
    })
}

fn input(name: &str, site: &str) -> domain::deals::registration::DealInput {
    domain::deals::registration::DealInput {
        customer_name: name.into(),
        website: site.into(),
        industry: "Retail".into(),
        region: "emea".into(),
        deal_size: "24000".into(),
        expected_close: (store::now().date() + time::Duration::days(60)).to_string(),
        use_case: "Benchmark".into(),
        stage: "discovery".into(),
        probability: "30".into(),
        partner_rep: "Bench".into(),
        ..Default::default()
    }
}

/// One keep-alive HTTP/1.1 connection sending `request(i)` for each `i` in `range` and
/// expecting `status` back.
async fn client(
    address: SocketAddr,
    range: std::ops::Range<usize>,
    request: impl Fn(usize) -> anyhow::Result<String>,
    status: &str,
) -> anyhow::Result<Vec<Duration>> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut times = Vec::with_capacity(range.len());
    let mut line = String::new();
    for i in range {
        let request = request(i)?;
        let sent = Instant::now();
        write.write_all(request.as_bytes()).await?;
        line.clear();
        read.read_line(&mut line).await?;
        let answered = line.split(' ').nth(1).unwrap_or("").to_owned();
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
        let mut response = vec![0; length];
        read.read_exact(&mut response).await?;
        times.push(sent.elapsed());
        if answered != status {
            bail!(
                "request {i} answered {answered}: {}",
                String::from_utf8_lossy(&response)
            );
        }
    }
    Ok(times)
}

/// Runs `clients` connections splitting `0..requests` between them; returns the elapsed
/// time and every request's latency.
async fn load(
    address: SocketAddr,
    requests: usize,
    clients: usize,
    request: impl Fn(usize) -> anyhow::Result<String> + Clone + Send + 'static,
    status: &'static str,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let started = Instant::now();
    let per = requests.div_ceil(clients.max(1));
    let mut tasks = Vec::new();
    for c in 0..clients.max(1) {
        let range = (c * per)..((c + 1) * per).min(requests);
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            client(address, range, request, status).await
        }));
    }
    let mut times = Vec::with_capacity(requests);
    for task in tasks {
        times.extend(task.await??);
    }
    Ok((started.elapsed(), times))
}
