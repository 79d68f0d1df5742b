//! Work items and "My work": our people read them; who writes depends on the item's route
//! and its teams. The fixture puts nobody on a team, so of the roles only the admin (who
//! oversees all work) comments and assigns, and nobody takes sales' item (taking is for the
//! queue's members). Partners' people get 403 on every route.

use super::*;

fn admin_only(role: Role) -> Expect {
    if role == Role::Admin {
        Allowed
    } else {
        Forbidden
    }
}

fn nobody(_: Role) -> Expect {
    Forbidden
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let item = f.work_b;
    vec![
        (
            Method::GET,
            "/api/v1/my-work".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            format!("/api/v1/work/{item}"),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            format!("/api/v1/work/{item}/comments"),
            Some(r#"{"body":"looked at it"}"#.into()),
            Box::new(admin_only),
        ),
        (
            Method::POST,
            format!("/api/v1/work/{item}/take"),
            Some(r#"{"version":0}"#.into()),
            Box::new(nobody),
        ),
        (
            Method::POST,
            format!("/api/v1/work/{item}/assign"),
            Some(r#"{"assignee_id":"nobody","version":0}"#.into()),
            Box::new(admin_only),
        ),
    ]
}
