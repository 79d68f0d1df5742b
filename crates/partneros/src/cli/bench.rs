//! `partneros bench`: measurements on deterministic generated data.

use anyhow::bail;
use clap::Subcommand;
use services::Actor;

use super::common::{describe, open_for_cli, rows_bar};
use super::{bench_dashboard, bench_export, bench_mail, bench_submit, bench_work};

#[derive(Subcommand)]
pub enum BenchWhat {
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
    /// The pipeline summary (program-wide and one partner), cold (first call on a fresh
    /// pool) and warm (p50/p99 server time), the rollup check's time and resident memory,
    /// on a generated book (reused when the database holds one).
    Dashboard {
        /// Where to generate; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 10_000)]
        partners: usize,
        #[arg(long, default_value_t = 1_000_000)]
        registrations: usize,
        /// Warm calls of each endpoint.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Mail delivery from the outbox to an in-process SMTP server: messages/s, the outbox's
    /// size and resident memory.
    Mail {
        /// Where to run; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
    },
    /// "My work" (p50/p99 server time of its first page) for a person whose team holds
    /// `items` open work items.
    MyWork {
        /// Where to generate; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 10_000)]
        items: usize,
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    /// The work items' SLA sweep over `items` open items: time per run.
    SlaSweep {
        /// Where to generate; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        items: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// The escalation sweep over generated cases (a mix of states and ages): the first run
    /// with every warning, step and closing to do, then a second with nothing new.
    EscalationSweep {
        /// Where to generate; a fresh temporary SQLite file when omitted.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
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

pub async fn run(what: BenchWhat) -> anyhow::Result<()> {
    match what {
        BenchWhat::Conflicts {
            registrations,
            customers,
            partners,
            checks,
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
        BenchWhat::Import {
            database_url,
            registrations,
            partners,
        } => bench_import(database_url, registrations, partners).await,
        BenchWhat::Submit {
            database_url,
            requests,
            connections,
            preload,
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
        BenchWhat::Export {
            database_url,
            registrations,
            concurrent,
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
        BenchWhat::Tiers { partners, rounds } => {
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
        BenchWhat::Program {
            database_url,
            partners,
        } => bench_program(database_url, partners).await,
        BenchWhat::Partners {
            database_url,
            partners,
            iterations,
        } => bench_partners(database_url, partners, iterations).await,
        BenchWhat::Mail {
            database_url,
            messages,
        } => bench_mail::run(database_url, messages).await,
        BenchWhat::MyWork {
            database_url,
            items,
            rounds,
        } => bench_work::my_work(database_url, items, rounds).await,
        BenchWhat::SlaSweep {
            database_url,
            items,
            runs,
        } => bench_work::sla_sweep(database_url, items, runs).await,
        BenchWhat::EscalationSweep {
            database_url,
            cases,
        } => bench_escalation_sweep(database_url, cases).await,
        BenchWhat::Dashboard {
            database_url,
            partners,
            registrations,
            rounds,
        } => {
            let temp =
                std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
            let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
            let result = bench_dashboard::run(&url, partners, registrations, rounds).await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
            }
            result
        }
    }
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

async fn bench_escalation_sweep(database_url: Option<String>, cases: usize) -> anyhow::Result<()> {
    let temp = std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
    let services = open_for_cli(&url).await?;
    let bar = indicatif::ProgressBar::new(cases as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "generating {bar:40} {pos}/{len} cases ({per_sec}, {eta} left)",
        )
        .expect("a valid template"),
    );
    let started = std::time::Instant::now();
    services
        .generate_escalation_cases(cases, |done| bar.set_position(done as u64))
        .await
        .map_err(describe)?;
    bar.finish_and_clear();
    println!(
        "generated {cases} escalation cases in {:.1?} on {url}",
        started.elapsed()
    );
    for run in ["first run", "second run (nothing new)"] {
        let swept = services.bench_escalation_sweep().await.map_err(describe)?;
        println!("{run}: {:.2?} — {}", swept.took, swept.report);
    }
    services.db.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    Ok(())
}
