//! Who may call what: leads, registrations, the pipeline, exports, attachments, audit.

use super::*;

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let a = f.partner_a;
    let b = f.partner_b;
    let c = f.contact_b;
    let victim = f.victim_b;
    let deal = f.deal_b;
    let lead_json = r#"{"company":"Matrix Lead","contact_name":"Kim","contact_email":"kim@matrix-lead.example","need":"Pilot"}"#.to_owned();
    vec![
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
            Box::new(editor),
        ),
        (
            Method::POST,
            "/api/v1/leads/import?dry_run=true".into(),
            Some("partner,company,contact_name,contact_email,need\nalpha.com,Initech,Bill,bill@initech.com,Reports\n".into()),
            Box::new(editor),
        ),
        (
            Method::GET,
            "/api/v1/deals/export".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/deals/export?format=xlsx".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/direct-opportunities/export".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/direct-opportunities/export?format=xlsx".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/customer-accounts/export".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/customer-accounts/export?format=xlsx".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/leads/export".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/leads/export?format=xlsx".into(),
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
            "/api/v1/pipeline/export?format=xlsx".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/pipeline/export?format=csv&partner={b}"),
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
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/pipeline/snapshots".into(),
            None,
            Box::new(editor),
        ),
        (
            Method::GET,
            "/api/v1/deals?status=submitted".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            "/api/v1/deals?open=true&tier=bronze&partner_type=reseller&region=emea&close_quarter=2027-Q1&forecast=commit".into(),
            None,
            Box::new(|_| Allowed),
        ),
        (
            Method::GET,
            format!("/api/v1/deals?partner={}", f.partner_b),
            None,
            Box::new(ours_only),
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
            Box::new(editor),
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
            Box::new(ours_only),
        ),
        (
            Method::GET,
            "/api/v1/program/versions".into(),
            None,
            Box::new(ours_only),
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
