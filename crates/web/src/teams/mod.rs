//! Teams and the RACI matrix: the matrix page, each team's page (members, lead, its parts,
//! its stakeholder map entry and figures), membership and leads for admins, and the
//! stakeholder map with its edit form for admins and partner managers. Our people only.

pub(crate) mod api;
pub(crate) mod pages;
