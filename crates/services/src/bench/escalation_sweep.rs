//! The escalation sweep benchmark: generated cases in a mix of states and ages, swept once
//! with everything to do and again with nothing new.

use std::time::{Duration, Instant};

use domain::escalations::{Category, State, Urgency};
use domain::validation::Choice;
use store::escalations::{CaseRow, EntryRow};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use crate::escalations::SweepReport;
use crate::{Actor, Result, Services};

/// The instant the generated cases are aged from and swept at, so every run is the same.
pub const SWEPT_AT: OffsetDateTime = datetime!(2026-12-02 12:00 UTC);
const BATCH: usize = 5_000;
const PARTNERS: usize = 100;

/// Case `n`'s recorded history: the states it went through, hours after it was raised.
fn history(n: usize) -> &'static [(i64, State)] {
    match n % 10 {
        0..=3 => &[],
        4 | 5 => &[(1, State::Acknowledged), (2, State::InProgress)],
        6 => &[
            (1, State::Acknowledged),
            (2, State::InProgress),
            (3, State::WaitingOnPartner),
        ],
        7 => &[
            (1, State::Acknowledged),
            (2, State::InProgress),
            (3, State::Resolved),
        ],
        8 => &[
            (1, State::Acknowledged),
            (2, State::InProgress),
            (3, State::Resolved),
            (4, State::Closed),
        ],
        _ => &[(1, State::Acknowledged)],
    }
}

/// One sweep's time and what it did.
#[derive(Debug, Clone, Copy)]
pub struct SweepRun {
    pub took: Duration,
    pub report: SweepReport,
}

impl Services {
    /// Writes `count` generated escalation cases of 100 generated partners, raised 0–20 days
    /// before [`SWEPT_AT`], every urgency and category, four in ten open, one in ten closed;
    /// `progress` hears how many are written.
    pub async fn generate_escalation_cases(
        &self,
        count: usize,
        progress: impl Fn(usize),
    ) -> Result<()> {
        self.generate_partners(PARTNERS, false, |_| {}).await?;
        let system = Actor::system("bench");
        let query = crate::partners::PartnerQuery {
            limit: Some(PARTNERS as i64),
            ..Default::default()
        };
        let partners: Vec<Uuid> = self
            .list_partners(&system, &query)
            .await?
            .items
            .iter()
            .map(|p| p.id)
            .collect();
        let submitter = self
            .create_user(
                &system,
                &domain::users::NewUserInput {
                    email: format!("bench-{}@vendor.test", Uuid::now_v7()),
                    name: "Bench submitter".into(),
                    role: "partner_manager".into(),
                    partner_id: None,
                    password: "a bench password of some length".into(),
                },
            )
            .await?
            .id;
        let mut written = 0;
        while written < count {
            let mut tx = self.db.write().await?;
            for n in written..(written + BATCH).min(count) {
                let created_at = SWEPT_AT - time::Duration::hours((n % 480) as i64 + 1);
                let steps = history(n);
                let state = steps.last().map_or(State::Open, |(_, s)| *s);
                let row = CaseRow {
                    id: Uuid::now_v7(),
                    number: store::deals::next(&mut tx, "escalation_case").await?,
                    partner_id: partners[n % partners.len()],
                    submitted_by: submitter,
                    owner_id: None,
                    issue: format!("Generated case {n}"),
                    category: Category::ALL[n % Category::ALL.len()].as_str().into(),
                    urgency: Urgency::ALL[n % Urgency::ALL.len()].as_str().into(),
                    occurred_on: created_at.date(),
                    state: state.as_str().into(),
                    version: 1 + steps.len() as i64,
                    created_at,
                    updated_at: created_at,
                    deal_id: None,
                    conflict_outcome: None,
                };
                store::escalations::insert_case(&mut tx, &row).await?;
                for (hours, to) in steps {
                    let entry = EntryRow {
                        id: Uuid::now_v7(),
                        case_id: row.id,
                        kind: "state_change".into(),
                        body: String::new(),
                        state: Some(to.as_str().into()),
                        due_on: None,
                        done_at: None,
                        author_id: Some(submitter),
                        visible_to_partner: true,
                        at: created_at + time::Duration::hours(*hours),
                        sweep_mark: None,
                    };
                    store::escalations::insert_entry(&mut tx, &entry).await?;
                }
            }
            tx.commit().await?;
            written = (written + BATCH).min(count);
            progress(written);
        }
        self.db
            .refresh_statistics("escalation_cases, escalation_entries")
            .await?;
        Ok(())
    }

    /// Sweeps at [`SWEPT_AT`], timed.
    pub async fn bench_escalation_sweep(&self) -> Result<SweepRun> {
        let started = Instant::now();
        let report = self.sweep_escalations(SWEPT_AT).await?;
        Ok(SweepRun {
            took: started.elapsed(),
            report,
        })
    }
}
