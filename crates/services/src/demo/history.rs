//! The demo's escalation history, planted at instants in the past so the clocks read true on
//! the real clock: closed cases across the last four quarters (answered and resolved in
//! varying times, some late, some reviewed) for the trends, and two open cases raised long
//! enough ago that their targets are breached now, which the sweep, run at the real now,
//! escalates. Planted rows, like the book's histories: a case's clocks are derived from its
//! creation instant and its logged state changes, which no service lets anyone backdate.

use domain::Choice;
use domain::escalations::{EntryKind, ReviewForm, State};
use domain::quarter::Quarter;
use store::escalations::{CaseRow, EntryRow};
use time::{Duration, OffsetDateTime, Time};
use uuid::Uuid;

use crate::{Actor, Error, Result, Services};

/// A closed case of the past.
struct Past {
    /// Index into the demo's partners (0 Northwind, 1 Bluepeak).
    partner: usize,
    category: &'static str,
    urgency: &'static str,
    /// Quarters before the current one (0 for the current).
    quarters_back: u32,
    /// Days into that quarter it was raised, at 10:00 UTC.
    day: i64,
    /// Raised to acknowledged, in hours.
    response_hours: i64,
    /// Raised to resolved, in hours; the partner confirms a day later.
    resolution_hours: i64,
    /// A channel conflict's outcome.
    outcome: Option<&'static str>,
    reviewed: bool,
    issue: &'static str,
}

const PAST: &[Past] = &[
    Past {
        partner: 0,
        category: "technical",
        urgency: "p3",
        quarters_back: 3,
        day: 10,
        response_hours: 5,
        resolution_hours: 50,
        outcome: None,
        reviewed: true,
        issue: "Webhook deliveries to the partner portal stopped",
    },
    Past {
        partner: 1,
        category: "commission_dispute",
        urgency: "p2",
        quarters_back: 3,
        day: 40,
        response_hours: 30,
        resolution_hours: 200,
        outcome: None,
        reviewed: false,
        issue: "A renewal was paid at the new-business commission rate",
    },
    Past {
        partner: 2,
        category: "mdf",
        urgency: "p4",
        quarters_back: 3,
        day: 70,
        response_hours: 20,
        resolution_hours: 70,
        outcome: None,
        reviewed: true,
        issue: "The trade-show MDF claim is still pending after six weeks",
    },
    Past {
        partner: 0,
        category: "channel_conflict",
        urgency: "p2",
        quarters_back: 2,
        day: 15,
        response_hours: 3,
        resolution_hours: 40,
        outcome: Some("co_sell"),
        reviewed: true,
        issue: "Our direct team and Northwind both work the Globex renewal",
    },
    Past {
        partner: 3,
        category: "technical",
        urgency: "p1",
        quarters_back: 2,
        day: 45,
        response_hours: 4,
        resolution_hours: 30,
        outcome: None,
        reviewed: false,
        issue: "Single sign-on to the partner portal fails for every user",
    },
    Past {
        partner: 0,
        category: "contractual",
        urgency: "p3",
        quarters_back: 2,
        day: 75,
        response_hours: 30,
        resolution_hours: 260,
        outcome: None,
        reviewed: true,
        issue: "The reseller agreement's territory clause excludes Austria",
    },
    Past {
        partner: 1,
        category: "mdf",
        urgency: "p3",
        quarters_back: 1,
        day: 8,
        response_hours: 6,
        resolution_hours: 60,
        outcome: None,
        reviewed: true,
        issue: "The webinar MDF was paid to the wrong bank account",
    },
    Past {
        partner: 4,
        category: "commission_dispute",
        urgency: "p2",
        quarters_back: 1,
        day: 33,
        response_hours: 2,
        resolution_hours: 90,
        outcome: None,
        reviewed: true,
        issue: "The Q2 statement counts a cancelled order",
    },
    Past {
        partner: 1,
        category: "technical",
        urgency: "p2",
        quarters_back: 1,
        day: 60,
        response_hours: 26,
        resolution_hours: 150,
        outcome: None,
        reviewed: false,
        issue: "The API sandbox rejects every token since the upgrade",
    },
    Past {
        partner: 2,
        category: "channel_conflict",
        urgency: "p3",
        quarters_back: 1,
        day: 80,
        response_hours: 20,
        resolution_hours: 48,
        outcome: Some("registration_wins"),
        reviewed: true,
        issue: "Another partner claims the Hooli registration",
    },
    Past {
        partner: 0,
        category: "technical",
        urgency: "p2",
        quarters_back: 0,
        day: 5,
        response_hours: 3,
        resolution_hours: 44,
        outcome: None,
        reviewed: true,
        issue: "Deal registrations from the portal arrive without their products",
    },
    Past {
        partner: 3,
        category: "other",
        urgency: "p4",
        quarters_back: 0,
        day: 20,
        response_hours: 50,
        resolution_hours: 100,
        outcome: None,
        reviewed: false,
        issue: "The partner directory lists an old office address",
    },
];

fn state_change(
    case: &CaseRow,
    to: State,
    body: &str,
    by: Option<Uuid>,
    at: OffsetDateTime,
) -> EntryRow {
    EntryRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        kind: EntryKind::StateChange.as_str().into(),
        body: body.into(),
        state: Some(to.as_str().into()),
        due_on: None,
        done_at: None,
        author_id: by,
        visible_to_partner: true,
        at,
        sweep_mark: None,
    }
}

/// A case to plant: each state it entered, by whom, how long after it was raised.
struct Plant<'a> {
    partner_id: Uuid,
    submitted_by: Uuid,
    /// Category, urgency and issue.
    what: (&'a str, &'a str, &'a str),
    raised: OffsetDateTime,
    steps: &'a [(State, &'a str, Option<Uuid>, Duration)],
    outcome: Option<&'a str>,
}

impl Services {
    /// Plants `case`; its state is the last step's.
    async fn plant_case(&self, tx: &mut store::Write, case: Plant<'_>) -> Result<CaseRow> {
        let partner = store::partners::get(tx, case.partner_id)
            .await?
            .ok_or(Error::NotFound)?;
        let (category, urgency, issue) = case.what;
        let last = case.steps.last().map_or(Duration::ZERO, |s| s.3);
        let row = CaseRow {
            id: Uuid::now_v7(),
            number: store::deals::next(tx, "escalation_case").await?,
            partner_id: case.partner_id,
            submitted_by: case.submitted_by,
            owner_id: partner.owner_id,
            issue: issue.into(),
            category: category.into(),
            urgency: urgency.into(),
            occurred_on: case.raised.date(),
            state: case
                .steps
                .last()
                .map_or(State::Open, |s| s.0)
                .as_str()
                .into(),
            version: 1 + case.steps.len() as i64,
            created_at: case.raised,
            updated_at: case.raised + last,
            deal_id: None,
            conflict_outcome: case.outcome.map(str::to_owned),
        };
        store::escalations::insert_case(tx, &row).await?;
        for (to, body, by, after) in case.steps {
            let entry = state_change(&row, *to, body, *by, case.raised + *after);
            store::escalations::insert_entry(tx, &entry).await?;
        }
        Ok(row)
    }

    /// The closed cases of the last four quarters (each with its review when `reviewed`),
    /// and the two open ones breached now: a P1 nobody answered, raised three hours ago (its
    /// two calendar hours gone), and an MDF case in progress for 18 days (its five working
    /// days long gone, more than `escalate_to_vp_days` late). Then the sweep at the real now.
    pub(super) async fn seed_demo_escalation_history(
        &self,
        partner_ids: &[Uuid],
        submitters: (Uuid, Uuid),
    ) -> Result<()> {
        let now = store::now();
        let this_quarter = Quarter::containing(now.date());
        let mut tx = self.db.write().await?;
        let mut reviews = Vec::new();
        for past in PAST {
            let quarter = (0..past.quarters_back).fold(this_quarter, |q, _| q.previous());
            let raised = (quarter.first_day() + Duration::days(past.day))
                .with_time(Time::from_hms(10, 0, 0).expect("10:00 is a time"))
                .assume_utc();
            let resolved = Duration::hours(past.resolution_hours);
            let closed = resolved + Duration::days(1);
            // A case of the current quarter that would still be running is left out.
            if raised + closed >= now {
                continue;
            }
            let partner_id = partner_ids[past.partner];
            let submitter = match past.partner {
                0 => Some(submitters.0),
                1 => Some(submitters.1),
                _ => None,
            };
            let owner = store::partners::get(&mut tx, partner_id)
                .await?
                .and_then(|p| p.owner_id);
            let Some(submitted_by) = submitter.or(owner) else {
                continue;
            };
            let responded = Duration::hours(past.response_hours);
            let steps = [
                (State::Acknowledged, "", owner, responded),
                (State::InProgress, "", owner, responded + Duration::hours(1)),
                (
                    State::Resolved,
                    "Fixed and explained to the partner",
                    owner,
                    resolved,
                ),
                (
                    State::Closed,
                    "The partner confirmed the resolution",
                    submitter,
                    closed,
                ),
            ];
            let case = Plant {
                partner_id,
                submitted_by,
                what: (past.category, past.urgency, past.issue),
                raised,
                steps: &steps,
                outcome: past.outcome,
            };
            let row = self.plant_case(&mut tx, case).await?;
            if past.reviewed {
                reviews.push(row);
            }
        }
        let northwind = partner_ids[0];
        let priya = store::partners::get(&mut tx, northwind)
            .await?
            .and_then(|p| p.owner_id);
        let outage = Plant {
            partner_id: northwind,
            submitted_by: submitters.0,
            what: (
                "technical",
                "p1",
                "The order sync to your platform stopped overnight; customer orders are stuck",
            ),
            raised: now - Duration::hours(3),
            steps: &[],
            outcome: None,
        };
        self.plant_case(&mut tx, outage).await?;
        let roadshow = Plant {
            partner_id: northwind,
            submitted_by: submitters.0,
            what: (
                "mdf",
                "p3",
                "Co-marketing funds for the autumn roadshow are still unpaid",
            ),
            raised: now - Duration::days(18),
            steps: &[
                (State::Acknowledged, "", priya, Duration::hours(2)),
                (State::InProgress, "", priya, Duration::hours(3)),
            ],
            outcome: None,
        };
        self.plant_case(&mut tx, roadshow).await?;
        tx.commit().await?;
        for row in reviews {
            let Some(owner) = row.owner_id else { continue };
            let mut read = self.db.read().await?;
            let user = store::users::get(&mut read, owner).await?;
            drop(read);
            let Some(user) = user else { continue };
            let review = ReviewForm {
                what_happened: row.issue.clone(),
                root_cause: "A handoff between our teams had no owner".into(),
                lessons: "Whoever takes the partner's first call owns the case to its end".into(),
                prevention: "The RACI page names the team that takes each kind of case".into(),
                follow_ups: "Partner management checks the queue at the weekly standup".into(),
                version: None,
            };
            self.write_escalation_review(&Actor::from_user(&user), row.id, &review)
                .await?;
        }
        self.sweep_escalations(store::now()).await?;
        Ok(())
    }
}
