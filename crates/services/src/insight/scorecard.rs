//! A partner's scorecard for a quarter, as its reader may see it.

use domain::insight::{Commitment, Figures, Fit};
use domain::permissions::Action;
use domain::quarter::Quarter;
use serde::Serialize;
use uuid::Uuid;

use crate::{Actor, Error, Result, Services};

/// What only our people see of a scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InternalFigures {
    /// The latest IPP assessment by the quarter's end; none: no data yet.
    pub ipp_fit: Option<Fit>,
    /// Financial and competitive risk: that assessment's red flags (empty: none found);
    /// none: no data yet.
    pub risks: Option<Vec<String>>,
}

/// A partner's scorecard for one quarter with its eight-quarter trend. Money is in the
/// program currency; a figure without a source is absent ("no data yet").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ScorecardView {
    pub partner_id: Uuid,
    pub partner_name: String,
    /// e.g. "2026-Q3".
    pub quarter: String,
    pub currency: String,
    pub program_version: i64,
    pub figures: Figures,
    /// The eight quarters ending with this one, oldest first.
    pub trend: Vec<Figures>,
    /// The latest 3C/4C evaluation by the quarter's end (a partner's people: of those
    /// shared with them).
    pub commitment: Option<Commitment>,
    /// Ours only: absent for a partner's people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalFigures>,
}

impl Services {
    /// `partner`'s scorecard for `quarter` ("2026-Q3"; this quarter when empty), as `actor`
    /// may see it.
    pub async fn scorecard(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        quarter: &str,
    ) -> Result<ScorecardView> {
        let partner = self.get_partner(actor, partner_id).await?;
        let today = actor.today();
        let quarter = if quarter.trim().is_empty() {
            Quarter::containing(today)
        } else {
            Quarter::parse(quarter).map_err(|e| Error::field("quarter", e))?
        };
        let (version, program) = self.program_in_force().await?;
        let ours = actor.may(Action::ReadInternal);
        let mut tx = self.db.read().await?;
        let records = super::records::load(&mut tx, &program, &partner, ours, today).await?;
        let rates = super::records::rates(&mut tx, &program).await?;
        drop(tx);
        let card = domain::insight::scorecard(&program, &records, &rates, quarter, today);
        Ok(ScorecardView {
            partner_id,
            partner_name: partner.display_name,
            quarter: card.quarter,
            currency: card.currency,
            program_version: version,
            figures: card.figures,
            trend: card.trend,
            commitment: card.commitment,
            internal: ours.then_some(InternalFigures {
                ipp_fit: card.ipp_fit,
                risks: card.risks,
            }),
        })
    }
}
