//! The internal NPS survey through the services, on both backends.

use super::*;
use rust_decimal::Decimal;
use services::internal_nps::AnswerForm;

fn answer(score: &str, comment: &str) -> AnswerForm {
    AnswerForm {
        score: score.into(),
        comment: comment.into(),
    }
}

#[tokio::test]
async fn each_of_our_people_answers_once_and_results_name_nobody() {
    each_backend(|w| async move {
        let s = &w.services;
        // No round yet: nothing to answer, no prompt.
        assert!(!s.internal_nps_prompt(&w.manager).await.unwrap());
        assert!(matches!(
            s.answer_internal_nps(&w.manager, &answer("8", "")).await,
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            s.open_internal_nps_round(&w.manager).await,
            Err(Error::Forbidden(_))
        ));
        let opened = s.open_internal_nps_round(&w.admin).await.unwrap();
        assert_eq!(opened.trend.len(), 1);
        assert!(matches!(
            s.open_internal_nps_round(&w.admin).await,
            Err(Error::Conflict(_))
        ));
        let due = s.open_due_internal_nps_round().await.unwrap();
        assert!(due.ends_with("was open already"), "{due}");
        assert!(s.internal_nps_prompt(&w.manager).await.unwrap());
        assert!(
            !s.internal_nps_prompt(&w.a_user).await.unwrap(),
            "partners are never asked"
        );

        let bad = s.answer_internal_nps(&w.manager, &answer("11", "")).await;
        assert!(
            matches!(&bad, Err(Error::Invalid(e)) if e[0].field == "score"),
            "{bad:?}"
        );
        s.answer_internal_nps(&w.manager, &answer("7", "Quick answers from the PMs"))
            .await
            .unwrap();
        assert!(matches!(
            s.answer_internal_nps(&w.manager, &answer("9", "")).await,
            Err(Error::Conflict(_))
        ));
        assert!(!s.internal_nps_prompt(&w.manager).await.unwrap());
        assert!(matches!(
            s.answer_internal_nps(&w.a_user, &answer("9", "")).await,
            Err(Error::Forbidden(_))
        ));
        // Two answers: the score shows, the comments wait for a third.
        s.answer_internal_nps(&w.executive, &answer("8", ""))
            .await
            .unwrap();
        let view = s.internal_nps(&w.admin).await.unwrap();
        let current = view.current.clone().unwrap();
        // (7 + 8) / 2 = 7.5, above the target 7.
        assert_eq!(current.score, Some("7.5".parse::<Decimal>().unwrap()));
        assert_eq!((current.answers, current.meets_target), (2, Some(true)));
        assert!(view.comments.is_empty());
        s.answer_internal_nps(&w.admin, &answer("8", ""))
            .await
            .unwrap();
        let view = s.internal_nps(&w.executive).await.unwrap();
        // (7 + 8 + 8) / 3 = 7.67 → 7.7.
        assert_eq!(
            view.current.clone().unwrap().score,
            Some("7.7".parse::<Decimal>().unwrap())
        );
        assert_eq!(view.comments, ["Quick answers from the PMs"]);
        assert!(view.teams.is_empty(), "nobody is on a team");
        let json = serde_json::to_string(&view).unwrap();
        assert!(
            !json.contains("pm@vendor.test")
                && !json.contains(&w.manager.user_id.unwrap().to_string())
        );
        assert!(matches!(
            s.internal_nps(&w.a_user).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn the_partner_team_does_not_rate_itself() {
    each_backend(|w| async move {
        let s = &w.services;
        let on = |who: &Actor| services::teams::MemberInput {
            user_id: who.user_id.unwrap().to_string(),
        };
        s.add_team_member(&w.admin, "partner_manager", &on(&w.manager))
            .await
            .unwrap();
        s.add_team_member(&w.admin, "executive", &on(&w.executive))
            .await
            .unwrap();
        s.open_internal_nps_round(&w.admin).await.unwrap();

        assert!(!s.internal_nps_prompt(&w.manager).await.unwrap());
        assert!(!s.internal_nps(&w.manager).await.unwrap().asked);
        let refused = s.answer_internal_nps(&w.manager, &answer("10", "")).await;
        assert!(
            matches!(&refused, Err(Error::Forbidden(m)) if m.contains("Partner management")),
            "{refused:?}"
        );

        assert!(s.internal_nps_prompt(&w.executive).await.unwrap());
        assert!(s.internal_nps(&w.executive).await.unwrap().asked);
        s.answer_internal_nps(&w.executive, &answer("6", ""))
            .await
            .unwrap();
        let current = s.internal_nps(&w.admin).await.unwrap().current.unwrap();
        assert_eq!(current.answers, 1, "the executive's answer only");
    })
    .await;
}
