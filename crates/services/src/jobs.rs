//! Scheduled and on-demand background work. Every server ticks the scheduler; the jobs table
//! makes each scheduled run happen once per period and each job run on one server only, and
//! the routines table does the same for the routine sweeps (`Routine`), which keep no job
//! rows. The
//! daily deal sweep (`Services::run_deal_sweep`) is put together here, above the features it
//! sweeps: registrations, leads, health scores and the forecast.

use domain::permissions::Action;
use domain::program::Cadence;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{Actor, Error, Page, PageRequest, Result, Services};

pub const EVALUATE_TIERS: &str = "evaluate_tiers";
/// How long a claimed job may run before another server takes it over.
const LEASE: Duration = Duration::minutes(15);
const MAX_ATTEMPTS: i64 = 3;

/// A job run as people read it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: Uuid,
    pub kind: String,
    /// queued, running, done or failed.
    pub status: String,
    pub requested_by: String,
    pub attempts: i64,
    /// What it did (done) or why it failed.
    pub result: String,
    pub error: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

impl From<store::jobs::JobRow> for JobView {
    fn from(row: store::jobs::JobRow) -> Self {
        JobView {
            id: row.id,
            kind: row.kind,
            status: row.status,
            requested_by: row.requested_by,
            attempts: row.attempts,
            result: row.result,
            error: row.error,
            created_at: row.created_at,
            finished_at: row.finished_at,
        }
    }
}

/// The scheduled run's key for the period `now` falls in, per the program's review cadence.
pub fn schedule_key(cadence: Cadence, now: OffsetDateTime) -> String {
    let date = now.date();
    let period = match cadence {
        Cadence::Daily => date.to_string(),
        Cadence::Weekly => {
            let (year, week, _) = date.to_iso_week_date();
            format!("{year}-W{week:02}")
        }
        Cadence::Monthly => format!("{}-{:02}", date.year(), u8::from(date.month())),
    };
    format!("{EVALUATE_TIERS}:{period}")
}

/// A routine sweep: every server's jobs loop offers to run it each tick, and it runs once per
/// period across all servers (`store::jobs::claim_routine`). Routine runs keep no job rows:
/// at one per five minutes they would bury the runs people look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routine {
    /// Work items' SLA warnings (`sweep_work_items`).
    WorkSweep,
    /// Escalation cases' warnings, ladder steps and auto-closes (`sweep_escalations`).
    EscalationSweep,
    /// Each person's daily digest, in their own morning (`send_mail_digest`).
    MailDigest,
}

impl Routine {
    pub const ALL: [Routine; 3] = [
        Routine::WorkSweep,
        Routine::EscalationSweep,
        Routine::MailDigest,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Routine::WorkSweep => WORK_SWEEP,
            Routine::EscalationSweep => crate::escalations::ESCALATION_SWEEP,
            Routine::MailDigest => crate::mail::MAIL_DIGEST,
        }
    }

    /// Minutes per period: SLA warnings and escalations are due by the hour, so a few
    /// minutes' lateness is close enough and each sweep reads every open record; digests
    /// leave from a person's 07:00, so an hour is fine-grained enough.
    fn minutes(self) -> u8 {
        match self {
            Routine::WorkSweep | Routine::EscalationSweep => 5,
            Routine::MailDigest => 60,
        }
    }

    /// The period `now` falls in, as a key that sorts in time order (UTC).
    pub fn period(self, now: OffsetDateTime) -> String {
        let now = now.to_offset(time::UtcOffset::UTC);
        let minute = now.minute() / self.minutes() * self.minutes();
        format!("{}T{:02}:{minute:02}", now.date(), now.hour())
    }
}

pub const WORK_SWEEP: &str = "work_sweep";

/// One routine run this server did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutineRun {
    pub routine: Routine,
    /// What it did, or why it failed.
    pub outcome: std::result::Result<String, String>,
    /// Whether it told anyone anything (a warning, a step, a digest).
    pub acted: bool,
}

impl Services {
    /// Queues this period's scheduled tier evaluation, today's certification expiry run,
    /// deal registration sweep and internal survey round, unless they are queued already;
    /// returns whether the tier evaluation was queued.
    pub async fn schedule_jobs(&self, now: OffsetDateTime) -> Result<bool> {
        let (_, program) = self.program_in_force().await?;
        let key = schedule_key(program.review.evaluation, now);
        let expiry_key = format!("{}:{}", crate::enablement::CERTIFICATION_EXPIRY, now.date());
        let mut tx = self.db.write().await?;
        let queued =
            store::jobs::enqueue(&mut tx, EVALUATE_TIERS, &key, now, "schedule", now).await?;
        store::jobs::enqueue(
            &mut tx,
            crate::enablement::CERTIFICATION_EXPIRY,
            &expiry_key,
            now,
            "schedule",
            now,
        )
        .await?;
        let sweep_key = format!("{}:{}", crate::deals::DEAL_SWEEP, now.date());
        store::jobs::enqueue(
            &mut tx,
            crate::deals::DEAL_SWEEP,
            &sweep_key,
            now,
            "schedule",
            now,
        )
        .await?;
        let survey_key = format!("{}:{}", crate::internal_nps::INTERNAL_NPS_ROUND, now.date());
        store::jobs::enqueue(
            &mut tx,
            crate::internal_nps::INTERNAL_NPS_ROUND,
            &survey_key,
            now,
            "schedule",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// Claims and runs due jobs one at a time until none is left; returns how many ran.
    pub async fn run_due_jobs(&self, now: OffsetDateTime) -> Result<usize> {
        let mut ran = 0;
        loop {
            let mut tx = self.db.write().await?;
            let claimed = store::jobs::claim(&mut tx, now, now + LEASE).await?;
            tx.commit().await?;
            let Some(job) = claimed else {
                return Ok(ran);
            };
            ran += 1;
            let outcome = match job.kind.as_str() {
                EVALUATE_TIERS => {
                    let actor = Actor::system(&format!("tier evaluation, {}", job.requested_by));
                    self.evaluate_all_tiers(&actor)
                        .await
                        .map(|summary| summary.to_string())
                }
                crate::enablement::CERTIFICATION_EXPIRY => {
                    self.run_certification_expiry(&Actor::system("certification expiry"))
                        .await
                }
                crate::deals::DEAL_SWEEP => {
                    self.run_deal_sweep(&Actor::system("deal registration sweep"))
                        .await
                }
                crate::internal_nps::INTERNAL_NPS_ROUND => self.open_due_internal_nps_round().await,
                other => Err(Error::Conflict(format!("unknown job kind '{other}'"))),
            };
            let finished = store::now();
            let mut tx = self.db.write().await?;
            match outcome {
                Ok(result) => store::jobs::finish(&mut tx, job.id, &result, finished).await?,
                Err(e) => {
                    tracing::error!(job = %job.id, kind = %job.kind, error = %e, "job failed");
                    let retry = (job.attempts < MAX_ATTEMPTS)
                        .then(|| finished + Duration::minutes(5 * job.attempts));
                    store::jobs::fail(&mut tx, job.id, &e.to_string(), retry, finished).await?;
                }
            }
            tx.commit().await?;
        }
    }

    /// Runs each routine whose period at `now` no server has claimed yet; returns the runs
    /// this server did. A failed run is not retried within its period: the next period's run
    /// catches up, as every routine sweeps all it owes.
    pub async fn run_routines(&self, now: OffsetDateTime) -> Result<Vec<RoutineRun>> {
        let mut runs = Vec::new();
        for routine in Routine::ALL {
            let period = routine.period(now);
            let mut tx = self.db.write().await?;
            let claimed = store::jobs::claim_routine(&mut tx, routine.name(), &period, now).await?;
            tx.commit().await?;
            if !claimed {
                continue;
            }
            let outcome = match routine {
                Routine::WorkSweep => self.sweep_work_items(now).await.map(|run| {
                    let acted = run.warned_due_soon + run.warned_breached > 0;
                    let text = format!(
                        "{} open work item(s) swept: {} due-soon warning(s), {} breach warning(s)",
                        run.checked, run.warned_due_soon, run.warned_breached
                    );
                    (text, acted)
                }),
                Routine::EscalationSweep => self.sweep_escalations(now).await.map(|report| {
                    let acted = report.warned + report.escalated + report.closed > 0;
                    (report.to_string(), acted)
                }),
                Routine::MailDigest => self
                    .send_mail_digest(now)
                    .await
                    .map(|run| (run.to_string(), run.digests > 0)),
            };
            let (outcome, acted) = match outcome {
                Ok((text, acted)) => (Ok(text), acted),
                Err(e) => (Err(e.to_string()), false),
            };
            let (result, error) = match &outcome {
                Ok(text) => (text.as_str(), ""),
                Err(e) => ("", e.as_str()),
            };
            let mut tx = self.db.write().await?;
            store::jobs::finish_routine(
                &mut tx,
                routine.name(),
                &period,
                result,
                error,
                store::now(),
            )
            .await?;
            tx.commit().await?;
            runs.push(RoutineRun {
                routine,
                outcome,
                acted,
            });
        }
        Ok(runs)
    }

    /// Runs the tier evaluation now, on behalf of `actor`, through the jobs table (so it is
    /// listed with the scheduled runs), and returns the finished job.
    pub async fn run_tier_evaluation_now(&self, actor: &Actor) -> Result<JobView> {
        actor.require(Action::RunTierProgram)?;
        let now = store::now();
        let key = format!("{EVALUATE_TIERS}:manual:{}", Uuid::now_v7());
        let mut tx = self.db.write().await?;
        store::jobs::enqueue(&mut tx, EVALUATE_TIERS, &key, now, &actor.label, now).await?;
        tx.commit().await?;
        self.run_due_jobs(now).await?;
        let mut tx = self.db.read().await?;
        let job = store::jobs::recent(&mut tx, EVALUATE_TIERS, None, 20)
            .await?
            .into_iter()
            .find(|j| j.dedup_key == key)
            .ok_or(Error::NotFound)?;
        Ok(job.into())
    }

    /// Tier evaluation runs, newest first. Internal users only.
    pub async fn tier_evaluation_runs(
        &self,
        actor: &Actor,
        page: &PageRequest<(OffsetDateTime, Uuid)>,
    ) -> Result<Page<JobView>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let jobs = store::jobs::recent(&mut tx, EVALUATE_TIERS, page.after, page.limit).await?;
        Ok(page
            .page(jobs, |job| (job.created_at, job.id))
            .map(JobView::from))
    }
}

impl Services {
    /// The daily deal sweep: the registrations' part (`deals::sweep`: protections that ended
    /// expire or are warned about, undecided registrations past their SLA are flagged), then
    /// leads past their acceptance SLA are flagged, every partner's health score is recorded for the day, and on a quarter's
    /// last day the forecast snapshot is taken.
    pub async fn run_deal_sweep(&self, actor: &Actor) -> Result<String> {
        let now = store::now();
        let today = now.date();
        let (expired, warned, overdue) = self.sweep_registrations(actor, now).await?;
        let late_leads = self.flag_overdue_leads(actor).await?;
        let health = self.recompute_health(today).await?;
        let quarter = domain::quarter::Quarter::containing(today);
        let snapshot = if today == quarter.last_day()
            && !self
                .forecast_snapshots(actor, &PageRequest::first(1))
                .await?
                .items
                .iter()
                .any(|s| s.taken_on == today.to_string())
        {
            self.take_forecast_snapshot(actor).await?;
            format!(", the {quarter} forecast snapshot taken")
        } else {
            String::new()
        };
        Ok(format!(
            "{expired} protection(s) expired, {warned} expiry warning(s), {overdue} overdue decision(s) flagged, {late_leads} overdue lead(s) flagged, {health} health score(s) recorded{snapshot}"
        ))
    }
}
