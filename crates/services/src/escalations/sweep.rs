//! The escalation sweep, run by the background jobs every few minutes over the open cases:
//! the owner is warned once per target due soon, a breached case climbs the escalation ladder
//! one recorded step at a time (a step whose title only the case's owner holds is recorded
//! as "already with the owner" and tells nobody new; whom each step reached is recorded with
//! it, `escalation_step_reached`, for "My work"), and a resolution the partner leaves
//! unanswered closes by itself. The decisions are `domain::escalations`' (`warnings_due`, `step_due`,
//! `auto_close_due`); each act is one transaction, written conditionally so that of two
//! racing sweeps only one records, notifies and audits it.

use domain::alignment::BusinessCalendar;
use domain::escalations::{self, Category, EntryKind, Reach, SlaTarget, State, Urgency};
use domain::program::Program;
use domain::roles::Role;
use domain::validation::Choice;
use store::escalations::{CaseRow, EntryRow, SweepEntryRow};
use time::OffsetDateTime;
use uuid::Uuid;

use super::cases::{Told, tell_and_record};
use super::paths::PARTNER_MANAGER;
use super::state::{Log, read_log};
use super::views::{calendar, state_of, step_mark, step_taken};
use crate::notifications::partner_team;
use crate::{Actor, Error, Result, Services};

pub const ESCALATION_SWEEP: &str = "escalation_sweep";
/// Cases read per batch.
const BATCH: i64 = 500;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SweepReport {
    /// Open cases looked at.
    pub cases: usize,
    /// "Due soon" warnings sent to owners.
    pub warned: usize,
    /// Steps of the ladder taken.
    pub escalated: usize,
    /// Resolutions closed after the partner's silence.
    pub closed: usize,
}

impl std::fmt::Display for SweepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} open escalation case(s) swept: {} due-soon warning(s), {} escalation step(s), {} closed after the partner's silence",
            self.cases, self.warned, self.escalated, self.closed
        )
    }
}

/// What the sweep owes one case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Act {
    Warn(SlaTarget),
    Escalate {
        step: u8,
        holder: String,
        topic_executive: Option<String>,
    },
    Close {
        after_days: u32,
    },
}

fn warning_mark(target: SlaTarget) -> String {
    format!("due_soon:{}", target.as_str())
}

/// What the sweep owes `row` at `now`, from its log.
fn acts(
    row: &CaseRow,
    log: &Log,
    program: &Program,
    calendar: &BusinessCalendar,
    now: OffsetDateTime,
) -> Result<Vec<Act>> {
    let state = state_of(row)?;
    let slas = &program.policies.slas;
    if state == State::Resolved {
        let resolved_at = log.changes.last().map_or(row.updated_at, |c| c.at);
        let close = escalations::auto_close_due(
            resolved_at,
            log.partner_last_wrote,
            now,
            slas.escalation_auto_close_days,
        );
        let after_days = slas.escalation_auto_close_days;
        return Ok(if close {
            vec![Act::Close { after_days }]
        } else {
            Vec::new()
        });
    }
    let corrupt = |what: &str, value: &str| {
        Error::Store(store::Error::Corrupt(format!(
            "escalation {what} '{value}'"
        )))
    };
    let urgency = Urgency::parse(&row.urgency).ok_or_else(|| corrupt("urgency", &row.urgency))?;
    let category =
        Category::parse(&row.category).ok_or_else(|| corrupt("category", &row.category))?;
    let view = escalations::sla_view(row.created_at, urgency, &log.changes, slas, calendar, now);
    let mut acts: Vec<Act> = escalations::warnings_due(&view)
        .into_iter()
        .filter(|target| !log.marks.contains(&warning_mark(*target)))
        .map(Act::Warn)
        .collect();
    let paths = &program.policies.escalation_paths;
    if let Some(target) =
        escalations::step_due(&view, step_taken(&log.marks), paths, slas, category)
    {
        acts.push(Act::Escalate {
            step: target.step,
            holder: target.holder.to_owned(),
            topic_executive: target.topic_executive.map(str::to_owned),
        });
    }
    Ok(acts)
}

impl Services {
    /// Sweeps every open case at `now` (see the module's description).
    pub async fn sweep_escalations(&self, now: OffsetDateTime) -> Result<SweepReport> {
        let (_, program) = self.program_in_force().await?;
        let calendar = calendar(&program)?;
        let mut report = SweepReport::default();
        let mut after = None;
        loop {
            let mut tx = self.db.read().await?;
            let rows = store::escalations::open_cases(&mut tx, after, BATCH).await?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let entries = store::escalations::sweep_entries(&mut tx, &ids).await?;
            drop(tx);
            report.cases += rows.len();
            for row in &rows {
                let own: Vec<&SweepEntryRow> =
                    entries.iter().filter(|e| e.case_id == row.id).collect();
                for act in acts(row, &read_log(&own)?, &program, &calendar, now)? {
                    if self.act(row, &act, now).await? {
                        match act {
                            Act::Warn(_) => report.warned += 1,
                            Act::Escalate { .. } => report.escalated += 1,
                            Act::Close { .. } => report.closed += 1,
                        }
                    }
                }
            }
            after = rows.last().map(|r| r.id);
            if (rows.len() as i64) < BATCH {
                return Ok(report);
            }
        }
    }

    /// Does one act in its own transaction; false when another sweep or person came first.
    async fn act(&self, read: &CaseRow, act: &Act, now: OffsetDateTime) -> Result<bool> {
        let actor = Actor::system("escalation sweep");
        let mut tx = self.db.write().await?;
        let Some(row) = store::escalations::case_by_id(&mut tx, read.id).await? else {
            return Ok(false);
        };
        // Somebody moved the case since it was read: the next sweep decides again.
        if row.version != read.version {
            return Ok(false);
        }
        let reference = escalations::reference(row.number);
        let done = match act {
            Act::Warn(target) => {
                let body = format!("{} due soon: the owner was told", target.label());
                let warning = warning_mark(*target);
                if mark(&mut tx, &row, EntryKind::SlaWarning, body, warning, now)
                    .await?
                    .is_none()
                {
                    return Ok(false);
                }
                let message = format!("{reference}: {} due soon", target.label().to_lowercase());
                let told = Told {
                    people: partner_team(&mut tx, row.owner_id).await?,
                    message: &message,
                };
                tell_and_record(
                    &mut tx,
                    &actor,
                    &row,
                    told,
                    "sla_warning",
                    message.clone(),
                    now,
                )
                .await
            }
            Act::Escalate {
                step,
                holder,
                topic_executive,
            } => {
                let mut reached = vec![holders(&mut tx, &row, holder).await?];
                if let Some(executive) = topic_executive {
                    reached.push(holders(&mut tx, &row, executive).await?);
                }
                let mut named = Vec::new();
                let mut people = Vec::new();
                for title in reached {
                    match escalations::reach(&title.people, row.owner_id) {
                        Reach::AlreadyWithOwner => {
                            named.push(format!("{}, already with the owner", title.named));
                        }
                        Reach::Tell(new) => {
                            named.push(title.named);
                            people.extend(new);
                        }
                    }
                }
                let body = format!("Escalated to {}", named.join(" and "));
                let kind = EntryKind::Escalated;
                let Some(step_entry) =
                    mark(&mut tx, &row, kind, body.clone(), step_mark(*step), now).await?
                else {
                    return Ok(false);
                };
                // Whom the step reached, beside its entry: what "My work" lists as escalated.
                store::escalations::insert_reached(&mut tx, step_entry, &people).await?;
                let message = format!("{reference} escalated to you (step {step} of 3)");
                let told = Told {
                    people,
                    message: &message,
                };
                let summary = format!("{reference}: {}", body.to_lowercase());
                tell_and_record(&mut tx, &actor, &row, told, "escalate", summary, now).await
            }
            Act::Close { after_days: days } => {
                let mut closed = row.clone();
                closed.state = State::Closed.as_str().into();
                closed.updated_at = now;
                match store::escalations::change_state(&mut tx, &closed, &row).await {
                    Err(store::Error::Changed(_)) => return Ok(false),
                    other => other?,
                }
                let body = format!(
                    "Closed by PartnerOS: the resolution had no reply from the partner in {days} days"
                );
                let entry = entry(&row, EntryKind::StateChange, body, None, now);
                store::escalations::insert_entry(
                    &mut tx,
                    &EntryRow {
                        state: Some(State::Closed.as_str().into()),
                        ..entry
                    },
                )
                .await?;
                let message = format!("{reference}: closed after {days} days without a reply");
                let told = Told {
                    people: vec![row.submitted_by],
                    message: &message,
                };
                tell_and_record(
                    &mut tx,
                    &actor,
                    &row,
                    told,
                    "auto_close",
                    message.clone(),
                    now,
                )
                .await
            }
        };
        done?;
        tx.commit().await?;
        Ok(true)
    }
}

/// A line of the log written by the system.
fn entry(
    row: &CaseRow,
    kind: EntryKind,
    body: String,
    sweep_mark: Option<String>,
    at: OffsetDateTime,
) -> EntryRow {
    EntryRow {
        id: Uuid::now_v7(),
        case_id: row.id,
        kind: kind.as_str().into(),
        body,
        state: None,
        due_on: None,
        done_at: None,
        author_id: None,
        visible_to_partner: kind.visible_to_partner(),
        at,
        sweep_mark,
    }
}

/// Records the sweep's `mark` on the case once: the entry's id, None when it was recorded
/// already.
async fn mark(
    tx: &mut store::Write,
    row: &CaseRow,
    kind: EntryKind,
    body: String,
    mark: String,
    at: OffsetDateTime,
) -> Result<Option<Uuid>> {
    let entry = entry(row, kind, body, Some(mark), at);
    let written = store::escalations::insert_marked_entry(tx, &entry).await?;
    Ok(written.then_some(entry.id))
}

/// The people a title reaches on a case, and how the log names them.
struct Holders {
    people: Vec<Uuid>,
    /// "Alliances lead (Ana Diaz)", or "Alliances lead (unfilled: the administrators …)".
    named: String,
}

/// Who holds `title` for the case: the partner's manager for "partner_manager", the person
/// named on the escalation paths page for any other title; a title nobody (active) holds
/// falls to the administrators.
async fn holders(tx: &mut store::Write, row: &CaseRow, title: &str) -> Result<Holders> {
    let holder = if title == PARTNER_MANAGER {
        match store::partners::get(tx, row.partner_id)
            .await?
            .and_then(|p| p.owner_id)
        {
            Some(owner) => store::users::get(tx, owner).await?,
            None => None,
        }
    } else {
        match store::escalation_paths::holder(tx, title).await? {
            Some(user) => store::users::get(tx, user).await?,
            None => None,
        }
    };
    let label = escalations::title_label(title);
    Ok(match holder.filter(|u| u.disabled_at.is_none()) {
        Some(user) => Holders {
            people: vec![user.id],
            named: format!("{label} ({})", user.name),
        },
        None => {
            let admins = store::users::active_with_role(tx, Role::Admin, None).await?;
            let names: Vec<&str> = admins.iter().map(|u| u.name.as_str()).collect();
            Holders {
                named: format!(
                    "{label} (unfilled: the administrators {})",
                    names.join(", ")
                ),
                people: admins.iter().map(|u| u.id).collect(),
            }
        }
    })
}
