//! Who may call what: one's own account, users, partners, contacts, the program, tiers, facts, enablement, imports of the direct pipeline.

use super::*;

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let a = f.partner_a;
    let b = f.partner_b;
    let c = f.contact_b;
    let partner_json =
        r#"{"legal_name":"New Co","partner_type":"si","gtm_model":"co_sell"}"#.to_owned();
    let deal_json =
        serde_json::to_string(&common::deal_input("Matrix Co", "matrix.example.com")).unwrap();
    vec![
        (
            Method::GET,
            "/api/v1/me".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/me/notifications?unread=true".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::POST,
            "/api/v1/me/notifications/read".into(),
            Some("{}".into()),
            Box::new(|_| Allowed),
        ),
        (
            Method::POST,
            "/api/v1/me/password".into(),
            Some(r#"{"current_password":"wrong","new_password":"whatever long"}"#.into()),
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/me/tokens".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::POST,
            "/api/v1/me/tokens".into(),
            Some(r#"{"name":"matrix"}"#.into()),
            Box::new(|_| Allowed),
        ),
        (
            Method::DELETE,
            format!("/api/v1/me/tokens/{}", f.victim_token),
            None,
            Box::new(|_| Hidden),
        ),
        (
            Method::GET,
            "/api/v1/partners".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/partners?health=at_risk".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/partners".into(),
            Some(partner_json),
            Box::new(editor),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::PATCH,
            format!("/api/v1/partners/{a}"),
            Some(r#"{"notes":"x"}"#.into()),
            Box::new(editor),
        ),
        (
            Method::PATCH,
            format!("/api/v1/partners/{b}"),
            Some(r#"{"notes":"x"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/stage"),
            Some(r#"{"stage":"recruiting"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/archive"),
            None,
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/restore"),
            None,
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/contacts"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/contacts"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{a}/contacts"),
            Some(r#"{"name":"New Person"}"#.into()),
            Box::new(|r| {
                if CONTACT_EDITORS.contains(&r) {
                    Allowed
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/contacts"),
            Some(r#"{"name":"Spy"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/timeline"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/timeline"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/facts"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/facts"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::PUT,
            format!("/api/v1/partners/{a}/facts"),
            Some(r#"{"certified_people":2}"#.into()),
            Box::new(editor),
        ),
        (
            Method::PUT,
            format!("/api/v1/partners/{b}/facts"),
            Some(r#"{"certified_people":2}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/evaluation"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/evaluation"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            "/api/v1/facts/import?dry_run=true".into(),
            Some(format!("partner,quarter,certified_people\n{b},2026-Q1,2\n")),
            Box::new(editor),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/tier-proposals"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/tier-proposals"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/tier"),
            Some(r#"{"tier":"silver","note":"matrix"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            "/api/v1/tier-proposals".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            format!("/api/v1/tier-proposals/{}/decision", f.decision_b),
            Some(r#"{"decision":"reject","note":"matrix"}"#.into()),
            Box::new(editor),
        ),
        (
            Method::GET,
            "/api/v1/tier-evaluations".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/tier-evaluations".into(),
            None,
            Box::new(editor),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/ipp-assessments"),
            None,
            Box::new(|r| on_b(r, ours_only(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/ipp-assessments"),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/ipp-assessments"),
            Some(r#"{"scores":{"geography":"4"}}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/3c4c-evaluations"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/3c4c-evaluations"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/3c4c-evaluations"),
            Some(r#"{"capacity":4,"capability":4,"commitment":4}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/3c4c-evaluations/{}/share", f.evaluation_b),
            Some(r#"{"shared":false}"#.into()),
            Box::new(editor),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/certifications"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/certifications"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{a}/certifications"),
            Some(format!(
                r#"{{"contact_id":"{c}","certification":"technical_expert","earned_on":"2026-01-01","score":"90"}}"#
            )),
            Box::new(editor),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/certifications"),
            Some(format!(
                r#"{{"contact_id":"{c}","certification":"technical_expert","earned_on":"2026-01-01","score":"90"}}"#
            )),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{a}/attachments?filename=proof.pdf"),
            Some("%PDF-1.4 proof".into()),
            Box::new(move |r| {
                if PARTNER_SIDE.contains(&r) {
                    Allowed
                } else {
                    editor(r)
                }
            }),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/attachments?filename=proof.pdf"),
            Some("%PDF-1.4 proof".into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/attachments/{}", f.attachment_b),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{a}/deals?draft=true"),
            Some(deal_json.clone()),
            Box::new(move |r| {
                if PARTNER_SIDE.contains(&r) {
                    Allowed
                } else {
                    editor(r)
                }
            }),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/deals?draft=true"),
            Some(deal_json.clone()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/conflict-check?customer_name=Bravo%20Customer"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/conflict-check?customer_name=Bravo%20Customer"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            "/api/v1/direct-opportunities/import?dry_run=true".into(),
            Some("reference,customer\nOPP-1,Initech\n".into()),
            Box::new(move |r| {
                if r == Role::Sales {
                    Allowed
                } else if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::POST,
            "/api/v1/customer-accounts/import?dry_run=true".into(),
            Some("account,name\nACC-1,Globex\n".into()),
            Box::new(move |r| {
                if r == Role::Sales {
                    Allowed
                } else if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
    ]
}
