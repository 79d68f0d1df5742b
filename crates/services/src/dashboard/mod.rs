//! The program dashboard: the program's success metrics against the targets in program.toml
//! (`domain::dashboard::success_metrics`, with red / amber / green), and where the open
//! pipeline, the partners and their health stand; filtered by quarter, tier, region and
//! owner. Read from the pipeline's rollups and one query a table (`store::dashboard`), never
//! from the registrations. For our own people only.

mod check;
mod figures;
mod table;
mod view;

use domain::permissions::Action;

use crate::{Actor, Result, Services};

pub use table::{DashboardTable, status};
pub use view::{DashboardQuery, DashboardView, Slice, StageCell, TierCount};

impl Services {
    /// The dashboard (internal users).
    pub async fn dashboard(&self, actor: &Actor, query: &DashboardQuery) -> Result<DashboardView> {
        actor.require(Action::ReadInternal)?;
        let checked = self.check_dashboard(query, actor.today()).await?;
        let (mut view, health) = tokio::try_join!(
            self.dashboard_figures(&checked, actor.today()),
            self.health_bands(actor)
        )?;
        view.health = health;
        Ok(view)
    }
}
