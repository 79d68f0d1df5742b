//! Mail: everyone chooses how their own notifications are mailed; only admins read the outbox
//! (every person's mail), retry failed mail and discard queued mail.

use super::*;

fn admin_only(role: Role) -> Expect {
    if role == Role::Admin {
        Allowed
    } else {
        Forbidden
    }
}

pub(super) fn endpoints(_f: &Fixture) -> Vec<Endpoint> {
    let unknown = uuid::Uuid::now_v7();
    vec![
        (
            Method::GET,
            "/api/v1/me/mail".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::PUT,
            "/api/v1/me/mail".into(),
            Some(r#"{"delivery":"digest"}"#.into()),
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/outbox?state=failed".into(),
            None,
            Box::new(admin_only),
        ),
        (
            Method::POST,
            format!("/api/v1/outbox/{unknown}/retry"),
            None,
            // An admin passes authorization and learns the mail does not exist.
            Box::new(|r| if r == Role::Admin { Hidden } else { Forbidden }),
        ),
        (
            Method::POST,
            format!("/api/v1/outbox/{unknown}/discard"),
            None,
            Box::new(|r| if r == Role::Admin { Hidden } else { Forbidden }),
        ),
        (
            Method::POST,
            "/api/v1/outbox/discard-queued".into(),
            None,
            Box::new(admin_only),
        ),
    ]
}
