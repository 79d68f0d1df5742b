//! `partneros bench my-work` and `partneros bench sla-sweep`: work queues at volume on a
//! fresh database (a temporary SQLite file unless one is named).

use super::common::{describe, open_for_cli};

async fn on_fresh_database<F, Fut>(database_url: Option<String>, measure: F) -> anyhow::Result<()>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let temp = std::env::temp_dir().join(format!("partneros-bench-{}.db", uuid::Uuid::now_v7()));
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", temp.display()));
    let result = measure(url).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    result
}

/// "My work" (first page, every filter empty) for a person whose team holds `items` items.
pub async fn my_work(
    database_url: Option<String>,
    items: usize,
    rounds: usize,
) -> anyhow::Result<()> {
    on_fresh_database(database_url, |url| async move {
        let services = open_for_cli(&url).await?;
        let worker = services
            .generate_work_items(items, true)
            .await
            .map_err(describe)?;
        let timing = services
            .bench_my_work(&worker, rounds)
            .await
            .map_err(describe)?;
        println!(
            "my work, {items} open items in the worker's team, {rounds} calls: p50 {:.2?}, p99 {:.2?} ({} rows on the page)",
            timing.p50, timing.p99, timing.rows
        );
        Ok(())
    })
    .await
}

/// `runs` SLA sweeps over `items` open items spread over every team; the first sends the
/// warnings the generated ages call for, the others find them sent.
pub async fn sla_sweep(
    database_url: Option<String>,
    items: usize,
    runs: usize,
) -> anyhow::Result<()> {
    on_fresh_database(database_url, |url| async move {
        let services = open_for_cli(&url).await?;
        services
            .generate_work_items(items, false)
            .await
            .map_err(describe)?;
        for (i, (took, report)) in services
            .bench_sla_sweep(runs)
            .await
            .map_err(describe)?
            .into_iter()
            .enumerate()
        {
            println!(
                "sla sweep run {}: {took:.2?}, {} of {items} open items still to warn about ({} due-soon and {} breach warnings)",
                i + 1,
                report.checked,
                report.warned_due_soon,
                report.warned_breached
            );
        }
        Ok(())
    })
    .await
}
