//! The figures people open first, timed on a generated book: each endpoint's first call on
//! a fresh connection pool (cold) and repeated calls (warm), by percentiles. An endpoint is
//! one line of [`ENDPOINTS`].

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::bench::measure::{Timing, percentile};
use crate::{Actor, Result, Services};

/// Whom the endpoints are asked for: an admin, and the partner the per-partner ones show.
pub struct Subject {
    pub actor: Actor,
    pub partner: Uuid,
}

type Call =
    for<'a> fn(&'a Services, &'a Subject) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// The endpoints timed, by name: one line each.
pub const ENDPOINTS: &[(&str, Call)] = &[
    ("pipeline, program-wide", |s, at| {
        Box::pin(async move { s.pipeline(&at.actor, None).await.map(drop) })
    }),
    ("pipeline, one partner", |s, at| {
        Box::pin(async move { s.pipeline(&at.actor, Some(at.partner)).await.map(drop) })
    }),
    ("dashboard, program-wide", |s, at| {
        Box::pin(async move {
            s.dashboard(&at.actor, &crate::dashboard::DashboardQuery::default())
                .await
                .map(drop)
        })
    }),
    ("partner home", |s, at| {
        Box::pin(async move { s.partner_home(&at.actor, at.partner).await.map(drop) })
    }),
    ("internal home", |s, at| {
        Box::pin(async move { s.home(&at.actor).await.map(drop) })
    }),
];

impl Services {
    /// An admin and the first partner of the book by name.
    pub async fn bench_subject(&self) -> Result<Subject> {
        let mut tx = self.db.read().await?;
        let first = store::partners::list(
            &mut tx,
            &store::partners::PartnerFilter {
                limit: 1,
                ..Default::default()
            },
        )
        .await?;
        let partner = first.first().ok_or(crate::Error::NotFound)?.id;
        Ok(Subject {
            actor: Actor::system("bench"),
            partner,
        })
    }

    /// Each endpoint's first call, in order (on a fresh pool: cold).
    pub async fn bench_first_calls(
        &self,
        subject: &Subject,
    ) -> Result<Vec<(&'static str, Duration)>> {
        let mut times = Vec::new();
        for (name, call) in ENDPOINTS {
            let started = Instant::now();
            call(self, subject).await?;
            times.push((*name, started.elapsed()));
        }
        Ok(times)
    }

    /// Each endpoint called `rounds` times after the first calls (warm).
    pub async fn bench_endpoints(&self, subject: &Subject, rounds: usize) -> Result<Vec<Timing>> {
        let mut timings = Vec::new();
        for (name, call) in ENDPOINTS {
            let mut times = Vec::with_capacity(rounds);
            for _ in 0..rounds.max(1) {
                let started = Instant::now();
                call(self, subject).await?;
                times.push(started.elapsed());
            }
            times.sort_unstable();
            timings.push(Timing {
                name,
                p50: percentile(&times, 0.50),
                p99: percentile(&times, 0.99),
                rows: times.len(),
            });
        }
        Ok(timings)
    }
}
