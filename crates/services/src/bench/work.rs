//! Work items at volume: a generated queue (deterministic: the same kinds, teams and ages
//! for the same count), "My work" for a person whose team holds it, and the SLA sweep.

use std::time::{Duration, Instant};

use domain::validation::Choice;
use domain::work::{Warned, WorkKind};
use uuid::Uuid;

use super::measure::{Timing, percentile};
use crate::work::{MyWorkQuery, WorkSweep};
use crate::{Actor, Result, Services};

impl Services {
    /// Writes `items` open work items about one generated partner, the `i`-th opened `i`
    /// minutes before now and of the `i % 3`-th kind; in the sales queue when `one_team`
    /// (the worker's team), else spread over every team. Returns the worker, a sales user on
    /// the sales team.
    pub async fn generate_work_items(&self, items: usize, one_team: bool) -> Result<Actor> {
        self.generate_partners(1, false, |_| {}).await?;
        let system = Actor::system("bench");
        let input = domain::users::NewUserInput {
            email: "bench-worker@vendor.test".into(),
            name: "Bench worker".into(),
            role: "sales".into(),
            partner_id: None,
            password: "a long enough bench password".into(),
        };
        let worker = Actor::from_user(&self.create_user(&system, &input).await?);
        let now = store::now();
        let mut tx = self.db.write().await?;
        let (partner_id,): (Uuid,) = tx
            .one(store::Sql::new(
                "SELECT id FROM partners ORDER BY id LIMIT 1",
            ))
            .await?;
        let worker_id = worker.user_id.expect("a created user has an id");
        store::teams::add_member(&mut tx, "sales", worker_id, "bench", now).await?;
        for i in 0..items {
            let kind = WorkKind::ALL[i % WorkKind::ALL.len()];
            let team = if one_team {
                "sales"
            } else {
                domain::teams::ALL[i % domain::teams::ALL.len()].key()
            };
            let row = store::work::ItemRow {
                id: Uuid::now_v7(),
                kind: kind.as_str().into(),
                source_id: Uuid::from_u128(i as u128 + 1),
                partner_id,
                title: format!("Generated work {i}"),
                team: team.into(),
                assignee_id: None,
                warned: Warned::Nothing.as_str().into(),
                version: 0,
                created_at: now - time::Duration::minutes(i as i64),
                closed_at: None,
                closed_by: None,
            };
            store::work::insert(&mut tx, &row).await?;
        }
        tx.commit().await?;
        Ok(worker)
    }

    /// Server time of the first page of "My work" for `worker`, `rounds` times.
    pub async fn bench_my_work(&self, worker: &Actor, rounds: usize) -> Result<Timing> {
        let mut times: Vec<Duration> = Vec::with_capacity(rounds);
        let mut rows = 0;
        for _ in 0..rounds.max(1) {
            let started = Instant::now();
            rows = self
                .my_work(worker, &MyWorkQuery::default())
                .await?
                .items
                .len();
            times.push(started.elapsed());
        }
        times.sort();
        Ok(Timing {
            name: "my_work",
            p50: percentile(&times, 0.50),
            p99: percentile(&times, 0.99),
            rows,
        })
    }

    /// `runs` SLA sweeps, each timed with what it did.
    pub async fn bench_sla_sweep(&self, runs: usize) -> Result<Vec<(Duration, WorkSweep)>> {
        let mut results = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let report = self.sweep_work_items(store::now()).await?;
            results.push((started.elapsed(), report));
        }
        Ok(results)
    }
}
