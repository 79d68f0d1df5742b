//! Planting: internal-only values in every internal field of a partner, and records of its
//! own to call by id.

use super::*;

/// Plants `tag`-marked values in every internal field of `partner`, and records of its own
/// to call by id. `member` is one of the partner's users and `token` one of its API tokens.
pub(super) async fn plant(
    f: &Fixture,
    partner: Uuid,
    tag: &str,
    member: Uuid,
    token: Uuid,
) -> Side {
    let s = &f.services;
    let admin = f.actor(Role::Admin);
    let pm = f.actor(Role::PartnerManager);
    let secret = |what: &str| format!("{tag}-PLANTED-{what}");
    let mine = |what: &str| format!("{tag}-OWN-{what}");
    let mut internal = Vec::new();
    let mut own = Vec::new();

    let internal_user = |role: Role, what: &str| domain::users::NewUserInput {
        email: format!("{}-{}@vendor.test", tag.to_lowercase(), what),
        name: secret(what),
        role: role.as_str().into(),
        partner_id: None,
        password: common::PASSWORD.into(),
    };
    let ae = s
        .create_user(admin, &internal_user(Role::Sales, "ae"))
        .await
        .unwrap();
    let confirmer = s
        .create_user(admin, &internal_user(Role::PartnerManager, "confirmer"))
        .await
        .unwrap();
    let confirmer = services::Actor::from_user(&confirmer);
    internal.extend([secret("ae"), secret("confirmer"), ae.id.to_string()]);

    // Our notes on the partner, the stage and tier notes, a health check.
    let mut input = s.get_partner(pm, partner).await.unwrap().to_input();
    input.notes = secret("notes");
    s.update_partner(pm, partner, &input).await.unwrap();
    let stage = s.get_partner(pm, partner).await.unwrap().stage.to_string();
    let step = if stage == "prospect" {
        "recruiting"
    } else {
        "paused"
    };
    s.change_partner_stage(pm, partner, step, &secret("stage-note"))
        .await
        .unwrap();
    s.change_partner_stage(pm, partner, "onboarding", "")
        .await
        .unwrap();
    s.record_health_check(pm, partner, 30, "at_risk", &secret("health"))
        .await
        .unwrap();
    let decision = s
        .set_tier_manually(pm, partner, "gold", &secret("tier-note"))
        .await
        .unwrap()
        .id;
    internal.extend(["notes", "stage-note", "health", "tier-note"].map(secret));

    // The IPP: an assessment with a red flag, and a score in the quarter's facts.
    let criteria = [
        "industry_segment",
        "geography",
        "customer_overlap",
        "certifications_delivery",
        "integrations",
        "gtm_fit",
        "commitment_signals",
        "cultural_fit",
        "deal_economics",
    ];
    let ipp = domain::program::ipp::IppInput {
        scores: criteria
            .iter()
            .map(|k| ((*k).to_owned(), "4".to_owned()))
            .collect(),
        red_flags: vec!["poor_nps".into()],
        notes: secret("ipp"),
    };
    let ipp = s.assess_ipp(pm, partner, &ipp).await.unwrap().id;
    let facts = domain::program::history::QuarterFactsInput {
        ipp_score: "35".into(),
        ..Default::default()
    };
    s.set_quarter_facts(pm, partner, &facts).await.unwrap();
    internal.extend([secret("ipp"), "poor_nps".into(), "Poor customer NPS".into()]);
    internal.push("ipp_score".into());

    // A 3C/4C evaluation we keep to ourselves.
    let evaluation = domain::program::scoring_3c4c::EvaluationInput {
        capacity: "2".into(),
        capability: "3".into(),
        commitment: "1".into(),
        capacity_notes: secret("3c4c-capacity"),
        capability_notes: secret("3c4c-capability"),
        commitment_notes: secret("3c4c-commitment"),
        summary: secret("3c4c-summary"),
        action_plan: secret("3c4c-plan"),
        shared: false,
        ..Default::default()
    };
    let evaluation = s.evaluate_3c4c(pm, partner, &evaluation).await.unwrap().id;
    internal.extend(
        [
            "3c4c-capacity",
            "3c4c-capability",
            "3c4c-commitment",
            "3c4c-summary",
            "3c4c-plan",
        ]
        .map(secret),
    );

    // The partner's own records: a contact in training, a file, a lead.
    let contact = domain::partners::ContactInput {
        name: mine("contact"),
        email: format!(
            "{}-contact@{}-own.example",
            tag.to_lowercase(),
            tag.to_lowercase()
        ),
        ..Default::default()
    };
    let contact = s.add_contact(pm, partner, &contact).await.unwrap().id;
    let enrollment = s
        .enroll(pm, partner, &contact.to_string(), "sales_foundation")
        .await
        .unwrap();
    let attachment_name = format!("{}-own-file.pdf", tag.to_lowercase());
    let attachment = s
        .upload_attachment(
            pm,
            partner,
            &attachment_name,
            "application/pdf",
            mine("file").as_bytes(),
        )
        .await
        .unwrap()
        .id;
    let lead = domain::deals::leads::LeadInput {
        company: mine("lead"),
        contact_name: "Pat".into(),
        contact_email: format!("pat@{}-prospect.example", tag.to_lowercase()),
        need: "A pilot".into(),
        ..Default::default()
    };
    let lead = s.submit_lead(pm, partner, &lead).await.unwrap().id;
    // The work the lead opened for sales, with our comment: partners never see work items.
    let work = f.work_about(lead).await;
    let comment = services::work::CommentInput {
        body: secret("work-comment"),
    };
    s.comment_on_work(admin, work, &comment).await.unwrap();
    internal.extend([secret("work-comment"), work.to_string()]);
    let onboarding_item = s
        .onboarding_checklist(pm, partner)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.key == "portal_login")
        .unwrap()
        .id;
    // An escalation with our internal note beside an update the partner reads.
    let raised = domain::escalations::Form {
        issue: mine("escalation"),
        category: "technical".into(),
        urgency: "p3".into(),
        occurred_on: "2026-01-05".into(),
    };
    let escalation = match s.submit_escalation(pm, partner, &raised).await.unwrap() {
        services::escalations::Escalation::Ours(seen) => seen.case.id,
        services::escalations::Escalation::Partners(seen) => seen.case.id,
    };
    let owner = services::escalations::Reassign {
        owner_id: pm.user_id,
        version: None,
    };
    s.reassign_escalation(admin, escalation, &owner)
        .await
        .unwrap();
    let entry = |body: String| services::escalations::EntryInput { body };
    s.post_escalation_note(pm, escalation, &entry(secret("escalation-note")))
        .await
        .unwrap();
    s.post_escalation_update(pm, escalation, &entry(mine("escalation-update")))
        .await
        .unwrap();
    internal.push(secret("escalation-note"));
    // The sweep's internal record of the ladder, naming the executive sponsor (named by the
    // first side planted) two months after the case breached.
    let sponsor_named = s
        .escalation_titles(admin, &services::PageRequest::everything())
        .await
        .unwrap()
        .items
        .iter()
        .any(|t| t.title == "executive_sponsor" && t.version.is_some());
    if !sponsor_named {
        let sponsor = s
            .create_user(admin, &internal_user(Role::Executive, "sponsor"))
            .await
            .unwrap();
        let holder = services::escalations::TitleHolderInput {
            title: "executive_sponsor".into(),
            user_id: Some(sponsor.id),
            version: None,
        };
        s.name_title_holder(admin, &holder).await.unwrap();
        internal.push(secret("sponsor"));
    }
    s.sweep_escalations(store::now() + time::Duration::days(60))
        .await
        .unwrap();
    internal.push("Escalated to Executive sponsor (".into());
    // Resolved (our update acknowledged it), with our post-resolution review of it.
    for transition in ["start", "resolve"] {
        let step = services::escalations::Move {
            transition: transition.into(),
            version: None,
            message: mine("escalation-resolution"),
            ..Default::default()
        };
        s.move_escalation(pm, escalation, &step).await.unwrap();
    }
    let review = domain::escalations::ReviewForm {
        what_happened: secret("review-what"),
        root_cause: secret("review-cause"),
        lessons: secret("review-lessons"),
        prevention: secret("review-prevention"),
        follow_ups: secret("review-follow-ups"),
        version: None,
    };
    s.write_escalation_review(admin, escalation, &review)
        .await
        .unwrap();
    internal.extend(["review-cause", "review-follow-ups"].map(secret));
    // Of the case's owner and clocks the partner reads the owner's name and the due
    // instants only: never the clocks' states, whether one is breached, or the ladder step.
    internal.extend(
        [
            r#""first_response":{"state""#,
            r#""breached":"#,
            r#""escalation":{"step""#,
        ]
        .map(str::to_owned),
    );
    own.extend(["contact", "file", "lead", "escalation", "escalation-update"].map(mine));
    own.push(attachment_name.clone());

    // An integration request with Product's note on it (and, read by our people, the
    // ranking's revenue); the customer and its amount are the partner's own.
    let amount = if tag == "A" { "1111.11" } else { "2222.22" };
    let asked = domain::integration_requests::Form {
        title: mine("integration"),
        description: "Sync both ways".into(),
        system: "Salesforce".into(),
        customers: vec![domain::integration_requests::CustomerForm {
            name: mine("ir-customer"),
            amount: amount.into(),
            currency: "USD".into(),
            deal_id: None,
        }],
    };
    let integration_request = match s
        .submit_integration_request(pm, partner, &asked)
        .await
        .unwrap()
    {
        services::integration_requests::IntegrationRequest::Ours(seen) => seen.id,
        services::integration_requests::IntegrationRequest::Partners(seen) => seen.id,
    };
    let review = services::integration_requests::Move {
        transition: "review".into(),
        internal_note: secret("product-note"),
        ..Default::default()
    };
    s.move_integration_request(admin, integration_request, &review)
        .await
        .unwrap();
    internal.push(secret("product-note"));
    own.extend([mine("integration"), mine("ir-customer"), amount.to_owned()]);

    // A deal with our own call on it, our AE and a deal-desk flag (a sales certification
    // first: registering needs one).
    let day = (store::now().date() - time::Duration::days(3)).to_string();
    let completions = format!(
        "partner,email,certification,date,score\n{partner},certified@{}-own.example,sales_foundation,{day},90\n",
        tag.to_lowercase()
    );
    s.import_certifications(admin, &completions, false)
        .await
        .unwrap();
    let deal_customer = mine("customer");
    let deal = s
        .register_deal(
            pm,
            partner,
            &common::deal_input(
                &deal_customer,
                &format!("{}-customer.example", tag.to_lowercase()),
            ),
            true,
        )
        .await
        .unwrap();
    if deal.status != domain::deals::registration::Status::Approved {
        let approve = DealDecision {
            decision: "approve".into(),
            note: String::new(),
        };
        s.decide_deal(pm, deal.id, &approve).await.unwrap();
    }
    let ours = ActivityInput {
        kind: "note".into(),
        note: secret("our-call"),
        ..Default::default()
    };
    let activity = s.log_activity(pm, deal.id, &ours).await.unwrap().id;
    let assignment = AssignmentInput {
        ae_user_id: ae.id.to_string(),
        deal_desk_review: true,
        ..Default::default()
    };
    s.assign_deal(pm, deal.id, &assignment).await.unwrap();
    internal.extend([secret("our-call"), "deal-desk".into()]);
    own.push(deal_customer);

    // Won, after a joint call (the partner sees that it happened, not our note on it), and
    // confirmed at once because one of ours recorded the win: who confirmed it is ours.
    let joint = ActivityInput {
        kind: "call".into(),
        joint: true,
        note: secret("joint-call"),
        ..Default::default()
    };
    s.log_activity(pm, deal.id, &joint).await.unwrap();
    let close = DealClose {
        outcome: "won".into(),
        ..Default::default()
    };
    s.close_deal(&confirmer, deal.id, &close).await.unwrap();
    internal.extend([
        format!("confirmed by {}", confirmer.label),
        confirmer.label.clone(),
        secret("joint-call"),
    ]);

    own.push(partner.to_string());
    for id in [
        deal.id,
        contact,
        attachment,
        lead,
        escalation,
        integration_request,
        decision,
        onboarding_item,
        enrollment,
        member,
        token,
    ] {
        own.push(id.to_string());
    }
    // A meeting of ours whose decision names the partner's deal.
    let meeting = s
        .create_meeting(
            pm,
            &domain::rhythm::MeetingForm {
                kind: "weekly_standup".into(),
                // One standup a week: the fixture holds 2026-01-05's, each plant its own.
                held_on: if tag == "A" {
                    "2026-01-12"
                } else {
                    "2026-01-19"
                }
                .into(),
                attendees: vec![pm.user_id.unwrap().to_string()],
            },
        )
        .await
        .unwrap();
    s.add_meeting_decision(
        pm,
        meeting,
        &domain::rhythm::DecisionForm {
            text: secret("meeting-decision"),
        },
    )
    .await
    .unwrap();
    internal.push(secret("meeting-decision"));
    // Records that are ours alone: even their ids stay with us.
    internal.extend([activity, evaluation, ipp, meeting].map(|id| id.to_string()));
    Side {
        partner,
        deal: deal.id,
        activity,
        contact,
        attachment,
        attachment_name,
        lead,
        escalation,
        work,
        integration_request,
        meeting,
        decision,
        evaluation,
        ipp,
        onboarding_item,
        enrollment,
        user: member,
        token,
        internal,
        own,
    }
}
