//! Homes: the first page each person sees after signing in, built here per reader. A
//! partner's people get [`PartnerHome`] (where their organisation stands in the tiers, what
//! waits on them, their deals and leads by state, certifications, benefits and their partner
//! manager), a shape without a field of ours; our people get [`InternalHome`], the figures
//! their role works from, each with the list behind it. The program's tiers as a partner
//! reads them (what each asks and gives) are here too (`tiers`).
//!
//! Homes read through the features' own services (the tier report, deals, leads,
//! certifications, onboarding, proposals, the pipeline) and add only counts, so no figure
//! here can disagree with the list it links to.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod figures;
mod internal;
mod partner;
mod tiers;

pub use figures::{Amount, Figure};
pub use internal::{AtRiskPartner, InternalHome, OnboardingOverdue, OwnedPartner, RecentWin};
pub use partner::{
    CaseWaiting, DealToAnswer, HeldCertification, OnboardingDue, PartnerHome, PartnerManager,
    Standing, StateCount,
};
pub use tiers::{ProgramTier, ProgramTiers, Requirement, TierBenefit};

use crate::{Actor, Error, Result, Services};

/// The caller's home: a partner's people get the partner shape, our people the internal one.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Home {
    Partner(PartnerHome),
    Internal(InternalHome),
}

impl Services {
    /// The home of whoever asks.
    pub async fn home(&self, actor: &Actor) -> Result<Home> {
        if actor.is_internal() {
            Ok(Home::Internal(self.internal_home(actor).await?))
        } else {
            let partner_id = actor.partner_id.ok_or(Error::NotFound)?;
            Ok(Home::Partner(self.partner_home(actor, partner_id).await?))
        }
    }
}
