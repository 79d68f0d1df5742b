//! Channel conflicts: a registration that is not clear opens one escalation case, worked to
//! a recorded outcome.

use super::*;

/// Alpha and Bravo certified (so both may register), Bravo's administrator, and Alpha's
/// registration of Acme, which Bravo's registrations of Acme conflict with.
async fn alpha_registers_acme(w: &World) -> (Actor, services::deals::DealView) {
    let s = &w.services;
    let (a, b) = (w.partner_a, w.partner_b);
    certify(s, &w.manager, a, "ana@alpha.com").await;
    certify(s, &w.manager, b, "bo@bravo.com").await;
    let b_admin = user(s, &w.admin, "admin@bravo.test", "partner_admin", Some(b)).await;
    let first = s
        .register_deal(
            &w.a_user,
            a,
            &deal_input("Acme Corp", "acme.com", "80000"),
            true,
        )
        .await
        .unwrap();
    (b_admin, first)
}

#[tokio::test]
async fn a_conflict_opens_one_channel_conflict_escalation_resolved_with_an_outcome() {
    use domain::deals::cases::Outcome;
    use domain::escalations::{Category, State, Urgency};
    use services::escalations::{EntryInput, Escalation, Move};
    each_backend(|w| async move {
        let s = &w.services;
        let b = w.partner_b;
        let (b_admin, first) = alpha_registers_acme(&w).await;
        let second = s
            .register_deal(
                &b_admin,
                b,
                &deal_input("ACME Corporation", "www.acme.com", "60000"),
                true,
            )
            .await
            .unwrap();
        assert!(
            s.deal_conflict_case(&w.manager, first.id)
                .await
                .unwrap()
                .is_none(),
            "the first was clear"
        );
        let link = s
            .deal_conflict_case(&w.manager, second.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((link.state, link.conflict_outcome), (State::Open, None));
        let count = {
            let mut tx = s.db.read().await.unwrap();
            tx.one::<(i64,)>(store::sql!(
                "SELECT COUNT(*) FROM escalation_cases WHERE category = 'channel_conflict'"
            ))
            .await
            .unwrap()
            .0
        };
        assert_eq!(
            count, 1,
            "exactly one case, for the registration that was not clear"
        );
        let Escalation::Ours(ours) = s.escalation(&w.manager, link.id).await.unwrap() else {
            panic!("our people get our shape")
        };
        assert_eq!(
            (
                ours.case.category,
                ours.case.urgency,
                ours.case.deal_id,
                ours.case.submitted_by.as_str()
            ),
            (
                Category::ChannelConflict,
                Urgency::P3,
                Some(second.id),
                "PartnerOS conflict check"
            )
        );
        assert_eq!(
            ours.case.issue,
            format!(
                "Registration {} for ACME Corporation needs a conflict review: we are checking \
                 whether another registration or one of our own customers overlaps with it.",
                second.reference
            )
        );
        // Our people write down who the other party is; the partner never reads it.
        let note = EntryInput {
            body: format!("Overlaps {} of Alpha", first.reference),
        };
        s.post_escalation_note(&w.manager, link.id, &note)
            .await
            .unwrap();
        let Escalation::Partners(theirs) = s.escalation(&b_admin, link.id).await.unwrap() else {
            panic!("the partner gets its shape")
        };
        let shown = serde_json::to_string(&theirs).unwrap();
        assert!(shown.contains(&second.reference), "{shown}");
        assert!(
            !shown.contains(&first.reference) && !shown.contains("Alpha"),
            "{shown}"
        );
        assert_eq!(theirs.case.deal_id, Some(second.id));
        assert!(matches!(
            s.escalation(&w.a_user, link.id).await,
            Err(Error::NotFound)
        ));
        assert_eq!(
            s.deal_conflict_case(&b_admin, second.id)
                .await
                .unwrap()
                .unwrap()
                .id,
            link.id
        );

        // Registered by the system (no person): raised, as every conflict case, by the check.
        let by_system = s
            .register_deal(
                &Actor::system("test"),
                b,
                &deal_input("Acme Corp.", "acme.com", "1000"),
                true,
            )
            .await
            .unwrap();
        let link3 = s
            .deal_conflict_case(&w.manager, by_system.id)
            .await
            .unwrap()
            .unwrap();
        let Escalation::Ours(third) = s.escalation(&w.manager, link3.id).await.unwrap() else {
            panic!("our shape")
        };
        assert_eq!(third.case.submitted_by, "PartnerOS conflict check");

        let moved = |transition: &str, outcome: &str| Move {
            transition: transition.into(),
            message: "Both partners work Acme with our AE".into(),
            conflict_outcome: outcome.into(),
            version: None,
        };
        match s
            .move_escalation(&w.manager, link.id, &moved("acknowledge", "co_sell"))
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "conflict_outcome"),
            other => panic!("{other:?}"),
        }
        s.move_escalation(&w.manager, link.id, &moved("acknowledge", ""))
            .await
            .unwrap();
        s.move_escalation(&w.manager, link.id, &moved("start", ""))
            .await
            .unwrap();
        for outcome in ["", "maybe"] {
            match s
                .move_escalation(&w.manager, link.id, &moved("resolve", outcome))
                .await
            {
                Err(Error::Invalid(errors)) => assert_eq!(
                    errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                    ["conflict_outcome"]
                ),
                other => panic!("{other:?}"),
            }
        }
        let Escalation::Ours(resolved) = s
            .move_escalation(&w.manager, link.id, &moved("resolve", "co_sell"))
            .await
            .unwrap()
        else {
            panic!("our shape")
        };
        assert_eq!(
            (resolved.case.state, resolved.case.conflict_outcome),
            (State::Resolved, Some(Outcome::CoSell))
        );
        // The registration's decision stays its own step.
        assert_eq!(
            s.deal(&w.manager, second.id).await.unwrap().status,
            domain::deals::registration::Status::Submitted
        );
        let link = s
            .deal_conflict_case(&b_admin, second.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (link.state, link.conflict_outcome),
            (State::Resolved, Some(Outcome::CoSell))
        );

        // Reopened, the case has no outcome until it is resolved again with a new one.
        let Escalation::Partners(reopened) = s
            .move_escalation(&b_admin, link.id, &moved("reopen", ""))
            .await
            .unwrap()
        else {
            panic!("the partner's shape")
        };
        assert_eq!(
            (reopened.case.state, reopened.case.conflict_outcome),
            (State::Reopened, None)
        );
        s.move_escalation(&w.manager, link.id, &moved("start", ""))
            .await
            .unwrap();
        match s
            .move_escalation(&w.manager, link.id, &moved("resolve", ""))
            .await
        {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "conflict_outcome"),
            other => panic!("{other:?}"),
        }
        s.move_escalation(&w.manager, link.id, &moved("resolve", "registration_wins"))
            .await
            .unwrap();
        // The registration links to its case, for our people and for the partner alike.
        for reader in [&w.manager, &b_admin] {
            let case = s.deal(reader, second.id).await.unwrap().conflict_case.unwrap();
            assert_eq!(
                (
                    case.id,
                    case.link.clone(),
                    case.state,
                    case.conflict_outcome,
                    case.settled()
                ),
                (
                    link.id,
                    format!("/escalations/{}", link.id),
                    State::Resolved,
                    Some(Outcome::RegistrationWins),
                    true
                )
            );
        }
        assert!(s.deal(&w.manager, first.id).await.unwrap().conflict_case.is_none());
        let audit = s
            .audit_log(&w.admin, &Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|e| e.entity_id == link.id && e.action == "resolve")
            .map(|e| e.summary)
            .collect::<Vec<_>>();
        let reference = &link.reference;
        assert_eq!(
            audit,
            [
                format!("{reference}: Resolved, awaiting the partner's confirmation (The registering partner keeps the customer)"),
                format!("{reference}: Resolved, awaiting the partner's confirmation (Shared: worked as a co-sell)"),
            ],
            "the earlier outcome stays in the audit log"
        );
    })
    .await;
}

#[tokio::test]
async fn rejecting_a_registration_closes_its_open_conflict_case_as_moot() {
    use domain::deals::cases::Outcome;
    use domain::escalations::{EntryKind, State};
    use services::deals::DealDecision;
    use services::escalations::{Escalation, Move};
    each_backend(|w| async move {
        let s = &w.services;
        let b = w.partner_b;
        let (b_admin, _) = alpha_registers_acme(&w).await;
        let mut conflicting = Vec::new();
        for size in ["60000", "50000", "40000"] {
            let deal = s
                .register_deal(
                    &b_admin,
                    b,
                    &deal_input("ACME Corporation", "acme.com", size),
                    true,
                )
                .await
                .unwrap();
            let case = s
                .deal_conflict_case(&w.manager, deal.id)
                .await
                .unwrap()
                .expect("not clear: a case");
            conflicting.push((deal, case));
        }
        let [
            (rejected, rejected_case),
            (approved, approved_case),
            (settled, settled_case),
        ] = &conflicting[..]
        else {
            unreachable!()
        };
        let decide = |decision: &str| DealDecision {
            decision: decision.into(),
            note: "Acme is Alpha's, registered first".into(),
        };
        let manager = &w.manager;
        let state_of = |id: uuid::Uuid| async move {
            let Escalation::Ours(ours) = s.escalation(manager, id).await.unwrap() else {
                panic!("our shape")
            };
            ours
        };

        // Rejected: the case closes with the decision, without an outcome, and says why.
        s.decide_deal(&w.manager, rejected.id, &decide("reject"))
            .await
            .unwrap();
        let closed = state_of(rejected_case.id).await;
        assert_eq!(
            (closed.case.state, closed.case.conflict_outcome),
            (State::Closed, None)
        );
        let last = closed.entries.iter().max_by_key(|e| e.at).unwrap();
        assert_eq!(
            (last.kind, last.state, last.body.clone()),
            (
                EntryKind::StateChange,
                Some(State::Closed),
                format!(
                    "Registration {} was rejected: the conflict is moot, so the case is closed \
                     without a conflict outcome",
                    rejected.reference
                )
            )
        );
        let audit = s
            .audit_log(&w.admin, &Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|e| e.entity_id == rejected_case.id)
            .map(|e| e.action)
            .collect::<Vec<_>>();
        assert_eq!(audit, ["close_moot", "submit"], "newest first");

        // Approved: the case stays for a person to resolve with an outcome.
        s.decide_deal(&w.manager, approved.id, &decide("approve"))
            .await
            .unwrap();
        let open = state_of(approved_case.id).await;
        assert_eq!(
            (
                open.case.state,
                open.case.conflict_outcome,
                open.entries.len()
            ),
            (State::Open, None, 0)
        );

        // Resolved before the rejection: left as the person resolved it.
        for (transition, outcome) in [
            ("acknowledge", ""),
            ("start", ""),
            ("resolve", "other_party_wins"),
        ] {
            s.move_escalation(
                &w.manager,
                settled_case.id,
                &Move {
                    transition: transition.into(),
                    message: "Alpha keeps Acme".into(),
                    conflict_outcome: outcome.into(),
                    version: None,
                },
            )
            .await
            .unwrap();
        }
        let before = state_of(settled_case.id).await;
        s.decide_deal(&w.manager, settled.id, &decide("reject"))
            .await
            .unwrap();
        let after = state_of(settled_case.id).await;
        assert_eq!(
            (
                after.case.state,
                after.case.conflict_outcome,
                after.case.version,
                after.entries.len()
            ),
            (
                State::Resolved,
                Some(Outcome::OtherPartyWins),
                before.case.version,
                3
            )
        );
    })
    .await;
}
