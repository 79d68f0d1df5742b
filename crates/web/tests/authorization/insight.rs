//! Rows of the matrix for what tells everyone where they stand: the performance tracker.

use super::*;

fn internal_only(role: Role) -> Expect {
    if INTERNAL.contains(&role) {
        Allowed
    } else {
        Forbidden
    }
}

pub(super) fn endpoints(_f: &Fixture) -> Vec<Endpoint> {
    vec![
        (
            Method::GET,
            "/api/v1/tracker".into(),
            None,
            Box::new(internal_only),
        ),
        (
            Method::GET,
            "/api/v1/tracker/export?format=xlsx".into(),
            None,
            Box::new(internal_only),
        ),
    ]
}
