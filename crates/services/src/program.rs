//! Versions of the partner program: checking and activating program.toml, and which version
//! is in force. A file with errors is never stored.

use crate::{Actor, Change, Error, Result, Services, record};
use domain::FieldError;
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

    /// All versions, newest first, each with its diff. Internal users only.
    pub async fn program_versions(&self, actor: &Actor) -> Result<Vec<ProgramVersion>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let rows = store::program::list(&mut tx).await?;
        tx.commit().await?;
        let mut versions = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let previous = rows
                .get(i + 1)
                .map(|r| r.source.as_str())
                .unwrap_or(program::DEFAULT_PROGRAM);
            versions.push(to_version(row.clone(), previous));
        }
        Ok(versions)
    }

    /// How many partners sit in each tier of the program in force, lowest tier first.
    pub async fn tier_distribution(&self, actor: &Actor) -> Result<Vec<(String, i64)>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let counts = store::partners::tier_counts(&mut tx).await?;
        tx.commit().await?;
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
        tx.commit().await?;
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

// ---- tier evaluation of one partner ----

use domain::program::evaluation;
/// One criterion of the tier a partner is working towards.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CriterionView {
    pub criterion: String,
    pub required: String,
    pub actual: String,
    pub met: bool,
}

/// Where a partner stands in the program, and why.
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

/// The figures of `facts` in words, each with its source.
fn source_lines(
    facts: &domain::program::evaluation::PartnerFacts,
    sources: &domain::sources::SourcesAsOf,
    currency: &str,
    internal: bool,
) -> Vec<String> {
    let revenue: Vec<String> = sources
        .sourced_revenue
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut lines = vec![
        format!(
            "revenue {} in 12 months ({})",
            evaluation::money(facts.sourced_revenue_12m, currency),
            revenue.join(" and ")
        ),
        format!(
            "{} certified people, {} advanced ({})",
            facts.certified_people, facts.advanced_certified_people, sources.certified_people
        ),
    ];
    if internal {
        lines.push(format!("IPP {} ({})", facts.ipp_score, sources.ipp_score));
    }
    lines
}

fn benefit_list(benefits: &domain::program::Benefits, currency: &str) -> Vec<(String, String)> {
    let coverage = match benefits.partner_manager {
        domain::program::Coverage::None => "none",
        domain::program::Coverage::Shared => "shared",
        domain::program::Coverage::Dedicated => "dedicated",
    };
    vec![
        (
            "Discount".into(),
            format!("{}%", benefits.discount_percent.normalize()),
        ),
        (
            "Market development funds per year".into(),
            evaluation::money(benefits.mdf_per_year, currency),
        ),
        (
            "Deal registration protection".into(),
            format!("{} days", benefits.deal_protection_days),
        ),
        (
            "Support response".into(),
            format!("within {} hours", benefits.support_response_hours),
        ),
        ("Partner manager".into(), coverage.into()),
        (
            "Portal sections".into(),
            benefits.portal_sections.join(", "),
        ),
    ]
}

impl Services {
    /// Evaluates a partner against the program in force, naming the version used.
    pub async fn evaluate_partner(&self, actor: &Actor, partner_id: Uuid) -> Result<TierReport> {
        let partner = self.get_partner(actor, partner_id).await?;
        let history = self.sourced_history(actor, partner_id).await?;
        let quarter = crate::clock::current_quarter();
        let facts = domain::program::history::facts_as_of(
            &history.iter().map(|s| s.facts.clone()).collect::<Vec<_>>(),
            quarter,
        );
        let sources = domain::sources::sources_as_of(&history, quarter);
        let (program_version, program) = self.program_in_force().await?;
        let result = evaluation::evaluate(&program, &facts);
        let current = program
            .tiers
            .iter()
            .position(|t| t.key == partner.tier.as_str());
        let shown = result
            .next
            .as_ref()
            .map(|(i, _)| *i)
            .or(result.qualifies_for)
            .unwrap_or(0);
        Ok(TierReport {
            program_version,
            quarter: quarter.to_string(),
            sources: source_lines(&facts, &sources, &program.currency, actor.is_internal()),
            current_tier: current
                .map(|i| program.tiers[i].name.clone())
                .unwrap_or_else(|| partner.tier.as_str().to_owned()),
            qualifies_for: result.qualifies_for.map(|i| program.tiers[i].name.clone()),
            keeps_current_tier: current
                .is_some_and(|i| evaluation::keeps_tier(&program, i, &facts)),
            next_tier: result
                .next
                .as_ref()
                .map(|(i, _)| program.tiers[*i].name.clone()),
            gap: result.next.map(|(_, sentence)| sentence),
            // A partner out of the program (archived, exited) keeps no tier benefits.
            benefits: current
                .filter(|_| partner.out_of_program().is_none())
                .map(|i| benefit_list(&program.tiers[i].benefits, &program.currency))
                .unwrap_or_default(),
            out_of_program: partner.out_of_program().map(|why| {
                format!(
                    "{} is {why}: it keeps no tier benefits",
                    partner.display_name
                )
            }),
            criteria: result
                .tiers
                .get(shown)
                .into_iter()
                .flatten()
                // The IPP score is our judgement: its criterion is ours to read.
                .filter(|c| actor.is_internal() || c.criterion != "min_ipp_score")
                .map(|c| CriterionView {
                    criterion: match &c.subject {
                        Some(subject) => {
                            format!("{} {subject}", evaluation::criterion_label(c.criterion))
                        }
                        None => evaluation::criterion_label(c.criterion).to_owned(),
                    },
                    required: c.required.clone(),
                    // The IPP fit is our judgement: a partner learns whether it is met.
                    actual: if c.criterion == "min_ipp_score" && !actor.is_internal() {
                        "assessed by us".into()
                    } else {
                        c.actual.clone()
                    },
                    met: c.met,
                })
                .collect(),
        })
    }
}

/// Which program version is in force, remembered for a moment: every request reads the
/// program, and versions change rarely. Activating a version takes effect at once in this
/// process, and within this time on other servers and at a future version's effective time.
const IN_FORCE_MEMORY: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Debug, Default)]
pub(crate) struct InForce(std::sync::Mutex<Option<(i64, std::time::Instant)>>);

impl InForce {
    fn recall(&self) -> Option<i64> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .filter(|(_, at)| at.elapsed() < IN_FORCE_MEMORY)
            .map(|(version, _)| version)
    }

    fn remember(&self, version: i64) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((version, std::time::Instant::now()));
    }

    fn forget(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
