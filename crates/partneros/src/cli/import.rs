//! `partneros import`: CSV files into the database, checked row by row first, with a
//! progress bar on long files.

use anyhow::{Context, bail};
use clap::Subcommand;
use services::Actor;

use super::common::{DbArgs, describe, open_for_cli, rows_bar};

#[derive(Subcommand)]
pub enum ImportWhat {
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

pub async fn run(what: ImportWhat) -> anyhow::Result<()> {
    match what {
        ImportWhat::Facts { db, file, dry_run } => {
            import_facts(&db.database_url, &file, dry_run).await
        }
        ImportWhat::Rates { db, file, dry_run } => {
            super::rates::import_rates(&db.database_url, &file, dry_run).await
        }
        ImportWhat::Certifications { db, file, dry_run } => {
            import_certifications(&db.database_url, &file, dry_run).await
        }
        ImportWhat::Deals { db, file, dry_run } => {
            import_deals(&db.database_url, &file, dry_run).await
        }
        ImportWhat::Leads { db, file, dry_run } => {
            import_leads(&db.database_url, &file, dry_run).await
        }
        ImportWhat::Opportunities { db, file, dry_run } => {
            import_direct(
                &db.database_url,
                &file,
                dry_run,
                domain::deals::direct::DirectKind::Opportunities,
            )
            .await
        }
        ImportWhat::Accounts { db, file, dry_run } => {
            import_direct(
                &db.database_url,
                &file,
                dry_run,
                domain::deals::direct::DirectKind::Accounts,
            )
            .await
        }
    }
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
    report: &services::imports::ImportReport,
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
