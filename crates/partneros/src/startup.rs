//! Start-up: the database, the listener, the server and its background jobs.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use services::Services;

/// How a server behaves, as `partneros serve` flags set it.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Mark cookies Secure (users reach PartnerOS over HTTPS).
    pub secure_cookies: bool,
    /// Take client addresses from X-Forwarded-For's rightmost entry (behind a trusted proxy).
    pub trust_proxy: bool,
    /// Answer 408 to a request not answered within this.
    pub request_timeout: Duration,
    /// How often this server looks for due background jobs; `None`: it runs none.
    pub jobs_every: Option<Duration>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            secure_cookies: false,
            trust_proxy: false,
            request_timeout: Duration::from_secs(60),
            jobs_every: Some(Duration::from_secs(60)),
        }
    }
}

/// Connects to `url`, brings its schema up to date and hands out the services.
pub async fn open(url: &str, config: services::Config) -> anyhow::Result<Services> {
    let db = store::Db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    db.migrate().await.context("migrating the schema")?;
    store::rollups::rebuild_when_asked(&db)
        .await
        .context("filling the pipeline's rollups")?;
    Ok(Services::new(db, config))
}

/// Binds `address` (port 0: any free port; read it back with `local_addr`).
pub async fn listen(address: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))
}

/// Serves the portal and the API on `listener` until `shutdown` completes, running due
/// background jobs meanwhile; then lets open requests finish and closes the database.
pub async fn serve(
    services: Services,
    listener: tokio::net::TcpListener,
    options: &ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let db = services.db.clone();
    let jobs = options
        .jobs_every
        .map(|every| tokio::spawn(run_jobs(services.clone(), every)));
    let state = web::AppState {
        services,
        secure_cookies: options.secure_cookies,
        trust_proxy: options.trust_proxy,
    };
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "PartnerOS listening");
    }
    let limits = web::Limits {
        request_timeout: options.request_timeout,
        // Headers are a few hundred bytes: only a stalling client needs longer.
        header_read_timeout: Duration::from_secs(10),
    };
    web::serve(listener, web::router(state), limits, shutdown).await?;
    if let Some(jobs) = jobs {
        jobs.abort();
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Ticks the scheduler, runs due jobs and routine sweeps and sends due mail until the process
/// stops. Every server may run this: the jobs table hands each job to one of them, the
/// routines table each routine's period, and the outbox each mail.
async fn run_jobs(services: Services, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let now = store::now();
        match services.run_routines(now).await {
            Ok(runs) => {
                for run in runs {
                    let routine = run.routine.name();
                    match run.outcome {
                        Ok(result) if run.acted => tracing::info!(routine, %result, "routine ran"),
                        Ok(result) => tracing::debug!(routine, %result, "routine ran"),
                        Err(error) => tracing::error!(routine, %error, "routine failed"),
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "running routines failed"),
        }
        if let Err(e) = services.schedule_jobs(now).await {
            tracing::error!(error = %e, "scheduling jobs failed");
        }
        match services.run_due_jobs(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "background jobs ran"),
            Err(e) => tracing::error!(error = %e, "running jobs failed"),
        }
        match services.send_due_mail(now).await {
            Ok(run) if run == services::mail::sender::MailRun::default() => {}
            Ok(run) => tracing::info!(
                sent = run.sent,
                retrying = run.retrying,
                failed = run.failed,
                expired = run.expired,
                "mail sent"
            ),
            Err(e) => tracing::error!(error = %e, "sending mail failed"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down: finishing open requests");
}
