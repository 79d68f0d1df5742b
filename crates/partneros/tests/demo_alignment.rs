//! The demo's alignment story told truthfully, on both backends: its breached cases were
//! raised in the past and escalated by a sweep at the real now (step 1 with the owner
//! already, step 2 to the alliances lead and the CMO), the trends have four quarters of
//! closed cases, and its people, leads, stakeholder map and survey rounds are what a new
//! user expects of them.

use services::escalations::{EntryView, Escalation, EscalationQuery, Escalations, TrendsQuery};
use services::work::MyWorkQuery;
use services::{Actor, Config, PageRequest, Services};
use store::testing::{BACKENDS, TestDb};

async fn person(db: &TestDb, email: &str) -> Actor {
    let mut tx = db.db.read().await.unwrap();
    let user = store::users::get_by_email(&mut tx, email)
        .await
        .unwrap()
        .unwrap();
    Actor::from_user(&user)
}

/// What `who` was told that mentions `about`.
async fn told(s: &Services, who: &Actor, about: &str) -> Vec<String> {
    let all = s.notifications(who, &Default::default()).await.unwrap();
    let mut messages: Vec<String> = all.items.into_iter().map(|n| n.message).collect();
    messages.retain(|m| m.contains(about));
    messages
}

/// The open case about `issue` with its log, as Priya sees it.
async fn case(
    s: &Services,
    priya: &Actor,
    issue: &str,
) -> (services::escalations::CaseView, Vec<EntryView>) {
    let query = EscalationQuery {
        state: "open,in_progress".into(),
        limit: Some(200),
        ..Default::default()
    };
    let Escalations::Ours(page) = s.list_escalations(priya, &query).await.unwrap() else {
        panic!("our people get our shape");
    };
    let id = page
        .items
        .iter()
        .find(|c| c.issue.contains(issue))
        .unwrap_or_else(|| panic!("no open case about {issue}"))
        .id;
    match s.escalation(priya, id).await.unwrap() {
        Escalation::Ours(detail) => (detail.case, detail.entries),
        Escalation::Partners(_) => panic!("our people get our shape"),
    }
}

#[tokio::test]
async fn the_demo_tells_the_alignment_story_on_the_real_clock() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let s = Services::new(db.db.clone(), Config::default());
        assert!(s.seed_demo().await.unwrap());
        let now = store::now();
        let priya = person(&db, "pm@demo.partneros.test").await;
        let marco = person(&db, "pm2@demo.partneros.test").await;

        // The P1 was raised three hours ago: its two calendar hours are gone on the real
        // clock, and step 1 reached its own partner manager, who owns it already.
        let (outage, _) = case(&s, &priya, "order sync").await;
        assert!(
            outage.created_at <= now - time::Duration::hours(3),
            "{backend:?}"
        );
        assert!(outage.breached);
        let step = outage.escalation.expect("the sweep escalated the P1");
        assert_eq!(step.step, 1);
        assert_eq!(
            step.reached,
            "Escalated to Partner manager (Priya Patel), already with the owner"
        );
        assert!(told(&s, &priya, "escalated to you").await.is_empty());

        // The roadshow's five working days ran out more than 7 days ago: step 2.
        let (roadshow, entries) = case(&s, &priya, "roadshow").await;
        let step = roadshow
            .escalation
            .expect("the sweep escalated the MDF case");
        assert_eq!(step.step, 2);
        assert_eq!(
            step.reached,
            "Escalated to Alliances lead (Marco Rossi) and CMO (Mia Marketing)"
        );
        assert!(entries.iter().any(|e| e.body == step.reached));
        let mia = person(&db, "marketing@demo.partneros.test").await;
        for who in [&marco, &mia] {
            let heard = told(&s, who, "escalated to you").await;
            assert_eq!(heard.len(), 1, "{heard:?}");
            assert!(
                heard[0].ends_with("escalated to you (step 2 of 3)"),
                "{heard:?}"
            );
        }

        // Four quarters of cases, with late ones among them.
        let trends = s
            .escalation_trends(&priya, &TrendsQuery::default())
            .await
            .unwrap();
        assert_eq!(trends.quarters.len(), 4);
        for quarter in &trends.quarters {
            assert!(
                quarter.cases >= 2,
                "{}: {} cases",
                quarter.quarter,
                quarter.cases
            );
            assert!(quarter.resolution_days.median.is_some() || quarter.quarter == trends.quarter);
        }
        let breached: u64 = trends.quarters.iter().map(|q| q.breached_cases).sum();
        assert!(breached >= 4, "{breached} breached cases in four quarters");

        // Pia works for Product with Marketing's permissions, none of Sales'.
        let pia = person(&db, "product@demo.partneros.test").await;
        assert_eq!(pia.role, domain::roles::Role::Marketing);

        // Every team but partner management has its stakeholder map entry.
        let map = s
            .stakeholder_map(&priya, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        let entered: Vec<&str> = map
            .iter()
            .filter(|e| !e.stakeholder.decision_maker.is_empty())
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(
            entered,
            [
                "sales",
                "marketing",
                "product",
                "finance",
                "legal",
                "executive"
            ]
        );
        // The map counts each queue's open work as the team page does: Sales holds
        // Northwind's lead to accept; Legal's one survey answer is too few to show.
        let figure = |team: &str, key: &str| {
            let entry = map.iter().find(|e| e.key == team).unwrap();
            let f = entry.figures.iter().find(|f| f.key == key).unwrap();
            f.shown.clone()
        };
        assert_eq!(figure("sales", "open_work_items").as_deref(), Some("1"));
        let sales_page = s.team(&priya, "sales").await.unwrap();
        let on_page = sales_page
            .figures
            .iter()
            .find(|f| f.key == "open_work_items");
        assert_eq!(on_page.unwrap().shown.as_deref(), Some("1"));
        assert_eq!(
            figure("legal", "internal_nps").as_deref(),
            Some("fewer than 3 answers")
        );

        // Legal has Lena, and the onboarding partners' contracts are in Legal's queue on her
        // "My work" (contract_review: Legal R), none of them in partner management's.
        let lena = person(&db, "legal@demo.partneros.test").await;
        assert_eq!(lena.role, domain::roles::Role::Marketing);
        let contracts = s
            .my_work(&lena, &MyWorkQuery::default())
            .await
            .unwrap()
            .items;
        assert!(!contracts.is_empty(), "{backend:?}");
        for item in &contracts {
            assert_eq!(
                item.kind,
                domain::work::EntryKind::ContractReview,
                "{}",
                item.title
            );
        }
        let titles: Vec<&str> = contracts.iter().map(|w| w.title.as_str()).collect();
        for title in [
            "NDA signed",
            "MSA signed",
            "Partner program agreement signed",
        ] {
            assert!(titles.iter().any(|t| t.contains(title)), "{titles:?}");
        }
        let priyas = s
            .my_work(&priya, &MyWorkQuery::default())
            .await
            .unwrap()
            .items;
        assert!(
            !priyas.iter().any(|w| w.title.contains("NDA signed")),
            "{:?}",
            priyas.iter().map(|w| &w.title).collect::<Vec<_>>()
        );

        // Leads: Bluepeak's two accepted, Northwind's waiting in Sam's queue.
        let sam = person(&db, "sales@demo.partneros.test").await;
        let leads = s
            .leads(&sam, None, None, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        let mut statuses: Vec<(&str, &str)> = leads
            .iter()
            .map(|l| (l.company.as_str(), l.status.as_str()))
            .collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [
                ("Kramerica Labs", "submitted"),
                ("Pendant Publishing", "accepted"),
                ("Vandelay Industries", "accepted"),
            ]
        );
        let work = s
            .my_work(&sam, &MyWorkQuery::default())
            .await
            .unwrap()
            .items;
        assert!(
            work.iter().any(|w| w.title.contains("Kramerica Labs")),
            "{:?}",
            work.iter().map(|w| &w.title).collect::<Vec<_>>()
        );

        // Three survey rounds; partner management is not asked about itself.
        let survey = s.internal_nps(&priya).await.unwrap();
        let answers: Vec<usize> = survey.trend.iter().map(|r| r.answers).collect();
        assert_eq!(answers, [4, 5, 6]);
        assert!(!survey.asked);
        assert!(!s.internal_nps_prompt(&priya).await.unwrap());
    }
}
