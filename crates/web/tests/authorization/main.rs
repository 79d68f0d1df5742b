//! Every API endpoint × every role: allowed, forbidden (403) or invisible (404), on both
//! databases. Users of partner A act on partner B's records and must learn nothing.

mod accounts_and_partners;
#[path = "../common/mod.rs"]
mod common;
mod dashboard;
mod deals_and_leads;
mod escalation_insight;
mod escalations;
mod homes;
mod insight;
mod integration_requests;
mod internal_nps;
mod mail;
mod partner_downloads;
mod partner_sections;
mod rhythm;
mod teams;
mod work;

use axum::http::{Method, StatusCode};
use common::Fixture;
use domain::roles::Role;
use store::testing::BACKENDS;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Authorization let the call through (its outcome may still be 2xx, 409 or 422).
    Allowed,
    Forbidden,
    Hidden,
}

use Expect::*;

/// The role sets the matrix expects, written out rather than asked of the code under test.
const INTERNAL: [Role; 6] = [
    Role::Admin,
    Role::PartnerManager,
    Role::Sales,
    Role::Marketing,
    Role::Finance,
    Role::Executive,
];
const PARTNER_SIDE: [Role; 2] = [Role::PartnerAdmin, Role::PartnerUser];
const EDITORS: [Role; 2] = [Role::Admin, Role::PartnerManager];
const CONTACT_EDITORS: [Role; 3] = [Role::Admin, Role::PartnerManager, Role::PartnerAdmin];

fn internal_editor(role: Role) -> bool {
    EDITORS.contains(&role)
}

/// For a record of partner B: partner A's users must not learn it exists.
fn on_b(role: Role, internal: Expect) -> Expect {
    if PARTNER_SIDE.contains(&role) {
        Hidden
    } else {
        internal
    }
}

/// An endpoint call and what each role should get from it.
type Endpoint = (Method, String, Option<String>, Box<dyn Fn(Role) -> Expect>);

/// Allowed to our people, forbidden to partners' people.
fn ours_only(role: Role) -> Expect {
    if INTERNAL.contains(&role) {
        Allowed
    } else {
        Forbidden
    }
}

/// Allowed to those who edit partners, forbidden to everyone else.
fn editor(role: Role) -> Expect {
    if internal_editor(role) {
        Allowed
    } else {
        Forbidden
    }
}

fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let mut all = accounts_and_partners::endpoints(f);
    all.extend(deals_and_leads::endpoints(f));
    all.extend(insight::endpoints(f));
    all.extend(homes::endpoints(f));
    all.extend(dashboard::endpoints(f));
    all.extend(teams::endpoints(f));
    all.extend(mail::endpoints(f));
    all.extend(escalations::endpoints(f));
    all.extend(work::endpoints(f));
    all.extend(escalation_insight::endpoints(f));
    all.extend(integration_requests::endpoints(f));
    all.extend(internal_nps::endpoints(f));
    all.extend(rhythm::endpoints(f));
    all
}

/// Account management of partner B's user: admins may, partner A's admin must not see it.
fn user_admin_on_b(role: Role) -> Expect {
    match role {
        Role::Admin => Allowed,
        Role::PartnerAdmin => Hidden,
        _ => Forbidden,
    }
}

fn classify(status: StatusCode) -> Expect {
    match status {
        StatusCode::FORBIDDEN => Forbidden,
        StatusCode::NOT_FOUND => Hidden,
        s if s.is_success()
            || s == StatusCode::CONFLICT
            || s == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            Allowed
        }
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test]
async fn every_endpoint_for_every_role() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let mut failures = Vec::new();
        for (method, path, body, expect) in endpoints(&f) {
            let (status, _) = f.api(None, method.clone(), &path, body.as_deref()).await;
            if status != StatusCode::UNAUTHORIZED {
                failures.push(format!("{backend:?} anonymous {method} {path}: {status}"));
            }
            for (role, _, token) in &f.users {
                let body = body
                    .as_ref()
                    .map(|b| b.replace("{ROLE}", domain::Choice::as_str(role)));
                let (status, text) = f
                    .api(Some(token), method.clone(), &path, body.as_deref())
                    .await;
                let got = classify(status);
                let want = expect(*role);
                if got != want {
                    failures.push(format!("{backend:?} {role:?} {method} {path}: expected {want:?}, got {status} {text}"));
                }
                if got == Hidden && PARTNER_SIDE.contains(role) {
                    assert!(
                        !text.contains("Bravo") && !text.contains("bea@bravo.com"),
                        "a 404 leaked data: {text}"
                    );
                }
            }
        }
        assert!(
            failures.is_empty(),
            "authorization matrix failures:\n{}",
            failures.join("\n")
        );
    }
}

#[tokio::test]
async fn partner_a_never_sees_partner_b_in_lists_or_timelines() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        for role in [Role::PartnerAdmin, Role::PartnerUser] {
            let token = f.token(role);
            let (_, list) = f
                .api(
                    Some(token),
                    Method::GET,
                    "/api/v1/partners?limit=200&archived=true",
                    None,
                )
                .await;
            let list: serde_json::Value = serde_json::from_str(&list).unwrap();
            let ids: Vec<&str> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap())
                .collect();
            assert_eq!(ids, [f.partner_a.to_string()]);
            let (_, search) = f
                .api(Some(token), Method::GET, "/api/v1/partners?q=bravo", None)
                .await;
            assert!(
                !search.contains("Bravo"),
                "search leaked another org: {search}"
            );
            let (_, users) = f.api(Some(token), Method::GET, "/api/v1/users", None).await;
            assert!(!users.contains("bravo.com"));
            // a random id behaves exactly like another org's id
            let (random, random_body) = f
                .api(
                    Some(token),
                    Method::GET,
                    &format!("/api/v1/partners/{}", uuid::Uuid::now_v7()),
                    None,
                )
                .await;
            let (other, other_body) = f
                .api(
                    Some(token),
                    Method::GET,
                    &format!("/api/v1/partners/{}", f.partner_b),
                    None,
                )
                .await;
            assert_eq!((random, random_body), (other, other_body));
        }
    }
}
