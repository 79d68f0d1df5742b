//! `partneros check`: verifies what the database keeps as a cache against its sources.

use clap::Subcommand;

use super::common::{DbArgs, describe, open_for_cli};

#[derive(Subcommand)]
pub enum CheckWhat {
    /// Recomputes the pipeline's rollups from the registrations and lists every stored row
    /// that differs, by table and key; exit code 1 on any.
    Rollups {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Fails (exit code 1) when anything checked is wrong.
pub async fn run(what: CheckWhat) -> anyhow::Result<()> {
    match what {
        CheckWhat::Rollups { db } => {
            let services = open_for_cli(&db.database_url).await?;
            let started = std::time::Instant::now();
            let differences = services.check_rollups().await.map_err(describe)?;
            let elapsed = started.elapsed();
            for difference in &differences {
                println!("{difference}");
            }
            if !differences.is_empty() {
                anyhow::bail!(
                    "{} rollup row(s) differ from the registrations (checked in {elapsed:.2?})",
                    differences.len()
                );
            }
            println!("the pipeline's rollups match the registrations (checked in {elapsed:.2?})");
            Ok(())
        }
    }
}
