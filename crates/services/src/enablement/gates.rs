//! The program's eligibility gates: whether a partner's certified people let it take a gated
//! action (registering deals, …), and what it is missing.

use domain::enablement;
use uuid::Uuid;

use crate::facts::sources::PartnerRecords;
use crate::{Actor, Result, Services};

/// Whether a partner may take a gated action, and why not.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GateView {
    pub action: domain::program::policy::GatedAction,
    pub allowed: bool,
    /// What the partner needs, when it is not allowed.
    pub reason: Option<String>,
}

impl Services {
    /// The program's eligibility gates for a partner (partners see their own).
    pub async fn eligibility(&self, actor: &Actor, partner_id: Uuid) -> Result<Vec<GateView>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let records = PartnerRecords::certified_only(&mut tx, partner_id).await?;
        drop(tx);
        let today = actor.today();
        let certified = records.certified(today);
        Ok(program
            .policies
            .enablement
            .gates
            .iter()
            .map(|gate| {
                let status =
                    enablement::gate_status(gate, certified, &program.certifications, today);
                GateView {
                    action: gate.action,
                    allowed: status.is_ok(),
                    reason: status.err(),
                }
            })
            .collect())
    }
}
