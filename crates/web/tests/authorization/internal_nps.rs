//! The internal survey: our people read the aggregates and answer (once a round); partners'
//! people are never asked and read nothing of it; only admins open a round by hand.

use super::*;

pub(super) fn endpoints(_: &Fixture) -> Vec<Endpoint> {
    vec![
        (
            Method::GET,
            "/api/v1/internal-nps".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/internal-nps/answers".into(),
            Some(r#"{"score":"8","comment":""}"#.into()),
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/internal-nps/rounds".into(),
            None,
            Box::new(|role| {
                if role == Role::Admin {
                    Allowed
                } else {
                    Forbidden
                }
            }),
        ),
    ]
}
