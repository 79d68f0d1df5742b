//! Integration requests: a partner's people submit and read their own organisation's, those
//! who manage partners submit for any; every one of our people reads the ranking; only an
//! admin or a member of the RACI row's Responsible or Accountable team moves and merges (the
//! matrix's people are on no team). Partner A's people never learn partner B's request exists.

use super::*;

const SUBMITTERS: [Role; 4] = [
    Role::Admin,
    Role::PartnerManager,
    Role::PartnerAdmin,
    Role::PartnerUser,
];

fn submitter(role: Role) -> Expect {
    if SUBMITTERS.contains(&role) {
        Allowed
    } else {
        Forbidden
    }
}

fn admin_only(role: Role) -> Expect {
    if role == Role::Admin {
        Allowed
    } else {
        Forbidden
    }
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let request = format!("/api/v1/integration-requests/{}", f.integration_request_b);
    let submit = r#"{"title":"HubSpot sync","description":"Contacts","system":"HubSpot","customers":[{"name":"Acme","amount":"1000","currency":"EUR"}]}"#;
    vec![
        (
            Method::GET,
            "/api/v1/integration-requests".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/integration-requests/ranking?format=csv".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{}/integration-requests", f.partner_a),
            Some(submit.into()),
            Box::new(submitter),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{}/integration-requests", f.partner_b),
            Some(submit.into()),
            Box::new(|role| on_b(role, submitter(role))),
        ),
        (
            Method::GET,
            request.clone(),
            None,
            Box::new(|role| on_b(role, Allowed)),
        ),
        (
            Method::POST,
            format!("{request}/moves"),
            Some(r#"{"transition":"review"}"#.into()),
            Box::new(|role| on_b(role, admin_only(role))),
        ),
        (
            Method::POST,
            format!("{request}/merges"),
            Some(r#"{"duplicate_id":null}"#.into()),
            Box::new(|role| on_b(role, admin_only(role))),
        ),
        // A random id answers exactly like partner B's request.
        (
            Method::GET,
            format!("/api/v1/integration-requests/{}", uuid::Uuid::now_v7()),
            None,
            Box::new(|_| Hidden),
        ),
    ]
}

#[tokio::test]
async fn partner_a_never_lists_partner_b_requests() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        for role in PARTNER_SIDE {
            let (status, list) = f
                .api(
                    Some(f.token(role)),
                    Method::GET,
                    "/api/v1/integration-requests",
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{list}");
            assert!(
                !list.contains(&f.integration_request_b.to_string()) && !list.contains("Bravo"),
                "{backend:?} {role:?}: {list}"
            );
        }
    }
}
