//! Every API endpoint × every role: allowed, forbidden (403) or invisible (404), on both
//! databases. Users of partner A act on partner B's records and must learn nothing.

mod common;

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

fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let a = f.partner_a;
    let b = f.partner_b;
    let c = f.contact_b;
    let victim = f.victim_b;
    let editor = |r: Role| {
        if internal_editor(r) {
            Allowed
        } else {
            Forbidden
        }
    };
    let partner_json =
        r#"{"legal_name":"New Co","partner_type":"si","gtm_model":"co_sell"}"#.to_owned();
    let deal = f.deal_b;
    let lead_json = r#"{"company":"Matrix Lead","contact_name":"Kim","contact_email":"kim@matrix-lead.example","need":"Pilot"}"#.to_owned();
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
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
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
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::POST,
            format!("/api/v1/tier-proposals/{}/decision", f.decision_b),
            Some(r#"{"decision":"reject","note":"matrix"}"#.into()),
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::GET,
            "/api/v1/tier-evaluations".into(),
            None,
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::POST,
            "/api/v1/tier-evaluations".into(),
            None,
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/ipp-assessments"),
            None,
            Box::new(|r| on_b(r, if INTERNAL.contains(&r) { Allowed } else { Forbidden })),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/ipp-assessments"),
            None,
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
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
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
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
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
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
        (
            Method::GET,
            "/api/v1/leads".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/leads?partner={b}"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{a}/leads"),
            Some(lead_json.clone()),
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
            format!("/api/v1/partners/{b}/leads"),
            Some(lead_json.clone()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/leads/{}/reject", f.lead_b),
            Some(r#"{"reason":"Not a fit"}"#.into()),
            Box::new(move |r| on_b(r, if r == Role::Sales { Allowed } else { editor(r) })),
        ),
        (
            Method::POST,
            format!("/api/v1/leads/{}/accept", f.lead_b),
            None,
            Box::new(move |r| on_b(r, if r == Role::Sales { Allowed } else { editor(r) })),
        ),
        (
            Method::POST,
            "/api/v1/deals/import?dry_run=true".into(),
            Some("partner,customer_name\nalpha.com,X\n".into()),
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::POST,
            "/api/v1/leads/import?dry_run=true".into(),
            Some("partner,company,contact_name,contact_email,need\nalpha.com,Initech,Bill,bill@initech.com,Reports\n".into()),
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::GET,
            "/api/v1/deals/export".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/direct-opportunities/export".into(),
            None,
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::GET,
            "/api/v1/customer-accounts/export".into(),
            None,
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::GET,
            "/api/v1/leads/export".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/pipeline".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/pipeline?partner={b}"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            "/api/v1/rates".into(),
            None,
            Box::new(|r| {
                let reads = [
                    Role::Admin,
                    Role::PartnerManager,
                    Role::Sales,
                    Role::Marketing,
                    Role::Finance,
                    Role::Executive,
                ];
                if reads.contains(&r) { Allowed } else { Forbidden }
            }),
        ),
        (
            Method::POST,
            "/api/v1/rates/import?dry_run=true".into(),
            Some("currency,rate,effective_on\nEUR,1.0825,2026-01-01\n".into()),
            Box::new(|r| {
                let imports = [Role::Admin, Role::Finance];
                if imports.contains(&r) { Allowed } else { Forbidden }
            }),
        ),
        (
            Method::GET,
            "/api/v1/pipeline/snapshots".into(),
            None,
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::POST,
            "/api/v1/pipeline/snapshots".into(),
            None,
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::GET,
            "/api/v1/deals?status=submitted".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/deals/{deal}"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            format!("/api/v1/deals/{deal}/activities"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/activities"),
            Some(r#"{"kind":"note","note":"Called the buyer"}"#.into()),
            Box::new(move |r| on_b(r, if r == Role::Sales { Allowed } else { editor(r) })),
        ),
        (
            Method::PUT,
            format!("/api/v1/deals/{deal}/pipeline"),
            Some(r#"{"stage":"discovery","probability":40,"forecast_category":"pipeline"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/submit"),
            None,
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/extension"),
            Some(r#"{"reason":"Procurement"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/extension/decision"),
            Some(r#"{"approve":true}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/assignment"),
            Some(r#"{"deal_desk_review":true}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/close"),
            Some(r#"{"outcome":"lost"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/win-confirmation"),
            Some("{}".into()),
            Box::new(|r| {
                let confirms = [Role::Admin, Role::PartnerManager, Role::Sales];
                on_b(r, if confirms.contains(&r) { Allowed } else { Forbidden })
            }),
        ),
        (
            Method::GET,
            format!("/api/v1/deals/{deal}/conflict-case"),
            None,
            Box::new(move |r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/conflict-case"),
            Some(r#"{"action":"investigate"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/deals/{deal}/decision"),
            Some(r#"{"decision":"more_info","note":"Which subsidiary?"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/learning"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/learning"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{a}/enrollments"),
            Some(format!(
                r#"{{"contact_id":"{c}","certification":"sales_advanced"}}"#
            )),
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
            format!("/api/v1/partners/{b}/enrollments"),
            Some(format!(
                r#"{{"contact_id":"{c}","certification":"sales_advanced"}}"#
            )),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/enrollments/{}/requirements", f.enrollment_b),
            Some(r#"{"requirement":"Mock pitch","done":true}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            "/api/v1/certifications/import?dry_run=true".into(),
            Some(format!(
                "partner,email,certification,date,score\n{b},x@bravo.com,sales_foundation,2026-01-01,90\n"
            )),
            Box::new(move |r| {
                if INTERNAL.contains(&r) {
                    editor(r)
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/eligibility"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/eligibility"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{a}/onboarding"),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/partners/{b}/onboarding"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::POST,
            format!("/api/v1/onboarding-items/{}", f.onboarding_item_b),
            Some(r#"{"done":false}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/partners/{b}/health-checks"),
            Some(r#"{"day":30,"status":"on_track"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            "/api/v1/releases".into(),
            Some(r#"{"release":"v5"}"#.into()),
            Box::new(|r| if r == Role::Admin { Allowed } else { Forbidden }),
        ),
        (
            Method::POST,
            "/api/v1/program/simulations".into(),
            Some(format!(
                r#"{{"source":{}}}"#,
                serde_json::to_string(domain::program::DEFAULT_PROGRAM).unwrap()
            )),
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::GET,
            "/api/v1/program/versions".into(),
            None,
            Box::new(|r| if INTERNAL.contains(&r) { Allowed } else { Forbidden }),
        ),
        (
            Method::POST,
            "/api/v1/program/versions".into(),
            Some(r#"{"source":"not toml"}"#.into()),
            Box::new(|r| if r == Role::Admin { Allowed } else { Forbidden }),
        ),
        (
            Method::GET,
            format!("/api/v1/contacts/{c}"),
            None,
            Box::new(|r| on_b(r, Allowed)),
        ),
        (
            Method::PATCH,
            format!("/api/v1/contacts/{c}"),
            Some(r#"{"role":"CTO"}"#.into()),
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::POST,
            format!("/api/v1/contacts/{c}/archive"),
            None,
            Box::new(move |r| on_b(r, editor(r))),
        ),
        (
            Method::GET,
            "/api/v1/audit".into(),
            None,
            Box::new(|r| if r == Role::Admin { Allowed } else { Forbidden }),
        ),
        (
            Method::GET,
            "/api/v1/users".into(),
            None,
            Box::new(|r| {
                if [Role::Admin, Role::PartnerAdmin].contains(&r) {
                    Allowed
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(format!(
                r#"{{"email":"new-{{ROLE}}@alpha.com","name":"New","role":"partner_user","partner_id":"{a}","password":"a long enough password"}}"#
            )),
            Box::new(|r| {
                if [Role::Admin, Role::PartnerAdmin].contains(&r) {
                    Allowed
                } else {
                    Forbidden
                }
            }),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{victim}/disable"),
            None,
            Box::new(user_admin_on_b),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{victim}/enable"),
            None,
            Box::new(user_admin_on_b),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{victim}/reset-password"),
            Some(r#"{"password":"a new long password"}"#.into()),
            Box::new(user_admin_on_b),
        ),
    ]
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
