//! `partneros report tracker [--months N] [--tier KEY] [--sort …] --format csv|xlsx
//! [--output FILE]`, `partneros report dashboard [--quarter 2026-Q4] [--tier KEY] [--region KEY]
//! [--owner ID] [--table …]`, `partneros report pipeline [--partner ID|NAME]` and `partneros
//! report scorecard --partner ID|NAME [--quarter 2026Q4] …`: the portal's report tables from the
//! shell, the same figures and the same files as the download links.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use services::Actor;
use services::reports::{Format, Table};

use super::common::{DbArgs, describe, open_for_cli};

#[derive(Subcommand)]
pub enum ReportWhat {
    /// Every partner's monthly closed-won revenue against its tier's pace, with
    /// underperformer flags (as the portal's /tracker).
    Tracker {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// How many complete months, 1–12.
        #[arg(long, default_value_t = 6)]
        months: u32,
        /// Only partners of this tier (its key).
        #[arg(long, default_value = "")]
        tier: String,
        /// partner, tier, total, latest or flag (underperforming first).
        #[arg(long, default_value = "partner")]
        sort: String,
        /// Largest (or last) first.
        #[arg(long)]
        desc: bool,
    },
    /// One of the program dashboard's tables (as the portal's /dashboard downloads).
    Dashboard {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// The quarter, e.g. 2026-Q4 (default: the quarter under way).
        #[arg(long, default_value = "")]
        quarter: String,
        /// Only partners of this tier (its key).
        #[arg(long, default_value = "")]
        tier: String,
        /// Only partners covering this region (north_america, latin_america, emea, apac).
        #[arg(long, default_value = "")]
        region: String,
        /// Only partners this user (id) manages.
        #[arg(long, default_value = "")]
        owner: String,
        /// metrics, pipeline_by_tier, pipeline_by_type, pipeline_by_region,
        /// pipeline_by_stage, tiers or health.
        #[arg(long, default_value = "metrics")]
        table: String,
    },
    /// The open pipeline by quarter, forecast category, tier and partner, and the won deals,
    /// in the program currency (as the portal's /pipeline).
    Pipeline {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// One partner's pipeline (its id, or its display name exactly, any case) instead of
        /// the program's.
        #[arg(long)]
        partner: Option<String>,
    },
    /// A partner's scorecard: the eight quarters ending with `--quarter`, one row each (as
    /// the download on its scorecard page, with our columns).
    Scorecard {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// The partner's id, or its display name (exactly, any case).
        #[arg(long)]
        partner: String,
        /// The last quarter, e.g. 2026Q4 or 2026-Q4; this quarter when absent.
        #[arg(long, default_value = "")]
        quarter: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Csv,
    Xlsx,
}

#[derive(Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value = "csv")]
    format: ReportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub async fn run(what: ReportWhat) -> anyhow::Result<()> {
    match what {
        ReportWhat::Tracker {
            db,
            output,
            months,
            tier,
            sort,
            desc,
        } => {
            let services = open_for_cli(&db.database_url).await?;
            let query = services::tracker::TrackerQuery {
                months: Some(months),
                tier,
                sort,
                order: if desc { "desc" } else { "asc" }.into(),
                ..Default::default()
            };
            let table = services
                .tracker_table(&Actor::system("cli"), &query)
                .await
                .map_err(describe)?;
            write(&table, &output)
        }
        ReportWhat::Dashboard {
            db,
            output,
            quarter,
            tier,
            region,
            owner,
            table,
        } => {
            let services = open_for_cli(&db.database_url).await?;
            let which = services::dashboard::DashboardTable::parse(&table).map_err(describe)?;
            let query = services::dashboard::DashboardQuery {
                quarter,
                tier,
                region,
                owner,
            };
            let table = services
                .dashboard_table(&Actor::system("cli"), &query, which)
                .await
                .map_err(describe)?;
            write(&table, &output)
        }
        ReportWhat::Pipeline {
            db,
            output,
            partner,
        } => {
            let services = open_for_cli(&db.database_url).await?;
            let actor = Actor::system("cli");
            let partner_id = match partner {
                Some(name) => Some(partner_named(&services, &actor, &name).await?),
                None => None,
            };
            let table = services
                .pipeline_table(&actor, partner_id)
                .await
                .map_err(describe)?;
            write(&table, &output)
        }

        ReportWhat::Scorecard {
            db,
            output,
            partner,
            quarter,
        } => {
            let services = open_for_cli(&db.database_url).await?;
            let actor = Actor::system("cli");
            let partner_id = partner_named(&services, &actor, &partner).await?;
            let table = services
                .scorecard_table(&actor, partner_id, &quarter)
                .await
                .map_err(describe)?;
            write(&table, &output)
        }
    }
}

/// The partner `text` names: its id, or the one partner whose display name it is.
async fn partner_named(
    services: &services::Services,
    actor: &Actor,
    text: &str,
) -> anyhow::Result<uuid::Uuid> {
    if let Ok(id) = uuid::Uuid::parse_str(text.trim()) {
        return Ok(id);
    }
    let found = services
        .list_partners(
            actor,
            &services::partners::PartnerQuery {
                q: text.trim().into(),
                archived: true,
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .map_err(describe)?;
    let named: Vec<_> = found
        .items
        .iter()
        .filter(|p| p.display_name.eq_ignore_ascii_case(text.trim()))
        .collect();
    match named.as_slice() {
        [one] => Ok(one.id),
        [] => bail!("partner: no partner is named '{text}' (give its name exactly, or its id)"),
        several => bail!(
            "partner: {} partners are named '{text}'; give the id of one: {}",
            several.len(),
            several
                .iter()
                .map(|p| p.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn write(table: &Table, output: &OutputArgs) -> anyhow::Result<()> {
    let format = match output.format {
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Xlsx => Format::Xlsx,
    };
    let bytes = format.write(table).map_err(describe)?;
    match &output.output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "{}: {} row(s) written as {}",
                path.display(),
                table.rows.len(),
                format.extension()
            );
        }
        None => {
            let mut stdout = std::io::stdout();
            if matches!(format, Format::Xlsx) && stdout.is_terminal() {
                bail!(
                    "an XLSX workbook is not text: name a file with --output, e.g. --output tracker.xlsx"
                );
            }
            stdout.write_all(&bytes)?;
        }
    }
    Ok(())
}
