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
