//! A partner's scorecard and health pages and their downloads × every role: our people get
//! every partner's; a partner's people their own scorecard (never a health score), and
//! another partner's answers 404.

use super::partner_sections::email;
use super::*;

/// Pages and downloads after `/partners/{id}`, and whether a partner's people may open
/// their own.
const PAGES: [(&str, bool); 6] = [
    ("/scorecard", true),
    ("/scorecard/export?format=csv", true),
    ("/scorecard/export?format=xlsx&quarter=2026Q2", true),
    ("/health", false),
    ("/health/export?format=csv", false),
    ("/health/export?format=xlsx", false),
];

#[tokio::test]
async fn scorecard_and_health_downloads_for_every_role() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let mut failures = Vec::new();
        for role in INTERNAL.into_iter().chain(PARTNER_SIDE) {
            let (session, _) = f.sign_in(&email(role)).await;
            let partner_side = PARTNER_SIDE.contains(&role);
            for (page, partners_own) in PAGES {
                let want_a = if !partner_side || partners_own {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                let want_b = if partner_side {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::OK
                };
                for (partner, want) in [(f.partner_a, want_a), (f.partner_b, want_b)] {
                    let path = format!("/partners/{partner}{page}");
                    let (status, _, body) = f.page(&session, &path).await;
                    if status != want {
                        failures.push(format!(
                            "{backend:?} {role:?} GET {path}: expected {want}, got {status}"
                        ));
                    }
                    if status == StatusCode::NOT_FOUND {
                        assert!(!body.contains("Bravo"), "a 404 leaked data: {body}");
                    }
                }
            }
            // The section bar links the health page for our people only.
            let (_, _, page) = f
                .page(&session, &format!("/partners/{}", f.partner_a))
                .await;
            let health_link = format!("href=\"/partners/{}/health\"", f.partner_a);
            if page.contains(&health_link) == partner_side {
                failures.push(format!(
                    "{backend:?} {role:?}: health link shown: {}",
                    !partner_side
                ));
            }
            if !page.contains(&format!("href=\"/partners/{}/scorecard\"", f.partner_a)) {
                failures.push(format!("{backend:?} {role:?}: no scorecard link"));
            }
        }
        assert!(
            failures.is_empty(),
            "scorecard and health failures:\n{}",
            failures.join("\n")
        );
    }
}
