//! The program's tiers as a partner reads them: what each asks (its entry criteria in words)
//! and what each gives (its benefits), and which one the reader's organisation holds. Built
//! from the program in force for every reader; a partner's people get no criterion of ours
//! (the IPP fit is our judgement of them).

use domain::program::evaluation::{self, PartnerFacts};

use crate::{Actor, Result, Services};

/// One thing a tier asks.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Requirement {
    /// e.g. "Certified people", "People certified in Sales — Advanced".
    pub criterion: String,
    /// e.g. "3", "$250,000", "VP".
    pub required: String,
}

/// One thing a tier gives.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TierBenefit {
    pub benefit: String,
    pub value: String,
}

/// A tier of the program: what it asks and gives.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProgramTier {
    pub key: String,
    pub name: String,
    /// Its entry criteria that ask for anything (the lowest tier may ask nothing).
    pub requirements: Vec<Requirement>,
    pub benefits: Vec<TierBenefit>,
    /// Whether the reader's organisation holds it (always false for our people).
    pub yours: bool,
}

/// The program's tiers, lowest first.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProgramTiers {
    /// The program version they come from (0 = the shipped default).
    pub program_version: i64,
    pub tiers: Vec<ProgramTier>,
}

impl Services {
    /// The tiers of the program in force, as the reader may read them.
    pub async fn program_tiers(&self, actor: &Actor) -> Result<ProgramTiers> {
        let own_tier = match actor.partner_id {
            Some(id) if !actor.is_internal() => Some(self.get_partner(actor, id).await?.tier),
            _ => None,
        };
        let (program_version, program) = self.program_in_force().await?;
        // Against a partner with nothing, exactly the criteria that ask for something fail.
        let nothing = PartnerFacts::default();
        let tiers = program
            .tiers
            .iter()
            .map(|tier| ProgramTier {
                key: tier.key.clone(),
                name: tier.name.clone(),
                requirements: evaluation::check_criteria(&tier.entry, &nothing, &program)
                    .into_iter()
                    .filter(|c| !c.met)
                    .filter(|c| actor.is_internal() || c.criterion != "min_ipp_score")
                    .map(|c| Requirement {
                        criterion: crate::tiers::criterion_name(&c),
                        required: c.required,
                    })
                    .collect(),
                benefits: crate::tiers::benefit_list(&tier.benefits, &program.currency)
                    .into_iter()
                    .map(|(benefit, value)| TierBenefit { benefit, value })
                    .collect(),
                yours: own_tier.as_deref() == Some(tier.key.as_str()),
            })
            .collect();
        Ok(ProgramTiers {
            program_version,
            tiers,
        })
    }
}
