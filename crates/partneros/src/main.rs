//! `partneros`: the command line. It parses arguments and calls services; nothing more.

mod bench_export;
mod bench_submit;
mod rates_cli;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use domain::users::NewUserInput;
use partneros::startup::{self, ServerOptions};
use services::{Actor, Services};
use std::io::{BufRead, IsTerminal};
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
struct DbArgs {
    /// sqlite://FILE (created when missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "PARTNEROS_DATABASE_URL",
        default_value = "sqlite://partneros.db"
    )]
    database_url: String,
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
    /// How often this server looks for due background jobs (the scheduled tier evaluation);
    /// 0 turns background jobs off on this server.
    #[arg(long, env = "PARTNEROS_JOBS_INTERVAL_SECONDS", default_value_t = 60)]
    jobs_interval_seconds: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal and API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
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
        db: DbArgs,
    },
    /// Create the first admin account.
    Init {
        #[command(flatten)]
        db: DbArgs,
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
        action: ProgramAction,
    },
    /// Import data from CSV: every row is checked first; any bad row means nothing is written.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Measure PartnerOS on deterministic generated data.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Manage accounts.
    User {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Subcommand)]
enum ProgramAction {
    /// Write the shipped program, with a comment on every setting.
    Init {
        /// Where to write it.
        #[arg(default_value = "program.toml")]
        file: std::path::PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Check a program file; every problem is reported with its line, column and a fix.
    Check { file: std::path::PathBuf },
    /// Show, against live data, who would move up or down under a program file and what it
    /// would commit in benefits; nothing is stored.
    Simulate {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
    },
    /// Check a program file and store it as the next program version (never when it has errors).
    Apply {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// The day it comes into force (YYYY-MM-DD, UTC); today when omitted.
        #[arg(long, default_value = "")]
        effective: String,
        /// Why it changes, for the version history.
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Certification completions as an LMS exports them. Header: partner (id, domain or name),
    /// email, name (for people not yet contacts), certification (key or name), date
    /// (YYYY-MM-DD), score (percent).
    Certifications {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Deal registrations with their history (another PRM's export, or this one's). Header:
    /// reference (optional: DR-1042 updates that registration), partner (id, domain or name),
    /// customer_name, website, industry, region, deal_size, currency, expected_close,
    /// use_case, pain_points, stage, probability, risks, competitor, partner_rep, status,
    /// registered_on, protected_until, closed_on, closed_amount.
    Deals {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Our direct sales pipeline, for channel-conflict detection. Header: reference,
    /// customer, and any of website, owner, stage, amount, currency, status (open, won,
    /// lost). A known reference is updated.
    Opportunities {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Partner leads (referrals) with their history, in the export's columns: partner,
    /// company, contact_name, contact_email, need, and any of reference (updates that lead),
    /// website, estimated_value, currency, status, accept_by, rejection_reason,
    /// counts_against_quota.
    Leads {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Our existing customer accounts, for channel-conflict detection. Header: account,
    /// name, and any of website, owner. A known account is updated.
    Accounts {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Exchange rates into the program currency. Header: currency, rate, effective_on
    /// (1 currency = rate units of the program currency from that day, YYYY-MM-DD). A rate
    /// for a currency and day already stored is replaced.
    Rates {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Tier facts by partner and quarter. Header: partner (id, domain or name), quarter
    /// (2026-Q3) and any of sourced_revenue, qbrs, co_marketing, certified_people,
    /// advanced_certified_people, customer_references, executive_sponsor, ipp_score.
    Facts {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        /// Check every row and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Imports a generated CSV of registrations (deterministic) into a fresh database,
    /// end to end: read, checked, partners resolved, written in one transaction.
    Import {
        /// Where to import; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 1_000_000)]
        registrations: usize,
        #[arg(long, default_value_t = 1_000)]
        partners: usize,
    },
    /// Deal registrations submitted over HTTP end to end (token, validation, eligibility,
    /// conflict check, audit), on a fresh database; prints the sustained rate.
    Submit {
        /// Where to run; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Registrations stored before the run (the deterministic generator's, by 10,000
        /// partners, imported), so every check runs against a book.
        #[arg(long, default_value_t = 0)]
        preload: usize,
    },
    /// Concurrent CSV exports of a generated book of registrations over HTTP on a fresh
    /// database, while a client calls GET /api/v1/me: export times, that client's latency
    /// and the process's peak resident memory.
    Export {
        /// Where to run; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 200_000)]
        registrations: usize,
        /// Exports running at once.
        #[arg(long, default_value_t = 8)]
        concurrent: usize,
    },
    /// The conflict check of one new registration against a generated book of registrations
    /// and customer accounts (pure engine, in memory; p50/p99 of single checks).
    Conflicts {
        #[arg(long, default_value_t = 1_000_000)]
        registrations: usize,
        #[arg(long, default_value_t = 200_000)]
        customers: usize,
        #[arg(long, default_value_t = 10_000)]
        partners: usize,
        /// New registrations checked.
        #[arg(long, default_value_t = 20_000)]
        checks: usize,
    },
    /// Tier evaluation (pure engine, shipped program) over generated partners.
    Tiers {
        #[arg(long, default_value_t = 10_000)]
        partners: usize,
        /// Full passes; the best is reported.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// The tier evaluation job and `program simulate` end to end, on a database filled with
    /// generated partners and eight quarters of facts each.
    Program {
        /// Where to generate; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 10_000)]
        partners: usize,
    },
    /// Partner list latency (search, filters, deep pages) on a generated book of partners.
    Partners {
        /// Where to generate; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        /// How many partners to generate first.
        #[arg(long, default_value_t = 100_000)]
        partners: usize,
        /// Queries per shape.
        #[arg(long, default_value_t = 50)]
        iterations: usize,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Add an account.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, partner_manager, sales, marketing, finance, executive, partner_admin, partner_user
        #[arg(long)]
        role: String,
        /// The partner organisation id (partner roles only).
        #[arg(long)]
        partner: Option<uuid::Uuid>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Disable an account and end its sessions.
    Disable { email: String },
    /// Re-enable a disabled account.
    Enable { email: String },
    /// Set a new password and end the account's sessions.
    ResetPassword {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Benchmarks log warnings only by default: a line per request would measure the terminal.
fn init_logging(format: LogFormat, quiet: bool) {
    let default = if quiet { "warn" } else { "info,sqlx=warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PARTNEROS_LOG")
        .unwrap_or_else(|_| default.into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Errors end the process with one readable message (and exit code 1), never a backtrace.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Command::Program {
            action: ProgramAction::Init { file, force },
        } => {
            if file.exists() && !force {
                bail!(
                    "{} already exists; pass --force to replace it",
                    file.display()
                );
            }
            std::fs::write(&file, domain::program::DEFAULT_PROGRAM)
                .with_context(|| format!("writing {}", file.display()))?;
            println!("wrote {}", file.display());
            Ok(())
        }
        Command::Program {
            action: ProgramAction::Check { file },
        } => check_program(&file),
        Command::Program {
            action: ProgramAction::Simulate { db, file },
        } => simulate_program(&db.database_url, &file).await,
        Command::Program {
            action:
                ProgramAction::Apply {
                    db,
                    file,
                    effective,
                    note,
                },
        } => {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let services = open_for_cli(&db.database_url).await?;
            let version = services
                .apply_program(&Actor::system("cli"), &source, &effective, &note)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
            for warning in &version.warnings {
                println!("{}:{warning}", file.display());
            }
            println!(
                "stored program version {} (in force from {})",
                version.version,
                version.effective_from.date()
            );
            Ok(())
        }
        Command::Import {
            what: ImportWhat::Facts { db, file, dry_run },
        } => import_facts(&db.database_url, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Rates { db, file, dry_run },
        } => rates_cli::import_rates(&db.database_url, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Certifications { db, file, dry_run },
        } => import_certifications(&db.database_url, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Deals { db, file, dry_run },
        } => import_deals(&db.database_url, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Leads { db, file, dry_run },
        } => import_leads(&db.database_url, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Opportunities { db, file, dry_run },
        } => {
            import_direct(
                &db.database_url,
                &file,
                dry_run,
                domain::deals::direct::DirectKind::Opportunities,
            )
            .await
        }
        Command::Import {
            what: ImportWhat::Accounts { db, file, dry_run },
        } => {
            import_direct(
                &db.database_url,
                &file,
                dry_run,
                domain::deals::direct::DirectKind::Accounts,
            )
            .await
        }
        Command::Bench {
            what:
                BenchWhat::Conflicts {
                    registrations,
                    customers,
                    partners,
                    checks,
                },
        } => {
            let bench = services::bench::conflicts::bench_conflicts(
                registrations,
                customers,
                partners,
                checks,
            );
            println!(
                "{} known customers ({registrations} registrations by {partners} partners, {customers} customer accounts), indexed in {:.2?}{}",
                bench.known,
                bench.build,
                bench
                    .memory
                    .map(|b| format!(", {} MB resident", b / 1_048_576))
                    .unwrap_or_default()
            );
            println!(
                "conflict check of one new registration ({} checks): p50 {:.1?}, p99 {:.1?}, max {:.1?}",
                bench.checks, bench.p50, bench.p99, bench.max
            );
            let [clear, review, registered] = bench.verdicts;
            println!(
                "  verdicts: {clear} clear, {review} needs review, {registered} already registered"
            );
            Ok(())
        }
        Command::Bench {
            what:
                BenchWhat::Import {
                    database_url,
                    registrations,
                    partners,
                },
        } => bench_import(database_url, registrations, partners).await,
        Command::Bench {
            what:
                BenchWhat::Submit {
                    database_url,
                    requests,
                    connections,
                    preload,
                },
        } => {
            let temp =
                std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
            let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
            let services = open_for_cli(&url).await?;
            let bench = bench_submit::run(services, requests, connections, preload).await?;
            println!(
                "{} registrations submitted over HTTP ({connections} connections, {} stored before) in {:.2?}: {:.0}/s sustained; latency p50 {:.2?}, p99 {:.2?}; {:.1} registrations per commit (the same client gets {:.0}/s from GET /healthz here)",
                bench.requests,
                bench.known_before,
                bench.elapsed,
                bench.requests as f64 / bench.elapsed.as_secs_f64(),
                bench.p50,
                bench.p99,
                bench.per_commit,
                bench.http_floor
            );
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
            }
            Ok(())
        }
        Command::Bench {
            what:
                BenchWhat::Export {
                    database_url,
                    registrations,
                    concurrent,
                },
        } => {
            let temp =
                std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
            let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
            let services = open_for_cli(&url).await?;
            let result = bench_export::run(services, registrations, concurrent).await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
            }
            bench_export::print(&result?);
            Ok(())
        }
        Command::Bench {
            what: BenchWhat::Tiers { partners, rounds },
        } => {
            let bench = services::bench::bench_tier_evaluation(partners, rounds);
            println!(
                "{partners} partners × 8 quarters, best of {rounds} passes (pure engine, shipped program):"
            );
            println!(
                "  evaluate (trailing facts + tier + progression policy): {:.2?}, {} partner(s) due a proposal",
                bench.evaluate, bench.actions
            );
            println!(
                "  simulate (Silver asks one more certified person):       {:.2?}, {} partner(s) would move",
                bench.simulate, bench.moves
            );
            for (tier, n) in bench.counts {
                println!("  {tier:<12} {n}");
            }
            Ok(())
        }
        Command::Bench {
            what:
                BenchWhat::Program {
                    database_url,
                    partners,
                },
        } => bench_program(database_url, partners).await,
        Command::Bench {
            what:
                BenchWhat::Partners {
                    database_url,
                    partners,
                    iterations,
                },
        } => bench_partners(database_url, partners, iterations).await,
        Command::User { db, action } => {
            let services = open_for_cli(&db.database_url).await?;
            user_command(&services, action).await
        }
    }
}

fn check_program(file: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let (program, issues) = domain::program::parse(&text);
    for issue in &issues {
        println!("{}:{issue}", file.display());
    }
    match program {
        Some(program) => {
            let tiers: Vec<&str> = program.tiers.iter().map(|t| t.name.as_str()).collect();
            println!(
                "{}: ok — {} ({}), tiers: {}",
                file.display(),
                program.name,
                program.currency,
                tiers.join(" < ")
            );
            Ok(())
        }
        None => {
            let errors = issues
                .iter()
                .filter(|i| i.severity == domain::program::Severity::Error)
                .count();
            bail!(
                "{}: {errors} error(s); the program was not accepted",
                file.display()
            )
        }
    }
}

async fn simulate_program(url: &str, file: &std::path::Path) -> anyhow::Result<()> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let started = std::time::Instant::now();
    let report = services
        .simulate_program(&Actor::system("cli"), &source)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
    let elapsed = started.elapsed();
    for warning in &report.warnings {
        println!("{}:{warning}", file.display());
    }
    println!(
        "{} partners evaluated for {} under program version {} and under {}:",
        report.partners,
        report.quarter,
        report.program_version,
        file.display()
    );
    println!(
        "  {} would move up, {} down, {} reclassified, {} unchanged",
        report.moves_up, report.moves_down, report.reclassified, report.unchanged
    );
    println!(
        "  discount exposure {} → {} ({})",
        report.current.discount_exposure,
        report.proposed.discount_exposure,
        report.discount_exposure_change
    );
    println!(
        "  MDF allocation    {} → {} ({})",
        report.current.mdf_allocation, report.proposed.mdf_allocation, report.mdf_allocation_change
    );
    if !report.moves.is_empty() {
        println!(
            "{:<40} {:<14} {:<14} {:<14} move",
            "partner", "current tier", "qualifies now", "would qualify"
        );
        for m in &report.moves {
            println!(
                "{:<40} {:<14} {:<14} {:<14} {}",
                m.partner_name, m.current_tier, m.from, m.to, m.direction
            );
        }
    }
    println!("simulated in {elapsed:.2?}; nothing was stored");
    Ok(())
}

async fn import_certifications(
    url: &str,
    file: &std::path::Path,
    dry_run: bool,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let report = services
        .import_certifications(&Actor::system("cli"), &text, dry_run)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
    print_import_report(
        file,
        &report,
        "certification(s) recorded",
        "already on record",
    )
}

async fn import_deals(url: &str, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let bar = rows_bar(&text);
    let report = services
        .import_deals(&Actor::system("cli"), &text, dry_run, &|done| {
            bar.set_position(done)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
    bar.finish_and_clear();
    print_import_report(file, &report, "new registration(s)", "updated")
}

/// A progress bar over the data rows of a CSV text.
fn rows_bar(text: &str) -> indicatif::ProgressBar {
    let rows = text.lines().count().saturating_sub(1) as u64;
    indicatif::ProgressBar::new(rows).with_style(
        indicatif::ProgressStyle::with_template(
            "writing {bar:40} {pos}/{len} rows ({per_sec}, {eta} left)",
        )
        .expect("a valid template"),
    )
}

async fn import_direct(
    url: &str,
    file: &std::path::Path,
    dry_run: bool,
    kind: domain::deals::direct::DirectKind,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let report = services
        .import_direct(&Actor::system("cli"), kind, &text, dry_run)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
    let created = match kind {
        domain::deals::direct::DirectKind::Opportunities => "new opportunity(ies)",
        domain::deals::direct::DirectKind::Accounts => "new account(s)",
    };
    print_import_report(file, &report, created, "updated")
}

async fn import_leads(url: &str, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let report = services
        .import_leads(&Actor::system("cli"), &text, dry_run)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
    print_import_report(file, &report, "new lead(s)", "updated")
}

/// Prints an import's problems (FILE:LINE: column: message) or its summary.
fn print_import_report(
    file: &std::path::Path,
    report: &services::facts::ImportReport,
    created: &str,
    updated: &str,
) -> anyhow::Result<()> {
    for error in &report.errors {
        println!(
            "{}:{}: {}: {}",
            file.display(),
            error.line,
            error.field,
            error.message
        );
    }
    if !report.errors.is_empty() {
        bail!(
            "{}: {} problem(s) in {} row(s); nothing was written",
            file.display(),
            report.errors.len(),
            report.rows
        );
    }
    let verb = if report.applied {
        "imported"
    } else {
        "checked (dry run, nothing written)"
    };
    println!(
        "{}: {verb} {} row(s) for {} partner(s): {} {created}, {} {updated}",
        file.display(),
        report.rows,
        report.partners,
        report.created,
        report.updated
    );
    Ok(())
}

async fn import_facts(url: &str, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("importing {bar:40} {pos}/{len} rows ({eta} left)")
            .expect("a valid template"),
    );
    let report = services
        .import_facts(&Actor::system("cli"), &text, dry_run, &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
    bar.finish_and_clear();
    print_import_report(file, &report, "new quarter(s)", "updated")
}

async fn bench_import(
    database_url: Option<String>,
    registrations: usize,
    partners: usize,
) -> anyhow::Result<()> {
    let temp = std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
    let services = open_for_cli(&url).await?;
    services
        .generate_partners(partners, false, |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let csv = services::bench::conflicts::generated_deals_csv(registrations, partners);
    println!(
        "{registrations} registrations of {partners} partners, {} MB of CSV",
        csv.len() / 1_048_576
    );
    let bar = rows_bar(&csv);
    let started = std::time::Instant::now();
    let report = services
        .import_deals(&Actor::system("bench"), &csv, false, &|done| {
            bar.set_position(done)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if !report.applied {
        bail!("the import was refused: {:?}", report.errors.first());
    }
    println!(
        "imported {} registrations in {:.2?} ({:.0} rows/s), checked and written in one transaction",
        report.created,
        elapsed,
        report.created as f64 / elapsed.as_secs_f64()
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    Ok(())
}

async fn bench_program(database_url: Option<String>, partners: usize) -> anyhow::Result<()> {
    let temp = std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
    let services = open_for_cli(&url).await?;
    let bar = indicatif::ProgressBar::new(partners as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "generating {bar:40} {pos}/{len} partners with 8 quarters each ({eta} left)",
        )
        .expect("a valid template"),
    );
    let started = std::time::Instant::now();
    services
        .generate_partners(partners, true, |done| bar.set_position(done as u64))
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    println!(
        "generated {partners} partners × 8 quarters in {:.1?} on {url}",
        started.elapsed()
    );
    let actor = Actor::system("bench");
    // Silver asks one more certified person (the first `certified_people = 3` is its entry).
    let stricter = domain::program::DEFAULT_PROGRAM.replacen(
        "certified_people = 3",
        "certified_people = 4",
        1,
    );
    for run in 1..=2 {
        let started = std::time::Instant::now();
        let report = services
            .simulate_program(&actor, &stricter)
            .await
            .map_err(describe)?;
        println!(
            "program simulate, run {run}: {:.2?} ({} would move)",
            started.elapsed(),
            report.moves.len()
        );
    }
    for run in 1..=2 {
        let started = std::time::Instant::now();
        let summary = services
            .evaluate_all_tiers(&actor)
            .await
            .map_err(describe)?;
        println!(
            "tier evaluation job, run {run}: {:.2?} ({summary})",
            started.elapsed()
        );
    }
    services.db.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    Ok(())
}

async fn bench_partners(
    database_url: Option<String>,
    partners: usize,
    iterations: usize,
) -> anyhow::Result<()> {
    let temp = std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
    let services = open_for_cli(&url).await?;
    let bar = indicatif::ProgressBar::new(partners as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "generating {bar:40} {pos}/{len} partners ({per_sec}, {eta} left)",
        )
        .expect("a valid template"),
    );
    let started = std::time::Instant::now();
    services
        .generate_partners(partners, false, |done| bar.set_position(done as u64))
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    println!(
        "generated {partners} partners in {:.1?} on {url}",
        started.elapsed()
    );
    println!(
        "{:<26} {:>10} {:>10} {:>6}",
        "query (page of 50)", "p50", "p99", "rows"
    );
    for t in services
        .bench_partner_list(iterations)
        .await
        .map_err(describe)?
    {
        println!(
            "{:<26} {:>10.2?} {:>10.2?} {:>6}",
            t.name, t.p50, t.p99, t.rows
        );
    }
    services.db.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    Ok(())
}

async fn connect(url: &str) -> anyhow::Result<store::Db> {
    store::Db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))
}

pub(crate) async fn open_for_cli(url: &str) -> anyhow::Result<Services> {
    startup::open(url, services::Config::default()).await
}

impl ServeArgs {
    fn config(&self) -> services::Config {
        services::Config {
            session_idle: time::Duration::minutes(self.session_idle_minutes),
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

fn read_password(from_stdin: bool, prompt: &str) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password(format!("{prompt}: "))?;
    let second = rpassword::prompt_password("Again: ")?;
    if first != second {
        bail!("the passwords do not match");
    }
    Ok(first)
}

/// Turns a service error into a message naming the field at fault.
pub(crate) fn describe(err: services::Error) -> anyhow::Error {
    match err {
        services::Error::Invalid(errors) => {
            anyhow::anyhow!(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }
        other => anyhow::anyhow!(other),
    }
}

async fn user_command(services: &Services, action: UserAction) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match action {
        UserAction::Add {
            email,
            name,
            role,
            partner,
            password_stdin,
        } => {
            let password = read_password(password_stdin, &format!("Password for {email}"))?;
            let input = NewUserInput {
                email,
                name,
                role,
                partner_id: partner,
                password,
            };
            let user = services
                .create_user(&actor, &input)
                .await
                .map_err(describe)?;
            println!("created {} ({})", user.email, user.role);
        }
        UserAction::List => {
            for entry in services.list_users(&actor).await.map_err(describe)? {
                let user = &entry.user;
                let org = user
                    .partner_id
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "internal".into());
                println!(
                    "{:<36} {:<16} {:<36} {}",
                    user.email,
                    user.role,
                    org,
                    entry.access.label()
                );
            }
        }
        UserAction::Disable { email } => {
            let user = services
                .find_user_by_email(&actor, &email)
                .await
                .map_err(describe)?;
            services
                .set_user_disabled(&actor, user.id, true)
                .await
                .map_err(describe)?;
            println!("disabled {email}");
        }
        UserAction::Enable { email } => {
            let user = services
                .find_user_by_email(&actor, &email)
                .await
                .map_err(describe)?;
            services
                .set_user_disabled(&actor, user.id, false)
                .await
                .map_err(describe)?;
            println!("enabled {email}");
        }
        UserAction::ResetPassword {
            email,
            password_stdin,
        } => {
            let user = services
                .find_user_by_email(&actor, &email)
                .await
                .map_err(describe)?;
            let password = read_password(password_stdin, &format!("New password for {email}"))?;
            services
                .reset_password(&actor, user.id, &password)
                .await
                .map_err(describe)?;
            println!("password reset for {email}; their sessions have ended");
        }
    }
    Ok(())
}
