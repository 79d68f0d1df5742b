//! What a benchmark reports: percentiles of its timings.

use std::time::Duration;

/// Latency figures of one query shape.
#[derive(Debug, Clone)]
pub struct Timing {
    pub name: &'static str,
    pub p50: Duration,
    pub p99: Duration,
    pub rows: usize,
}

pub(super) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The process's resident memory in bytes (Linux; None elsewhere).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
