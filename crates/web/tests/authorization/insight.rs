//! Who may read scorecards, health scores and the performance tracker: a partner's people their own scorecard, never
//! another's and never a health score; our people everything.

use super::*;

fn ours_only(role: Role) -> Expect {
    if INTERNAL.contains(&role) {
        Allowed
    } else {
        Forbidden
    }
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let (a, b) = (f.partner_a, f.partner_b);
    vec![
        (
            Method::GET,
            format!("/api/v1/partners/{a}/scorecard"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/scorecard?quarter=2026-Q9"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/scorecard?quarter=2026-Q2"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/scorecard/export?format=csv"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/scorecard/export?format=xlsx&quarter=2026Q2"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/scorecard/export?format=csv"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/health"),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/health?limit=5"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            "/api/v1/health".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/health?band=at_risk&limit=10".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/tracker".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/tracker/export?format=xlsx".into(),
            None,
            Box::new(ours_only),
        ),
    ]
}
