//! How the people behind a record appear to its reader. Our people read every name; a
//! partner's people read their colleagues' and see ours as [`OUR_TEAM`]: no name or address
//! of ours reaches a partner through who created, ticked, decided or confirmed something.

use std::collections::HashSet;

use uuid::Uuid;

use crate::{Actor, Result};

/// How a partner's people see one of ours: as the team, not by name or address.
pub const OUR_TEAM: &str = "our team";

/// Who a reader may see by name.
pub(crate) enum Names {
    /// Our people: everyone.
    Everyone,
    /// A partner's people: the labels (addresses) of their own organisation's accounts.
    Colleagues(HashSet<String>),
}

impl Names {
    /// What `reader` may see of the people of `partner_id`'s records.
    pub(crate) async fn load(
        tx: &mut store::Read,
        reader: &Actor,
        partner_id: Uuid,
    ) -> Result<Names> {
        if reader.is_internal() {
            return Ok(Names::Everyone);
        }
        Ok(Names::Colleagues(
            store::users::list(tx, Some(partner_id))
                .await?
                .into_iter()
                .map(|u| u.email)
                .collect(),
        ))
    }

    /// `label` as the reader sees it.
    pub(crate) fn show(&self, label: String) -> String {
        match self {
            Names::Colleagues(colleagues) if !colleagues.contains(&label) => OUR_TEAM.into(),
            _ => label,
        }
    }
}

/// A record only our people make (an evaluation, a tier decision), its author as `reader`
/// sees them.
pub(crate) fn ours(reader: &Actor, label: String) -> String {
    if reader.is_internal() {
        label
    } else {
        OUR_TEAM.into()
    }
}
