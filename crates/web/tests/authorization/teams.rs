//! Teams, the RACI matrix and the stakeholder map: our people read them, admins place people
//! on teams, admins and partner managers edit the stakeholder map; partners' people none.

use super::*;

fn admin_only(role: Role) -> Expect {
    if role == Role::Admin {
        Allowed
    } else {
        Forbidden
    }
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let marketer = f.actor(Role::Marketing).user_id.unwrap();
    vec![
        (
            Method::GET,
            "/api/v1/raci".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/stakeholder-map".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/teams/marketing".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/teams/marketing/members".into(),
            Some(format!("{{\"user_id\":\"{marketer}\"}}")),
            Box::new(admin_only),
        ),
        (
            Method::PUT,
            "/api/v1/teams/marketing/lead".into(),
            Some(format!("{{\"user_id\":\"{marketer}\"}}")),
            Box::new(admin_only),
        ),
        (
            Method::DELETE,
            format!("/api/v1/teams/marketing/members/{marketer}"),
            None,
            Box::new(admin_only),
        ),
        (
            Method::PUT,
            "/api/v1/teams/finance/stakeholder".into(),
            Some(r#"{"version":0,"decision_maker":"CFO"}"#.into()),
            Box::new(editor),
        ),
    ]
}
