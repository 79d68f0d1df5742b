//! Who may read the program dashboard and download its tables: our people, never a
//! partner's.

use super::*;

pub(super) fn endpoints(_: &Fixture) -> Vec<Endpoint> {
    [
        "/api/v1/dashboard",
        "/api/v1/dashboard?tier=silver&region=emea",
        "/api/v1/dashboard?quarter=2026Q5",
        "/api/v1/dashboard/export?table=metrics&format=csv",
        "/api/v1/dashboard/export?table=pipeline_by_region&format=xlsx",
    ]
    .into_iter()
    .map(|path| -> Endpoint { (Method::GET, path.into(), None, Box::new(ours_only)) })
    .collect()
}
