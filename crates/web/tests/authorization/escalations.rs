//! Escalation cases: our people (executives only reading) work every partner's, a partner's
//! people raise and answer their own; partner A's people never learn partner B's case exists.

use super::*;

/// Our people who work cases; executives read them only.
const WORKERS: [Role; 5] = [
    Role::Admin,
    Role::PartnerManager,
    Role::Sales,
    Role::Marketing,
    Role::Finance,
];

fn worker_on_b(role: Role) -> Expect {
    if WORKERS.contains(&role) {
        Allowed
    } else if role == Role::Executive {
        Forbidden
    } else {
        Hidden
    }
}

/// Moves, updates and remediation actions on partner B's case, which nobody owns and no
/// escalation reached anyone on: admins, and partner managers (who may give it an owner).
/// The rest of our workers only read it and write internal notes.
fn works_b(role: Role) -> Expect {
    match role {
        Role::Admin | Role::PartnerManager => Allowed,
        r if PARTNER_SIDE.contains(&r) => Hidden,
        _ => Forbidden,
    }
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let case = format!("/api/v1/escalations/{}", f.escalation_b);
    let raise = r#"{"issue":"Portal down","category":"technical","urgency":"p1","occurred_on":"2026-01-05"}"#;
    let entry = r#"{"body":"Looking into it"}"#;
    let mut all: Vec<Endpoint> = vec![
        (
            Method::GET,
            "/api/v1/escalations".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/escalations?breached=true".into(),
            None,
            Box::new(|role| {
                if PARTNER_SIDE.contains(&role) {
                    Forbidden
                } else {
                    Allowed
                }
            }),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{}/escalations", f.partner_a),
            Some(raise.into()),
            Box::new(|role| {
                if role == Role::Executive {
                    Forbidden
                } else {
                    Allowed
                }
            }),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{}/escalations", f.partner_b),
            Some(raise.into()),
            Box::new(worker_on_b),
        ),
        (
            Method::GET,
            case.clone(),
            None,
            Box::new(|role| on_b(role, Allowed)),
        ),
        (
            Method::POST,
            format!("{case}/moves"),
            Some(r#"{"transition":"acknowledge"}"#.into()),
            Box::new(works_b),
        ),
        (
            Method::POST,
            format!("{case}/updates"),
            Some(entry.into()),
            Box::new(works_b),
        ),
        (
            Method::POST,
            format!("{case}/notes"),
            Some(entry.into()),
            Box::new(worker_on_b),
        ),
        (
            Method::POST,
            format!("{case}/actions"),
            Some(r#"{"body":"Rerun the commission","due_on":"2028-06-30"}"#.into()),
            Box::new(works_b),
        ),
        (
            Method::POST,
            format!("{case}/actions/{}/done", uuid::Uuid::now_v7()),
            None,
            Box::new(|role| match works_b(role) {
                // No action of this case has that id.
                Allowed => Hidden,
                other => other,
            }),
        ),
        (
            Method::POST,
            format!("{case}/owner"),
            Some(r#"{"owner_id":null}"#.into()),
            Box::new(|role| on_b(role, editor(role))),
        ),
    ];
    // The escalation paths: our people read who holds each title; administrators name them.
    all.push((
        Method::GET,
        "/api/v1/escalation-paths".into(),
        None,
        Box::new(|role| {
            if PARTNER_SIDE.contains(&role) {
                Forbidden
            } else {
                Allowed
            }
        }),
    ));
    all.push((
        Method::PUT,
        "/api/v1/escalation-paths".into(),
        Some(r#"{"title":"alliances_lead","user_id":null,"version":1}"#.into()),
        Box::new(|role| {
            if role == Role::Admin {
                Allowed
            } else {
                Forbidden
            }
        }),
    ));
    // A random id answers exactly like partner B's case.
    all.push((
        Method::GET,
        format!("/api/v1/escalations/{}", uuid::Uuid::now_v7()),
        None,
        Box::new(|_| Hidden),
    ));
    all
}
