//! `partneros import rates FILE [--dry-run]`: exchange rates into the program currency.

use anyhow::{Context, bail};
use services::Actor;

use super::common::{describe, open_for_cli};

/// Imports a rates file (all or nothing) and prints every problem as FILE:LINE: column:
/// message, or what was (or, in a dry run, would be) stored.
pub(crate) async fn import_rates(
    url: &str,
    file: &std::path::Path,
    dry_run: bool,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let services = open_for_cli(url).await?;
    let report = services
        .import_rates(&Actor::system("cli"), &text, dry_run)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), describe(e)))?;
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
        "{}: {verb} {} rate(s): {} new, {} replacing one stored",
        file.display(),
        report.rows,
        report.created,
        report.updated
    );
    Ok(())
}
