//! `partneros`: the command line. It parses arguments and calls services; nothing more.

mod cli;

use anyhow::bail;
use clap::{Args, Parser, Subcommand, ValueEnum};
use cli::common::{connect, describe, open_for_cli};
use cli::users::read_password;
use domain::users::NewUserInput;
use partneros::startup::{self, ServerOptions};
use services::{Actor, Services};
use std::net::SocketAddr;

#[derive(Parser)]
#[command(
    name = "partneros",
    version,
    about = "PartnerOS: partner relationship management in one binary"
)]
struct Cli {
    /// Log format.
    #[arg(
        long,
        global = true,
        env = "PARTNEROS_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PARTNEROS_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Mark cookies Secure (set this when users reach PartnerOS over HTTPS).
    #[arg(long, env = "PARTNEROS_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Take client addresses from X-Forwarded-For, its rightmost entry (only behind a trusted
    /// reverse proxy, which must append the address it saw).
    #[arg(long, env = "PARTNEROS_TRUST_PROXY")]
    trust_proxy: bool,
    /// Answer 408 to a request not answered within this many seconds (uploads included).
    #[arg(long, env = "PARTNEROS_REQUEST_TIMEOUT_SECONDS", default_value_t = 60)]
    request_timeout_seconds: u64,
    /// Sign out sessions idle for this many minutes.
    #[arg(long, env = "PARTNEROS_SESSION_IDLE_MINUTES", default_value_t = 480)]
    session_idle_minutes: i64,
    /// How often this server looks for due background work: scheduled jobs (tier evaluation,
    /// certification expiry, the deal sweep), the SLA sweeps, mail digests and sending mail;
    /// 0 turns all of it off on this server.
    #[arg(long, env = "PARTNEROS_JOBS_INTERVAL_SECONDS", default_value_t = 60)]
    jobs_interval_seconds: u64,
    /// The portal's address as people reach it; links in mails start with it.
    #[arg(
        long,
        env = "PARTNEROS_PUBLIC_URL",
        default_value = "http://localhost:8080"
    )]
    public_url: String,
    /// The SMTP server mail leaves through; without it mail stays in the outbox.
    #[arg(long, env = "PARTNEROS_SMTP_HOST")]
    smtp_host: Option<String>,
    #[arg(long, env = "PARTNEROS_SMTP_PORT", default_value_t = 587)]
    smtp_port: u16,
    #[arg(long, env = "PARTNEROS_SMTP_USERNAME")]
    smtp_username: Option<String>,
    #[arg(long, env = "PARTNEROS_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// The From address of every mail, e.g. "PartnerOS <partners@example.com>".
    #[arg(
        long,
        env = "PARTNEROS_SMTP_FROM",
        default_value = "PartnerOS <partneros@localhost>"
    )]
    smtp_from: String,
    /// How the SMTP connection is secured.
    #[arg(long, env = "PARTNEROS_SMTP_TLS", value_enum, default_value_t = SmtpTls::Starttls)]
    smtp_tls: SmtpTls,
    /// A queued mail not sent within this many hours of being due is marked expired, not
    /// sent (security notices excepted).
    #[arg(long, env = "PARTNEROS_MAIL_MAX_AGE_HOURS", default_value_t = 24,
        value_parser = clap::value_parser!(u32).range(1..))]
    mail_max_age_hours: u32,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SmtpTls {
    /// Plain SMTP (a relay on the same host).
    None,
    /// STARTTLS upgrade (usually port 587).
    Starttls,
    /// TLS from the start (usually port 465).
    Tls,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal and API.
    Serve {
        #[command(flatten)]
        db: cli::common::DbArgs,
        #[command(flatten)]
        server: ServeArgs,
    },
    /// Run the portal on a SQLite file filled with a demo partner program.
    Demo {
        /// The demo database (created and filled on first run, reused after).
        #[arg(
            long,
            env = "PARTNEROS_DEMO_DATABASE_URL",
            default_value = "sqlite://partneros-demo.db"
        )]
        database_url: String,
        #[command(flatten)]
        server: ServeArgs,
    },
    /// Create or upgrade the database schema.
    Migrate {
        #[command(flatten)]
        db: cli::common::DbArgs,
    },
    /// Create the first admin account.
    Init {
        #[command(flatten)]
        db: cli::common::DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// The partner program definition (program.toml).
    Program {
        #[command(subcommand)]
        action: cli::program::ProgramAction,
    },
    /// Import data from CSV: every row is checked first; any bad row means nothing is written.
    Import {
        #[command(subcommand)]
        what: cli::import::ImportWhat,
    },
    /// Measure PartnerOS on deterministic generated data.
    Bench {
        #[command(subcommand)]
        what: cli::bench::BenchWhat,
    },
    /// Report tables (as the portal downloads them) as CSV or XLSX.
    Report {
        #[command(subcommand)]
        what: cli::report::ReportWhat,
    },
    /// Verify what the database keeps as a cache against its sources.
    Check {
        #[command(subcommand)]
        what: cli::check::CheckWhat,
    },
    /// Manage accounts.
    User {
        #[command(flatten)]
        db: cli::common::DbArgs,
        #[command(subcommand)]
        action: cli::users::UserAction,
    },
}

/// Logs to stderr, filtered by `PARTNEROS_LOG` ("info,sqlx=warn": a level, then
/// `target=level` pairs); a filter that does not parse is reported and the default used.
fn init_logging(format: LogFormat, quiet: bool) {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let default = if quiet { "warn" } else { "info,sqlx=warn" };
    let default_filter = || {
        default
            .parse::<Targets>()
            .expect("the default filter parses")
    };
    let (filter, problem) = match std::env::var("PARTNEROS_LOG") {
        Ok(text) => match text.parse::<Targets>() {
            Ok(filter) => (filter, None),
            Err(e) => (
                default_filter(),
                Some(format!("PARTNEROS_LOG '{text}': {e}")),
            ),
        },
        Err(_) => (default_filter(), None),
    };
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.finish().with(filter).init(),
        LogFormat::Json => builder.json().finish().with(filter).init(),
    }
    if let Some(problem) = problem {
        tracing::warn!("{problem}; logging with the default filter '{default}'");
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Errors end the process with one readable message (and exit code 1), never a backtrace.
fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("start the async runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    init_logging(cli.log_format, matches!(cli.command, Command::Bench { .. }));
    match cli.command {
        Command::Serve { db, server } => {
            let services = startup::open(&db.database_url, server.config()).await?;
            let listener = startup::listen(server.listen).await?;
            println!("PartnerOS listening on http://{}", listener.local_addr()?);
            serve(services, listener, &server).await
        }
        Command::Demo {
            database_url,
            server,
        } => {
            let services = startup::open(&database_url, server.config()).await?;
            let listener = startup::listen(server.listen).await?;
            let seeded = services.seed_demo().await?;
            println!(
                "PartnerOS demo {} on {database_url}",
                if seeded {
                    "program created"
                } else {
                    "program already present"
                }
            );
            println!(
                "Open http://{}/ and sign in with any of these (password: {}):",
                listener.local_addr()?,
                services::demo::DEMO_PASSWORD
            );
            for (email, _, role, _) in services::demo::DEMO_USERS {
                println!("  {email:<32} {}", domain::Choice::label(role));
            }
            serve(services, listener, &server).await
        }
        Command::Migrate { db } => {
            let db = connect(&db.database_url).await?;
            db.migrate().await?;
            println!("schema is up to date");
            Ok(())
        }
        Command::Init {
            db,
            email,
            name,
            password_stdin,
        } => {
            let services = open_for_cli(&db.database_url).await?;
            if services.has_users().await? {
                bail!("accounts already exist; use `partneros user add` to add more");
            }
            let password = read_password(password_stdin, "Password for the first admin")?;
            let input = NewUserInput {
                email,
                name,
                role: "admin".into(),
                partner_id: None,
                password,
            };
            let user = services
                .create_user(&Actor::system("init"), &input)
                .await
                .map_err(describe)?;
            println!("created admin {}", user.email);
            Ok(())
        }
        Command::Program { action } => cli::program::run(action).await,
        Command::Import { what } => cli::import::run(what).await,
        Command::Bench { what } => cli::bench::run(what).await,
        Command::Report { what } => cli::report::run(what).await,
        Command::Check { what } => cli::check::run(what).await,
        Command::User { db, action } => {
            let services = open_for_cli(&db.database_url).await?;
            cli::users::run(&services, action).await
        }
    }
}

impl ServeArgs {
    fn config(&self) -> services::Config {
        services::Config {
            session_idle: time::Duration::minutes(self.session_idle_minutes),
            mail: services::mail::MailSettings {
                smtp: self
                    .smtp_host
                    .clone()
                    .map(|host| services::mail::SmtpSettings {
                        host,
                        port: self.smtp_port,
                        username: self.smtp_username.clone(),
                        password: self.smtp_password.clone(),
                        from: self.smtp_from.clone(),
                        tls: match self.smtp_tls {
                            SmtpTls::None => services::mail::TlsMode::None,
                            SmtpTls::Starttls => services::mail::TlsMode::StartTls,
                            SmtpTls::Tls => services::mail::TlsMode::Tls,
                        },
                    }),
                public_url: self.public_url.clone(),
                max_age: time::Duration::hours(self.mail_max_age_hours.into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn options(&self) -> ServerOptions {
        ServerOptions {
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            request_timeout: std::time::Duration::from_secs(self.request_timeout_seconds),
            jobs_every: (self.jobs_interval_seconds > 0)
                .then(|| std::time::Duration::from_secs(self.jobs_interval_seconds)),
        }
    }
}

/// Binds, says where (the address actually bound: `--listen 127.0.0.1:0` takes any free
/// port), and serves until Ctrl-C or SIGTERM.
async fn serve(
    services: Services,
    listener: tokio::net::TcpListener,
    server: &ServeArgs,
) -> anyhow::Result<()> {
    startup::serve(
        services,
        listener,
        &server.options(),
        startup::shutdown_signal(),
    )
    .await
}
