//! Meetings of the communication rhythm: our people read them and their packs; admins,
//! partner managers and executives record meetings, decisions and action items and tick any
//! item done; a partner's people are refused every endpoint.

use super::*;

/// Those who run meetings, written out.
const RUNNERS: [Role; 3] = [Role::Admin, Role::PartnerManager, Role::Executive];

fn runner(role: Role) -> Expect {
    if RUNNERS.contains(&role) {
        Allowed
    } else {
        Forbidden
    }
}

pub(super) fn endpoints(f: &Fixture) -> Vec<Endpoint> {
    let meeting = format!("/api/v1/meetings/{}", f.meeting);
    let admin = f.actor(Role::Admin).user_id.unwrap();
    vec![
        (
            Method::GET,
            "/api/v1/meetings?kind=weekly_standup".into(),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            "/api/v1/meetings".into(),
            Some(format!(
                r#"{{"kind":"monthly_sync","held_on":"2026-01-05","attendees":["{admin}"]}}"#
            )),
            Box::new(runner),
        ),
        (Method::GET, meeting.clone(), None, Box::new(ours_only)),
        (
            Method::GET,
            format!("{meeting}/pack.md"),
            None,
            Box::new(ours_only),
        ),
        (
            Method::GET,
            format!("{meeting}/pack.html"),
            None,
            Box::new(ours_only),
        ),
        (
            Method::POST,
            format!("{meeting}/decisions"),
            Some(r#"{"text":"Bravo joins the co-selling pilot"}"#.into()),
            Box::new(runner),
        ),
        (
            Method::POST,
            format!("{meeting}/actions"),
            Some(format!(
                r#"{{"text":"Call Bravo","owner_id":"{admin}","due_on":"{}"}}"#,
                store::now().date()
            )),
            Box::new(runner),
        ),
        // The first runner ticks it; later ones get 409 (let through), the rest of our
        // people are not its owner.
        (
            Method::POST,
            format!("{meeting}/actions/{}/done", f.meeting_action),
            None,
            Box::new(runner),
        ),
    ]
}
