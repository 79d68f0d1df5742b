//! The facts the tier engine reads, quarter by quarter: typed on a partner's page or imported
//! from CSV, and replaced by records wherever records reach (`crate::fact_sources`).

use domain::permissions::Action;
use std::collections::HashMap;

use domain::program::SponsorLevel;
use domain::program::evaluation::PartnerFacts;
use domain::program::history::{self, QuarterFacts, QuarterFactsInput, RowError};
use domain::quarter::Quarter;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use crate::imports::PartnerDirectory;
use crate::{Actor, Change, Error, Result, Services, record};

// Their old home: callers outside the crate name them here.
pub use crate::clock::current_quarter;
pub use crate::imports::ImportReport;

pub(crate) fn from_row(row: &store::facts::QuarterRow) -> Result<QuarterFacts> {
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    Ok(QuarterFacts {
        quarter: Quarter::parse(&row.quarter)
            .map_err(|e| Error::Store(store::Error::Corrupt(format!("quarter: {e}"))))?,
        sourced_revenue: Decimal::new(row.sourced_revenue_minor, 2),
        qbrs: count(row.qbrs),
        co_marketing: count(row.co_marketing),
        certified_people: count(row.certified_people),
        advanced_certified_people: count(row.advanced_certified_people),
        customer_references: count(row.customer_references),
        executive_sponsor: match row.executive_sponsor.as_str() {
            "vp" => Some(SponsorLevel::Vp),
            "c_level" => Some(SponsorLevel::CLevel),
            _ => None,
        },
        ipp_score: count(row.ipp_score),
        certifications: serde_json::from_str(&row.certifications)
            .map_err(|e| Error::Store(store::Error::Corrupt(format!("certifications: {e}"))))?,
    })
}

pub(crate) fn to_row(facts: &QuarterFacts) -> store::facts::QuarterRow {
    store::facts::QuarterRow {
        quarter: facts.quarter.to_string(),
        sourced_revenue_minor: (facts.sourced_revenue * Decimal::ONE_HUNDRED)
            .to_i64()
            .unwrap_or(i64::MAX),
        qbrs: facts.qbrs.into(),
        co_marketing: facts.co_marketing.into(),
        certified_people: facts.certified_people.into(),
        advanced_certified_people: facts.advanced_certified_people.into(),
        customer_references: facts.customer_references.into(),
        executive_sponsor: history::sponsor_key(facts.executive_sponsor).into(),
        ipp_score: facts.ipp_score.into(),
        certifications: serde_json::to_string(&facts.certifications)
            .expect("a map of counts serialises"),
    }
}

/// Where a quarter's numbers came from: "typed", "records", "won deals" or "assessment of
/// 2026-10-02".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SourcesView {
    pub sourced_revenue: String,
    /// Certified people, advanced ones and people per certification.
    pub certified_people: String,
    /// Internal: absent from what a partner's own people receive.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ipp_score: String,
}

/// One quarter of a partner's facts as people read them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct QuarterView {
    #[serde(flatten)]
    pub facts: QuarterFactsInput,
    pub sources: SourcesView,
}

impl QuarterView {
    /// What the facts form shows for `quarter` of `quarters` (zeros when it has no row).
    pub fn form(quarters: &[QuarterView], quarter: Quarter) -> QuarterFactsInput {
        quarters
            .iter()
            .find(|q| q.facts.quarter == quarter.to_string())
            .map_or_else(
                || QuarterFacts::empty(quarter).to_input(),
                |q| q.facts.clone(),
            )
    }

    fn of(q: &domain::sources::Sourced, internal: bool) -> Self {
        let mut facts = q.facts.to_input();
        let mut ipp_source = q.sources.ipp_score.to_string();
        if !internal {
            facts.ipp_score = String::new();
            ipp_source = String::new();
        }
        QuarterView {
            facts,
            sources: SourcesView {
                sourced_revenue: q.sources.sourced_revenue.to_string(),
                certified_people: q.sources.certified_people.to_string(),
                ipp_score: ipp_source,
            },
        }
    }
}

impl Services {
    /// A partner's quarters, oldest first, with the source of each number: records
    /// (certifications, confirmed wins, IPP assessments) wherever they reach, typed values
    /// elsewhere (the current quarter is present once anything is recorded).
    pub(crate) async fn sourced_history(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<Vec<domain::sources::Sourced>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let records =
            crate::fact_sources::PartnerRecords::load(&mut tx, partner_id, &program).await?;
        tx.commit().await?;
        Ok(records.derive(&program, store::now().date()))
    }

    /// A partner's quarters as the tier engine reads them, oldest first.
    pub async fn partner_history(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<Vec<QuarterFacts>> {
        let history = self.sourced_history(actor, partner_id).await?;
        Ok(history.into_iter().map(|s| s.facts).collect())
    }

    /// A partner's quarters as the asking user may read them, oldest first, each number with
    /// its source: the IPP score and where it came from (our judgement) are left out for the
    /// partner's own people.
    pub async fn partner_quarters(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<Vec<QuarterView>> {
        let history = self.sourced_history(actor, partner_id).await?;
        Ok(history
            .iter()
            .map(|q| QuarterView::of(q, actor.is_internal()))
            .collect())
    }

    /// What the tier engine reads for a partner today: the trailing four quarters.
    pub async fn partner_facts(&self, actor: &Actor, partner_id: Uuid) -> Result<PartnerFacts> {
        let history = self.partner_history(actor, partner_id).await?;
        Ok(history::facts_as_of(&history, current_quarter()))
    }

    /// Records one quarter of a partner's facts by hand (the current quarter when the input
    /// names none).
    pub async fn set_quarter_facts(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &QuarterFactsInput,
    ) -> Result<QuarterFacts> {
        let history = self.partner_history(actor, partner_id).await?;
        actor.require(Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let catalog = program.certification_keys();
        let facts = input
            .validate(current_quarter(), &catalog, &program.currency)
            .map_err(Error::Invalid)?;
        let before = history.iter().find(|q| q.quarter == facts.quarter);
        let at = store::now();
        let mut tx = self.db.write().await?;
        store::facts::upsert(&mut tx, partner_id, &to_row(&facts), at).await?;
        let change = Change {
            partner_id: Some(partner_id),
            entity_type: "partner_facts",
            entity_id: partner_id,
            action: "updated",
            summary: format!("Tier facts for {} recorded", facts.quarter),
            before: before.and_then(|b| crate::snapshot(&b.to_input())),
            after: crate::snapshot(&facts.to_input()),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        Ok(facts)
    }

    /// Imports facts from CSV (see `history::parse_facts_csv` for the columns). All or
    /// nothing: any bad row means nothing is written, and every problem is reported by line.
    /// A dry run reads and checks everything against the stored data and writes nothing.
    pub async fn import_facts(
        &self,
        actor: &Actor,
        csv: &str,
        dry_run: bool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ImportReport> {
        actor.require(Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let catalog = program.certification_keys();
        let (rows, mut errors) = history::parse_facts_csv(csv, &catalog, &program.currency);
        let mut report = ImportReport {
            rows: rows.len() + errors.iter().filter(|e| e.line > 1).count(),
            ..ImportReport::default()
        };
        let mut tx = self.db.write().await?;
        let directory = PartnerDirectory::load(&mut tx).await?;
        let earliest = rows.iter().map(|r| r.quarter).min();
        let mut stored: HashMap<(Uuid, Quarter), QuarterFacts> = HashMap::new();
        if let Some(earliest) = earliest {
            for row in store::facts::all_since(&mut tx, &earliest.to_string()).await? {
                let facts = from_row(&row.row)?;
                stored.insert((row.partner_id, facts.quarter), facts);
            }
        }
        let mut resolved = Vec::with_capacity(rows.len());
        for row in &rows {
            match directory.find(&row.partner) {
                Ok(id) => resolved.push((id, row)),
                Err(message) => errors.push(RowError {
                    line: row.line,
                    field: "partner".into(),
                    message,
                }),
            }
        }
        let mut merged = Vec::with_capacity(resolved.len());
        let mut seen = HashMap::new();
        for (id, row) in resolved {
            if let Some(first) = seen.insert((id, row.quarter), row.line) {
                errors.push(RowError {
                    line: row.line,
                    field: "partner".into(),
                    message: format!(
                        "names the same partner and quarter as line {first} (by another id, domain or name)"
                    ),
                });
                continue;
            }
            let before = stored.get(&(id, row.quarter));
            match row.apply(before, &program.currency) {
                Ok(facts) => merged.push((id, before.cloned(), facts)),
                Err(problems) => errors.extend(problems),
            }
        }
        errors.sort_by_key(|e| e.line);
        report.errors = errors;
        report.partners = merged
            .iter()
            .map(|(id, _, _)| id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        report.created = merged.iter().filter(|(_, b, _)| b.is_none()).count();
        report.updated = merged.len() - report.created;
        if !report.errors.is_empty() || dry_run {
            return Ok(report);
        }
        let at = store::now();
        let total = merged.len();
        let mut quarters_by_partner: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (done, (id, _, facts)) in merged.iter().enumerate() {
            store::facts::upsert(&mut tx, *id, &to_row(facts), at).await?;
            quarters_by_partner
                .entry(*id)
                .or_default()
                .push(facts.quarter.to_string());
            if done % 500 == 0 {
                progress(done, total);
            }
        }
        for (id, quarters) in quarters_by_partner {
            let change = Change {
                partner_id: Some(id),
                entity_type: "partner_facts",
                entity_id: id,
                action: "imported",
                summary: format!("Tier facts imported for {}", quarters.join(", ")),
                before: None,
                after: None,
            };
            record(&mut tx, actor, at, change).await?;
        }
        progress(total, total);
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}
