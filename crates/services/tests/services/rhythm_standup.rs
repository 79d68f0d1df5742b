//! The weekly standup's overdue onboarding items, through the services on both backends: the
//! pack counts what the partner's checklist shows open, never an item it shows done.

use super::rhythm::{figures, meeting, pair, texts};
use super::*;
use time::Duration;

#[tokio::test]
async fn the_standups_overdue_onboarding_items_leave_out_what_the_checklist_shows_done() {
    for backend in BACKENDS {
        let (db, w) = world(backend).await;
        let s = &w.services;
        let a = w.partner_a;
        let today = store::now().date();
        s.change_partner_stage(&w.manager, a, "recruiting", "")
            .await
            .unwrap();
        s.change_partner_stage(&w.manager, a, "onboarding", "signed")
            .await
            .unwrap();
        // All 23 items of the template fall due ten days ago.
        let mut tx = db.db.write().await.unwrap();
        let mut query = store::Sql::new("UPDATE onboarding_items SET due_on = ");
        query
            .push_bind(today - Duration::days(10))
            .push(" WHERE partner_id = ")
            .push_bind(a);
        tx.execute(query).await.unwrap();
        tx.commit().await.unwrap();
        let list = s.onboarding_checklist(&w.manager, a).await.unwrap();
        let id = |key: &str| list.items.iter().find(|i| i.key == key).unwrap().id;
        // One ticked by its owner, one observed: a sales certification on record.
        s.tick_onboarding_item(&w.manager, id("nda_signed"), true, "nda-alpha.pdf")
            .await
            .unwrap();
        let day = (today - Duration::days(3)).to_string();
        let csv = format!(
            "partner,email,certification,date,score\nalpha.com,ana@alpha.com,sales_foundation,{day},90\n"
        );
        s.import_certifications(&w.manager, &csv, false)
            .await
            .unwrap();
        let list = s.onboarding_checklist(&w.manager, a).await.unwrap();
        assert_eq!(list.overdue, 21, "23 less the ticked and the observed");

        let standup = s
            .create_meeting(&w.manager, &meeting("weekly_standup", today, &[&w.manager]))
            .await
            .unwrap();
        let standup = s.meeting(&w.manager, standup).await.unwrap();
        assert_eq!(
            figures(&standup, "overdue"),
            [
                pair("Onboarding items", "21"),
                pair("Remediation actions of escalations", "0")
            ]
        );
        let listed = texts(&standup, "overdue");
        assert_eq!(listed.len(), 21);
        for done in ["NDA signed — Alpha", "Sales certification earned — Alpha"] {
            assert!(
                !listed.contains(&format!("Onboarding: {done}")),
                "{done} in {listed:?}"
            );
        }
    }
}
