//! Who may read a home and the program's tiers: everyone signed in, each their own.

use super::*;

pub(super) fn endpoints(_f: &Fixture) -> Vec<Endpoint> {
    vec![
        (
            Method::GET,
            "/api/v1/home".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/program/tiers".into(),
            None,
            Box::new(|_| Allowed),
        ),
    ]
}
