//! Versions of the partner program: checking and activating program.toml, and which version
//! is in force. A file with errors is never stored.

use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};
use domain::FieldError;
use domain::alignment::BusinessCalendar;
use domain::permissions::Action;
use domain::program::{self, Program, Severity};
use std::sync::Arc;
use store::program::ProgramVersionRow;
use uuid::Uuid;

/// A stored program version, with what changed since the one before it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProgramVersion {
    /// 1, 2, 3, …; version 0 is the shipped default, in force until the first is activated.
    pub version: i64,
    pub note: String,
    pub author: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub effective_from: time::OffsetDateTime,
    pub source: String,
    /// Unified diff against the previous version (or the shipped default).
    pub diff: String,
    /// Warnings the checker raised (a version with errors cannot exist).
    pub warnings: Vec<String>,
}

/// The calendar of `[business_hours]`: working days and hours, holidays, the zone. A checked
/// program always has one; a stored program that does not is corrupt.
pub(crate) fn business_calendar(program: &Program) -> Result<BusinessCalendar> {
    let hours = &program.policies.business_hours;
    BusinessCalendar::from_hours(hours)
        .ok_or_else(|| crate::convert::corrupt("business hours of the program", &hours.time_zone))
}

fn warnings_of(source: &str) -> Vec<String> {
    program::parse(source)
        .1
        .iter()
        .filter(|i| i.severity == Severity::Warning)
        .map(ToString::to_string)
        .collect()
}

fn to_version(row: ProgramVersionRow, previous_source: &str) -> ProgramVersion {
    ProgramVersion {
        version: row.version,
        diff: program::diff(previous_source, &row.source),
        warnings: warnings_of(&row.source),
        note: row.note,
        author: row.author_label,
        created_at: row.created_at,
        effective_from: row.effective_from,
        source: row.source,
    }
}

/// Every error of a program file as field errors naming its line, for forms and the API.
pub(crate) fn check(source: &str) -> Result<Program> {
    let (program, issues) = program::parse(source);
    program.ok_or_else(|| {
        Error::Invalid(
            issues
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .map(|i| FieldError {
                    field: "source".into(),
                    message: format!(
                        "line {}, column {}: {} (fix: {})",
                        i.line, i.column, i.message, i.fix
                    ),
                })
                .collect(),
        )
    })
}

impl Services {
    /// Checks and stores a new program version, in force from `effective_from`
    /// (YYYY-MM-DD, UTC; empty means now). Admins only.
    pub async fn apply_program(
        &self,
        actor: &Actor,
        source: &str,
        effective_from: &str,
        note: &str,
    ) -> Result<ProgramVersion> {
        actor.require(Action::ActivateProgram)?;
        let mut v = domain::Validation::new();
        let note = v.text("note", note, false, 500);
        let now = store::now();
        let effective = match effective_from.trim() {
            "" => Some(now),
            text => match domain::validation::date(text) {
                Ok(date) if date < now.date() => {
                    v.add("effective_from", "cannot be in the past");
                    None
                }
                Ok(date) if date == now.date() => Some(now),
                Ok(date) => Some(date.midnight().assume_utc()),
                Err(e) => {
                    v.add("effective_from", e);
                    None
                }
            },
        };
        v.into_result().map_err(Error::Invalid)?;
        let program = check(source)?;
        let mut tx = self.db.write().await?;
        let orphaned: Vec<FieldError> = store::partners::tier_counts(&mut tx)
            .await?
            .into_iter()
            .filter(|(key, _)| program.tier_index(key).is_none())
            .map(|(key, n)| FieldError {
                field: "source".into(),
                message: format!(
                    "{n} partner(s) hold tier '{key}', which this program does not define; keep the key (rename the tier with `name`) or move those partners first"
                ),
            })
            .collect();
        if !orphaned.is_empty() {
            return Err(Error::Invalid(orphaned));
        }
        let previous = store::program::latest_version_number(&mut tx).await?;
        let previous_source = match store::program::get(&mut tx, previous).await? {
            Some(row) => row.source,
            None => program::DEFAULT_PROGRAM.to_owned(),
        };
        let row = ProgramVersionRow {
            id: Uuid::now_v7(),
            version: previous + 1,
            source: source.to_owned(),
            note: note.clone(),
            author_id: actor.user_id,
            author_label: actor.label.clone(),
            created_at: now,
            effective_from: effective.expect("validated"),
        };
        store::program::insert(&mut tx, &row).await?;
        let version = to_version(row, &previous_source);
        let change = Change {
            partner_id: None,
            entity_type: "program",
            entity_id: Uuid::now_v7(),
            action: "activated",
            summary: format!(
                "Program version {} stored, in force from {}{}",
                version.version,
                version.effective_from.date(),
                if note.is_empty() {
                    String::new()
                } else {
                    format!(": {note}")
                }
            ),
            before: None,
            after: Some(serde_json::json!({ "version": version.version, "diff": version.diff })),
        };
        record(&mut tx, actor, now, change).await?;
        tx.commit().await?;
        self.in_force.forget();
        Ok(version)
    }

    /// Versions, newest first, each with its diff. Internal users only.
    pub async fn program_versions(
        &self,
        actor: &Actor,
        page: &PageRequest<i64>,
    ) -> Result<Page<ProgramVersion>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        // One version more than the page: the last one's diff is against it.
        let rows = store::program::list(&mut tx, page.after, page.limit.saturating_add(1)).await?;
        drop(tx);
        let mut versions = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate().take(page.limit as usize) {
            let previous = rows
                .get(i + 1)
                .map(|r| r.source.as_str())
                .unwrap_or(program::DEFAULT_PROGRAM);
            versions.push(to_version(row.clone(), previous));
        }
        Ok(page.page(versions, |v| v.version))
    }

    /// How many partners sit in each tier of the program in force, lowest tier first.
    pub async fn tier_distribution(&self, actor: &Actor) -> Result<Vec<(String, i64)>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let counts = store::partners::tier_counts(&mut tx).await?;
        drop(tx);
        Ok(program
            .tiers
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    counts
                        .iter()
                        .find(|(key, _)| *key == t.key)
                        .map_or(0, |(_, n)| *n),
                )
            })
            .collect())
    }

    /// The program in force now and its version number (0 = the shipped default).
    pub async fn program_in_force(&self) -> Result<(i64, Arc<Program>)> {
        if let Some(version) = self.in_force.recall()
            && let Some(program) = self.cached_program(version)
        {
            return Ok((version, program));
        }
        let mut tx = self.db.read().await?;
        let version = store::program::in_force_version(&mut tx, store::now()).await?;
        self.in_force.remember(version);
        if let Some(program) = self.cached_program(version) {
            return Ok((version, program));
        }
        let source = match version {
            0 => program::DEFAULT_PROGRAM.to_owned(),
            n => {
                store::program::get(&mut tx, n)
                    .await?
                    .ok_or(Error::NotFound)?
                    .source
            }
        };
        drop(tx);
        let program = Arc::new(program::parse(&source).0.ok_or_else(|| {
            Error::Store(store::Error::Corrupt(format!(
                "program version {version} no longer parses"
            )))
        })?);
        self.programs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(version, program.clone());
        Ok((version, program))
    }

    fn cached_program(&self, version: i64) -> Option<Arc<Program>> {
        self.programs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&version)
            .cloned()
    }
}

// ---- where a partner stands: filled by `Services::evaluate_partner` (`crate::tiers::report`) ----

/// One criterion of the tier a partner is working towards.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CriterionView {
    pub criterion: String,
    pub required: String,
    pub actual: String,
    pub met: bool,
}

/// Where a partner stands in the program, and why (`Services::evaluate_partner`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TierReport {
    /// The program version used (0 = the shipped default).
    pub program_version: i64,
    /// The quarter evaluated, on its trailing four quarters (e.g. "2026-Q4").
    pub quarter: String,
    pub current_tier: String,
    /// The highest tier whose entry criteria the partner meets today.
    pub qualifies_for: Option<String>,
    /// Whether the partner meets the keep criteria of its current tier.
    pub keeps_current_tier: bool,
    pub next_tier: Option<String>,
    /// What it takes to reach the next tier, in words.
    pub gap: Option<String>,
    /// The next tier's criteria (the top tier's when there is none above).
    pub criteria: Vec<CriterionView>,
    /// What the current tier gives the partner: (benefit, value).
    pub benefits: Vec<(String, String)>,
    /// Why the partner keeps no benefits (archived or exited), if so.
    pub out_of_program: Option<String>,
    /// The figures read with where each came from, e.g. "3 certified people, 1 advanced
    /// (records)", "revenue $120,000 in 12 months (won deals)"; the IPP score's only for us.
    pub sources: Vec<String>,
}

/// Which program version is in force, remembered for a moment: every request reads the
/// program, and versions change rarely. Activating a version takes effect at once in this
/// process, and within this time on other servers and at a future version's effective time.
const IN_FORCE_MEMORY: std::time::Duration = std::time::Duration::from_secs(1);

/// The version in force, remembered for `IN_FORCE_MEMORY` (moka expires it).
pub(crate) struct InForce(moka::sync::Cache<(), i64>);

impl Default for InForce {
    fn default() -> Self {
        InForce(
            moka::sync::Cache::builder()
                .max_capacity(1)
                .time_to_live(IN_FORCE_MEMORY)
                .build(),
        )
    }
}

impl std::fmt::Debug for InForce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("InForce").field(&self.0.get(&())).finish()
    }
}

impl InForce {
    fn recall(&self) -> Option<i64> {
        self.0.get(&())
    }

    fn remember(&self, version: i64) {
        self.0.insert((), version);
    }

    fn forget(&self) {
        self.0.invalidate(&());
    }
}
