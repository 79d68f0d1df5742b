//! Partners see only their shapes: with internal-only values planted in every internal field
//! of partner A (our notes, stage and tier notes, our own deal activity, a deal-desk flag, a
//! health check, an IPP score), nothing of it reaches A's own people through the API or the
//! pages — on both databases.

mod common;

use axum::http::{Method, StatusCode};
use common::Fixture;
use domain::roles::Role;
use services::deals::{ActivityInput, AssignmentInput};
use store::testing::BACKENDS;

/// Values only we may read; any of them in a partner's response is a leak.
const PLANTED: [&str; 7] = [
    "PLANTED-notes",
    "PLANTED-stage-note",
    "PLANTED-tier-note",
    "PLANTED-our-call",
    "PLANTED-health",
    "deal-desk",
    "ipp_score",
];

async fn plant(f: &Fixture) -> uuid::Uuid {
    let s = &f.services;
    let pm = f.actor(Role::PartnerManager);
    let a = f.partner_a;
    let mut input = s.get_partner(pm, a).await.unwrap().to_input();
    input.notes = "PLANTED-notes: slow payer, keep an eye".into();
    s.update_partner(pm, a, &input).await.unwrap();
    s.change_partner_stage(pm, a, "recruiting", "PLANTED-stage-note")
        .await
        .unwrap();
    s.change_partner_stage(pm, a, "onboarding", "")
        .await
        .unwrap();
    s.record_health_check(pm, a, 30, "at_risk", "PLANTED-health: no pipeline")
        .await
        .unwrap();
    s.set_tier_manually(pm, a, "gold", "PLANTED-tier-note: CEO's friend")
        .await
        .unwrap();
    let facts = domain::program::history::QuarterFactsInput {
        ipp_score: "35".into(),
        ..Default::default()
    };
    s.set_quarter_facts(pm, a, &facts).await.unwrap();
    let deal = s
        .register_deal(
            pm,
            a,
            &common::deal_input("Canary Co", "canary.example"),
            false,
        )
        .await
        .unwrap();
    let ours = ActivityInput {
        kind: "note".into(),
        note: "PLANTED-our-call: they overstate the pipeline".into(),
        ..Default::default()
    };
    s.log_activity(pm, deal.id, &ours).await.unwrap();
    let flag = AssignmentInput {
        deal_desk_review: true,
        ..Default::default()
    };
    s.assign_deal(pm, deal.id, &flag).await.unwrap();
    deal.id
}

#[tokio::test]
async fn nothing_internal_reaches_a_partners_people() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let a = f.partner_a;
        let deal = plant(&f).await;
        let api = [
            "/api/v1/me".to_owned(),
            "/api/v1/me/notifications".into(),
            "/api/v1/partners".into(),
            format!("/api/v1/partners/{a}"),
            format!("/api/v1/partners/{a}/contacts"),
            format!("/api/v1/partners/{a}/timeline"),
            format!("/api/v1/partners/{a}/timeline?limit=200"),
            format!("/api/v1/partners/{a}/facts"),
            format!("/api/v1/partners/{a}/tier-proposals"),
            format!("/api/v1/partners/{a}/evaluation"),
            format!("/api/v1/partners/{a}/onboarding"),
            format!("/api/v1/partners/{a}/certifications"),
            format!("/api/v1/partners/{a}/learning"),
            format!("/api/v1/partners/{a}/eligibility"),
            "/api/v1/deals".into(),
            format!("/api/v1/deals/{deal}"),
            format!("/api/v1/deals/{deal}/activities"),
            "/api/v1/leads".into(),
            "/api/v1/pipeline".into(),
        ];
        for role in [Role::PartnerAdmin, Role::PartnerUser] {
            for path in &api {
                let (status, body) = f.api(Some(f.token(role)), Method::GET, path, None).await;
                assert!(
                    status == StatusCode::OK || status == StatusCode::FORBIDDEN,
                    "{role:?} GET {path}: {status} {body}"
                );
                for planted in PLANTED {
                    assert!(
                        !body.contains(planted),
                        "{role:?} GET {path} shows '{planted}': {body}"
                    );
                }
            }
        }
        // Internal users do read them: the test plants what it thinks it plants.
        let (_, timeline) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::GET,
                &format!("/api/v1/partners/{a}/timeline?limit=200"),
                None,
            )
            .await;
        assert!(timeline.contains("PLANTED-stage-note") && timeline.contains("deal-desk"));

        let (session, _) = f.sign_in("partner_user@test.example").await;
        for path in [
            format!("/partners/{a}"),
            "/partners".into(),
            "/deals".into(),
            format!("/deals/{deal}"),
            "/leads".into(),
            "/pipeline".into(),
            "/notifications".into(),
        ] {
            let (status, _, html) = f.page(&session, &path).await;
            assert!(
                status == StatusCode::OK || status == StatusCode::FORBIDDEN,
                "page {path}: {status}"
            );
            for planted in PLANTED {
                assert!(!html.contains(planted), "page {path} shows '{planted}'");
            }
        }
    }
}
