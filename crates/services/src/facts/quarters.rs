//! A partner's quarters as people read and type them: each number with its source, the
//! trailing four quarters the tier engine reads, and one quarter typed by hand.

use domain::permissions::Action;
use domain::program::evaluation::PartnerFacts;
use domain::program::history::{self, QuarterFacts, QuarterFactsInput};
use domain::quarter::Quarter;
use uuid::Uuid;

use crate::clock::current_quarter;
use crate::facts::rows::to_row;
use crate::facts::sources::PartnerRecords;
use crate::{Actor, Change, Error, Result, Services, record};

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
        let records = PartnerRecords::load(&mut tx, partner_id, &program).await?;
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
}
