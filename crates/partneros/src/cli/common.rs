//! What every command shares: the database flag, opening the services, errors as messages.

use anyhow::Context;
use clap::Args;
use services::Services;

#[derive(Args)]
pub struct DbArgs {
    /// sqlite://FILE (created when missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "PARTNEROS_DATABASE_URL",
        default_value = "sqlite://partneros.db"
    )]
    pub database_url: String,
}

pub async fn connect(url: &str) -> anyhow::Result<store::Db> {
    store::Db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {url}"))
}

pub async fn open_for_cli(url: &str) -> anyhow::Result<Services> {
    partneros::startup::open(url, services::Config::default()).await
}

/// Turns a service error into a message naming the field at fault.
pub fn describe(err: services::Error) -> anyhow::Error {
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

/// A progress bar over the data rows of a CSV text.
pub fn rows_bar(text: &str) -> indicatif::ProgressBar {
    let rows = text.lines().count().saturating_sub(1) as u64;
    indicatif::ProgressBar::new(rows).with_style(
        indicatif::ProgressStyle::with_template(
            "writing {bar:40} {pos}/{len} rows ({per_sec}, {eta} left)",
        )
        .expect("a valid template"),
    )
}
