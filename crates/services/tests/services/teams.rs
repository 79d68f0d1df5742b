//! Teams: who may join (our people only), leads, the onboarding items a team's members
//! tick, and the stakeholder map's lost-update guard.

use super::*;
use domain::teams::StakeholderInput;
use rust_decimal::Decimal;
use services::teams::{LeadInput, MemberInput};

pub(super) fn member(actor: &Actor) -> MemberInput {
    MemberInput {
        user_id: actor.user_id.unwrap().to_string(),
    }
}

fn field_errors(err: Error) -> Vec<(String, String)> {
    match err {
        Error::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn only_our_people_join_teams_and_only_admins_place_them() {
    each_backend(|w| async move {
        let s = &w.services;
        let marketer = user(s, &w.admin, "mia@vendor.test", "marketing", None).await;
        let seller = user(s, &w.admin, "sam@vendor.test", "sales", None).await;

        let team = s
            .add_team_member(&w.admin, "marketing", &member(&marketer))
            .await
            .unwrap();
        assert_eq!(team.label, "Marketing");
        assert_eq!(
            team.members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
            ["mia@vendor.test"]
        );
        // A person may be on several teams.
        s.add_team_member(&w.admin, "sales", &member(&marketer))
            .await
            .unwrap();

        // Partner-side accounts never join, whatever their role.
        for partner_side in [&w.a_admin, &w.a_user] {
            let err = s
                .add_team_member(&w.admin, "marketing", &member(partner_side))
                .await
                .unwrap_err();
            assert_eq!(field_errors(err)[0].0, "user_id");
        }
        let err = s
            .add_team_member(&w.admin, "marketing", &member(&w.a_user))
            .await
            .unwrap_err();
        assert_eq!(
            field_errors(err),
            [(
                "user_id".to_owned(),
                "user@alpha.test is a partner user of a partner organisation; teams hold our own people only"
                    .to_owned()
            )]
        );
        let err = s
            .add_team_member(&w.admin, "marketing", &member(&marketer))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(why) if why == "mia@vendor.test is on the Marketing team already"),
            "{err:?}"
        );
        let bad = MemberInput {
            user_id: "mia".into(),
        };
        let err = s.add_team_member(&w.admin, "marketing", &bad).await.unwrap_err();
        assert_eq!(field_errors(err)[0].0, "user_id");
        assert!(matches!(
            s.add_team_member(&w.admin, "growth", &member(&seller)).await,
            Err(Error::NotFound)
        ));
        // Partner managers read teams but do not place people on them.
        assert!(matches!(
            s.add_team_member(&w.manager, "marketing", &member(&seller)).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.team(&w.a_admin, "marketing").await,
            Err(Error::Forbidden(_))
        ));

        // The lead is a member; taking the lead off the team leaves it without one.
        let err = s
            .set_team_lead(&w.admin, "marketing", &LeadInput { user_id: seller.user_id.unwrap().to_string() })
            .await
            .unwrap_err();
        assert_eq!(
            field_errors(err),
            [(
                "user_id".to_owned(),
                "the lead must be on the Marketing team; add them first".to_owned()
            )]
        );
        let team = s
            .set_team_lead(&w.admin, "marketing", &LeadInput { user_id: marketer.user_id.unwrap().to_string() })
            .await
            .unwrap();
        assert_eq!(team.lead.unwrap().email, "mia@vendor.test");
        let team = s
            .remove_team_member(&w.admin, "marketing", marketer.user_id.unwrap())
            .await
            .unwrap();
        assert!(team.members.is_empty());
        assert_eq!(team.lead, None);
        assert!(matches!(
            s.remove_team_member(&w.admin, "marketing", marketer.user_id.unwrap()).await,
            Err(Error::Conflict(_))
        ));
        // Still on sales.
        assert_eq!(s.team(&w.admin, "sales").await.unwrap().members.len(), 1);

        let log = s
            .audit_log(
                &w.admin,
                &services::audit::AuditQuery {
                    entity_type: "team".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let summaries: Vec<&str> = log
            .items
            .iter()
            .filter(|e| e.entity_type == "team")
            .map(|e| e.summary.as_str())
            .collect();
        assert_eq!(
            summaries,
            [
                "mia@vendor.test (mia@vendor.test) left the Marketing team, which has no lead now",
                "mia@vendor.test (mia@vendor.test) leads the Marketing team",
                "mia@vendor.test (mia@vendor.test) joined the Sales team",
                "mia@vendor.test (mia@vendor.test) joined the Marketing team",
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_teams_members_tick_its_onboarding_items_and_nobody_else_of_ours() {
    each_backend(|w| async move {
        let s = &w.services;
        let marketer = user(s, &w.admin, "mia@vendor.test", "marketing", None).await;
        let seller = user(s, &w.admin, "sam@vendor.test", "sales", None).await;
        s.change_partner_stage(&w.manager, w.partner_a, "recruiting", "")
            .await
            .unwrap();
        s.change_partner_stage(&w.manager, w.partner_a, "onboarding", "")
            .await
            .unwrap();
        let item = |list: &services::onboarding::Checklist| {
            list.items
                .iter()
                .find(|i| i.key == "resources_shared")
                .cloned()
                .unwrap()
        };
        let before = item(&s.onboarding_checklist(&marketer, w.partner_a).await.unwrap());
        assert_eq!(before.owner, "marketing");
        assert!(!before.can_tick, "a marketing role alone is no team membership");
        let refused = s
            .tick_onboarding_item(&marketer, before.id, true, "https://example.com/kit")
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, Error::Forbidden(why) if why == "this item is ticked by its owner (members of the Marketing team), by partner managers or by administrators"),
            "{refused:?}"
        );

        s.add_team_member(&w.admin, "marketing", &member(&marketer))
            .await
            .unwrap();
        s.add_team_member(&w.admin, "sales", &member(&seller))
            .await
            .unwrap();
        assert!(item(&s.onboarding_checklist(&marketer, w.partner_a).await.unwrap()).can_tick);
        assert!(!item(&s.onboarding_checklist(&seller, w.partner_a).await.unwrap()).can_tick);
        assert!(matches!(
            s.tick_onboarding_item(&seller, before.id, true, "https://example.com/kit").await,
            Err(Error::Forbidden(_))
        ));
        s.tick_onboarding_item(&marketer, before.id, true, "https://example.com/kit")
            .await
            .unwrap();
        let after = item(&s.onboarding_checklist(&w.admin, w.partner_a).await.unwrap());
        assert!(after.done);
        assert_eq!(after.done_by.as_deref(), Some("mia@vendor.test"));

        // The stakeholder map counts the team's open items: the template gives Marketing four
        // to tick by hand (resources_shared and three more), one is done.
        let map = s
            .stakeholder_map(&w.admin, &PageRequest::everything())
            .await
            .unwrap();
        let marketing = map.items.iter().find(|e| e.key == "marketing").unwrap();
        let figures: Vec<(&str, Option<&str>)> = marketing
            .figures
            .iter()
            .map(|f| (f.key.as_str(), f.shown.as_deref()))
            .collect();
        assert_eq!(
            figures,
            [
                ("members", Some("1")),
                ("open_onboarding_items", Some("3")),
                ("overdue_onboarding_items", Some("0")),
                ("open_work_items", Some("3")),
                ("open_escalations", Some("0")),
                ("internal_nps", None),
            ]
        );
        // The team page counts its queue the same way.
        let page = s.team(&w.admin, "marketing").await.unwrap();
        assert_eq!(page.figures, marketing.figures);
    })
    .await;
}

/// A team's survey figure as (shown, value).
fn survey_figure(figures: &[services::teams::Figure]) -> (Option<String>, Option<Decimal>) {
    let f = figures.iter().find(|f| f.key == "internal_nps").unwrap();
    (f.shown.clone(), f.value)
}

#[tokio::test]
async fn a_team_shows_its_survey_mean_from_three_answers_on() {
    each_backend(|w| async move {
        let s = &w.services;
        let sellers = [
            user(s, &w.admin, "sam@vendor.test", "sales", None).await,
            user(s, &w.admin, "sue@vendor.test", "sales", None).await,
            user(s, &w.admin, "sid@vendor.test", "sales", None).await,
        ];
        for seller in &sellers {
            s.add_team_member(&w.admin, "sales", &member(seller))
                .await
                .unwrap();
        }
        let team = s.team(&w.admin, "sales").await.unwrap();
        assert_eq!(survey_figure(&team.figures), (None, None), "no round yet");
        s.open_internal_nps_round(&w.admin).await.unwrap();
        let answer = |score: &str| services::internal_nps::AnswerForm {
            score: score.into(),
            comment: String::new(),
        };
        for (seller, score) in sellers.iter().zip(["7", "8"]) {
            s.answer_internal_nps(seller, &answer(score)).await.unwrap();
        }
        let team = s.team(&w.admin, "sales").await.unwrap();
        let fewer = (Some("fewer than 3 answers".to_owned()), None);
        assert_eq!(survey_figure(&team.figures), fewer, "two answers hide it");
        s.answer_internal_nps(&sellers[2], &answer("8"))
            .await
            .unwrap();
        // (7 + 8 + 8) / 3 = 7.67 → 7.7, on the team page and the stakeholder map alike.
        let seven_seven = (Some("7.7".to_owned()), Some("7.7".parse().unwrap()));
        let team = s.team(&w.admin, "sales").await.unwrap();
        assert_eq!(survey_figure(&team.figures), seven_seven);
        let map = s
            .stakeholder_map(&w.admin, &PageRequest::everything())
            .await
            .unwrap();
        let sales = map.items.iter().find(|e| e.key == "sales").unwrap();
        assert_eq!(survey_figure(&sales.figures), seven_seven);
        let marketing = map.items.iter().find(|e| e.key == "marketing").unwrap();
        assert_eq!(survey_figure(&marketing.figures), fewer);
        let ours = map
            .items
            .iter()
            .find(|e| e.key == "partner_manager")
            .unwrap();
        assert_eq!(
            survey_figure(&ours.figures),
            (
                Some("not asked: the survey is about this team".to_owned()),
                None
            )
        );
        let json = serde_json::to_value(&team).unwrap();
        let nps = json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == "internal_nps")
            .unwrap();
        assert_eq!(
            (&nps["shown"], &nps["value"]),
            (&"7.7".into(), &"7.7".into())
        );
    })
    .await;
}

fn entry(version: &str, decision_maker: &str) -> StakeholderInput {
    StakeholderInput {
        version: version.into(),
        decision_maker: decision_maker.into(),
        cares_about: "Pipeline sourced by partners".into(),
        blockers: "No MDF budget this quarter".into(),
        champion_name: "Ana Ortiz".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_stale_stakeholder_edit_is_refused_and_loses_nothing() {
    each_backend(|w| async move {
        let s = &w.services;
        let team = s
            .edit_stakeholder(&w.manager, "finance", &entry("0", "CFO"))
            .await
            .unwrap();
        assert_eq!(team.stakeholder.version, 1);
        assert_eq!(team.stakeholder.decision_maker, "CFO");
        assert_eq!(team.stakeholder.champion.as_ref().unwrap().name, "Ana Ortiz");
        assert_eq!(team.stakeholder.updated_by.as_deref(), Some("pm@vendor.test"));

        // An editor who read version 0 is told, and the first edit stands.
        let err = s
            .edit_stakeholder(&w.admin, "finance", &entry("0", "VP Finance"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(why) if why == "the Finance team's entry was edited by pm@vendor.test meanwhile (version 0 of 1); reload it and try again"),
            "{err:?}"
        );
        assert_eq!(
            s.team(&w.admin, "finance").await.unwrap().stakeholder.decision_maker,
            "CFO"
        );

        // Two editors racing from the same version: exactly one wins.
        let (controller, treasurer) = (entry("1", "Controller"), entry("1", "Treasurer"));
        let (a, b) = tokio::join!(
            s.edit_stakeholder(&w.admin, "finance", &controller),
            s.edit_stakeholder(&w.manager, "finance", &treasurer),
        );
        let conflicts = [&a, &b]
            .iter()
            .filter(|r| matches!(r, Err(Error::Conflict(_))))
            .count();
        assert_eq!((a.is_ok() as u8 + b.is_ok() as u8, conflicts), (1, 1));
        assert_eq!(s.team(&w.admin, "finance").await.unwrap().stakeholder.version, 2);

        // Field errors name their fields; a partner user is no champion.
        let too_long = StakeholderInput {
            decision_maker: "x".repeat(201),
            ..entry("2", "")
        };
        let err = s.edit_stakeholder(&w.admin, "finance", &too_long).await.unwrap_err();
        assert_eq!(
            field_errors(err),
            [(
                "decision_maker".to_owned(),
                "must be at most 200 characters".to_owned()
            )]
        );
        let partner_champion = StakeholderInput {
            champion_user_id: w.a_user.user_id.unwrap().to_string(),
            champion_name: String::new(),
            ..entry("2", "CFO")
        };
        let err = s
            .edit_stakeholder(&w.admin, "finance", &partner_champion)
            .await
            .unwrap_err();
        assert_eq!(field_errors(err)[0].0, "champion_user_id");
        assert!(matches!(
            s.edit_stakeholder(&w.executive, "finance", &entry("2", "CFO")).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}
