//! Escalation insight: a case's post-resolution review is our people's (its owner or an admin
//! writes it; a partner's people find no such thing, of their own case or another's), and the
//! quarterly trends are our people's only.

use super::*;

/// Our people who read cases read their reviews; partners' people learn nothing.
fn reader(role: Role) -> Expect {
    if PARTNER_SIDE.contains(&role) {
        Hidden
    } else {
        Allowed
    }
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let review = format!("/api/v1/escalations/{}/review", f.escalation_b);
    let body = r#"{"what_happened":"Paid late","root_cause":"Rates stale","lessons":"Check rates","prevention":"Reload them quarterly"}"#;
    vec![
        (Method::GET, review.clone(), None, Box::new(reader)),
        // Partner B's case has no owner: only an admin may write its review (a 409 here, as
        // the case is still open); our other people are refused.
        (
            Method::PUT,
            review,
            Some(body.into()),
            Box::new(|role| match role {
                Role::Admin => Allowed,
                r if PARTNER_SIDE.contains(&r) => Hidden,
                _ => Forbidden,
            }),
        ),
        (
            Method::PUT,
            format!("/api/v1/escalations/{}/review", uuid::Uuid::now_v7()),
            Some(body.into()),
            // No such case: everyone is told so, like partner B's case for partner A.
            Box::new(|_| Hidden),
        ),
        (
            Method::GET,
            "/api/v1/escalations/trends?quarter=2026-Q1".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/escalations/trends/export?format=csv&quarter=2026-Q1".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/escalations?quarter=2026-Q1".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/escalations?unreviewed=true".into(),
            None,
            Box::new(ours_only),
        ),
    ]
}
