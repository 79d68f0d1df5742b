//! The policy sections of `program.toml` that the deal-registration, co-sell, MDF, commission,
//! SLA, business-hours, escalation, RACI and metric features read. Each section may be left
//! out or written in part: what is not written takes the playbooks' default, so every default
//! lives here and in `default_program.toml`, and a test keeps the two equal.

use super::issues::Checks;

mod checks;

mod alignment;
mod deals;
mod enablement;
mod insight;
mod money;
mod reporting;

pub use alignment::*;
pub use deals::*;
pub use enablement::*;
pub use insight::*;
pub use money::*;
pub use reporting::*;

/// Every policy section, as read from the file or defaulted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policies {
    pub deal_registration: DealRegistration,
    pub co_sell: CoSell,
    pub mdf: Mdf,
    pub commissions: Commissions,
    pub slas: Slas,
    pub business_hours: BusinessHours,
    pub escalation_paths: EscalationPaths,
    pub raci: RaciMatrix,
    pub targets: Targets,
    pub health_score: HealthScore,
    pub enablement: Enablement,
    pub dashboard: Dashboard,
    pub tracker: Tracker,
    pub internal_nps: InternalNps,
}

impl Policies {
    pub(super) fn check(&self, checks: &mut Checks, tiers: &[String], certification_keys: &[&str]) {
        self.deal_registration.check(checks, tiers);
        self.co_sell.check(checks);
        self.mdf.check(checks);
        self.commissions.check(checks, tiers);
        self.slas.check(checks);
        self.business_hours.check(checks);
        self.escalation_paths.check(checks);
        self.raci.check(checks);
        self.targets.check(checks);
        self.health_score.check(checks);
        self.enablement.check(checks, certification_keys);
        self.dashboard.check(checks);
        self.tracker.check(checks);
    }
}
