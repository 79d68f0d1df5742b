//! `partneros program`: write, check, simulate and apply program.toml.

use anyhow::{Context, bail};
use clap::Subcommand;
use services::Actor;

use super::common::{DbArgs, describe, open_for_cli};

#[derive(Subcommand)]
pub enum ProgramAction {
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

pub async fn run(action: ProgramAction) -> anyhow::Result<()> {
    match action {
        ProgramAction::Init { file, force } => {
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
        ProgramAction::Check { file } => check_program(&file),
        ProgramAction::Simulate { db, file } => simulate_program(&db.database_url, &file).await,
        ProgramAction::Apply {
            db,
            file,
            effective,
            note,
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
