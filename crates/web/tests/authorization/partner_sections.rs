//! The partner page's sections (each at its own address) × every role: our people read every
//! partner's, a partner's people their own organisation's only — another's answers 404.

use super::*;

/// The sections of the partner page after `/partners/{id}`, written out.
const SECTIONS: [&str; 7] = [
    "",
    "/tier",
    "/evaluations",
    "/onboarding",
    "/enablement",
    "/contacts",
    "/timeline",
];

pub(super) fn email(role: Role) -> String {
    match role {
        Role::Admin => "admin@vendor.test".into(),
        role if PARTNER_SIDE.contains(&role) => {
            format!("{}@alpha.example", domain::Choice::as_str(&role))
        }
        role => format!("{}@test.example", domain::Choice::as_str(&role)),
    }
}

#[tokio::test]
async fn partner_page_sections_for_every_role() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let mut failures = Vec::new();
        for section in SECTIONS {
            for partner in [f.partner_a, f.partner_b] {
                let path = format!("/partners/{partner}{section}");
                let (status, _, _) = f.page("", &path).await;
                if status != StatusCode::SEE_OTHER {
                    failures.push(format!("{backend:?} anonymous GET {path}: {status}"));
                }
            }
        }
        for role in INTERNAL.into_iter().chain(PARTNER_SIDE) {
            let (session, _) = f.sign_in(&email(role)).await;
            for section in SECTIONS {
                for (partner, want) in [
                    (f.partner_a, StatusCode::OK),
                    (f.partner_b, on_b_status(role)),
                ] {
                    let path = format!("/partners/{partner}{section}");
                    let (status, _, page) = f.page(&session, &path).await;
                    if status != want {
                        failures.push(format!(
                            "{backend:?} {role:?} GET {path}: expected {want}, got {status}"
                        ));
                    }
                    if status == StatusCode::NOT_FOUND {
                        assert!(!page.contains("Bravo"), "a 404 leaked data: {page}");
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "partner section failures:\n{}",
            failures.join("\n")
        );
    }
}

fn on_b_status(role: Role) -> StatusCode {
    match on_b(role, Allowed) {
        Hidden => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    }
}
