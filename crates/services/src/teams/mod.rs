//! Teams: groups of our people keyed by the RACI matrix's teams. The RACI matrix as read from
//! program.toml, each team's page (members, lead, its parts in the matrix), membership and
//! leads (admins), and the stakeholder map (admins and partner managers). Roles stay the
//! source of permissions; a team's members only gain the ticking of that team's own
//! onboarding items (`actor_teams` feeds `domain::permissions`).

//!
//! This file is the feature's face: the code lives in the files beside it.

mod membership;
mod read;
mod stakeholders;
mod views;

pub use membership::{LeadInput, MemberInput};
pub use views::{
    Champion, Figure, MemberView, Part, RaciActivity, StakeholderEntry, StakeholderView, TeamView,
};
pub(crate) use views::{actor_teams, member_view};
