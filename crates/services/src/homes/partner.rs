//! A partner's home, built for its own people: where it stands in the tiers (the tier report
//! the partner page shows, reduced to what moves it up), what waits on its people, its deals
//! and leads by state, the certifications its people hold, its benefits and its partner
//! manager. Everything is read as the partner's people read it, so nothing of ours is in it.

use domain::deals::registration::Status;
use domain::validation::Choice;
use time::Date;
use uuid::Uuid;

use crate::deals::DealQuery;
use crate::escalations::{EscalationQuery, Escalations};
use crate::program::CriterionView;
use crate::{Actor, PageRequest, Result, Services};

/// Where the partner stands and what it takes to reach the next tier.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub tier: String,
    pub next_tier: Option<String>,
    /// e.g. "$120,000 more closed-won revenue and 1 more certified person to reach Gold".
    pub gap: Option<String>,
    /// Of the next tier's criteria (the top tier's when there is none above), how many it
    /// meets: the progress bar.
    pub criteria_met: usize,
    pub criteria_total: usize,
    pub criteria: Vec<CriterionView>,
    pub keeps_current_tier: bool,
    /// Why the partner keeps no benefits (archived or exited), if so.
    pub out_of_program: Option<String>,
}

/// An onboarding item the partner's own people are to do.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OnboardingDue {
    pub title: String,
    /// Day 0, Week 1, Month 1, …
    pub stage: String,
    #[serde(with = "domain::day_json")]
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub overdue: bool,
}

/// A certification one of the partner's people holds.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HeldCertification {
    pub person: String,
    pub certification: String,
    #[serde(with = "domain::day_json::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Date>,
    /// active or expiring
    pub status: String,
}

/// A registration we asked more information about.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DealToAnswer {
    pub id: Uuid,
    pub reference: String,
    pub customer_name: String,
    /// What we asked.
    pub question: String,
}

/// An escalation case waiting on the partner's people: our question to answer (waiting on
/// the partner) or our resolution to confirm or reopen (resolved). Partner-facing fields only.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CaseWaiting {
    pub id: Uuid,
    /// ESC-000020
    pub reference: String,
    /// The issue as raised.
    pub issue: String,
    /// waiting_on_partner or resolved
    pub state: String,
    /// What the partner is to do, in words.
    pub to_do: String,
    pub link: String,
}

/// How many deals or leads are in one state, and the list of them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StateCount {
    pub status: String,
    pub label: String,
    pub count: usize,
    pub link: String,
}

/// The partner's manager on our side: the one of our people a partner knows by name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PartnerManager {
    pub name: String,
    pub email: String,
}

/// A partner's home as its own people see it: no field of ours.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PartnerHome {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub standing: Standing,
    /// Open onboarding items the partner's people are to do.
    pub onboarding_due: Vec<OnboardingDue>,
    /// Certifications expiring within the program's first reminder (`reminder_days`).
    pub certifications_expiring: Vec<HeldCertification>,
    /// Registrations waiting for the partner's answer (more information requested).
    pub deals_to_answer: Vec<DealToAnswer>,
    /// Escalation cases waiting on the partner's people, counted by state (waiting on the
    /// partner, resolved awaiting confirmation), each count linking to the list.
    pub escalations_by_state: Vec<StateCount>,
    /// Those cases: waiting on the partner first, then resolved, each in the list's order.
    pub escalations_waiting: Vec<CaseWaiting>,
    pub deals_by_state: Vec<StateCount>,
    pub leads_by_state: Vec<StateCount>,
    /// Valid certifications its people hold.
    pub certifications: Vec<HeldCertification>,
    /// What its tier gives it: (benefit, value).
    pub benefits: Vec<(String, String)>,
    /// None when no partner manager owns the partner.
    pub partner_manager: Option<PartnerManager>,
}

/// A stored day's text as a day ("" or a malformed one: none).
fn day(text: &str) -> Option<Date> {
    domain::validation::date(text).ok()
}

/// `counts` by status in the order of `statuses`, zero where none.
fn by_state(
    statuses: &[(&str, &str)],
    counts: &[(String, i64)],
    link: impl Fn(&str) -> String,
) -> Vec<StateCount> {
    statuses
        .iter()
        .map(|(status, label)| StateCount {
            status: (*status).into(),
            label: (*label).into(),
            count: counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| usize::try_from(*n).unwrap_or(0)),
            link: link(status),
        })
        .collect()
}

/// A lead's states, as the leads list names them.
const LEAD_STATES: [(&str, &str); 3] = [
    ("submitted", "Waiting for sales"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
];

/// The escalation states that wait on the partner: (state, the count's label, what the
/// partner is to do with one case).
const CASE_STATES: [(&str, &str, &str); 2] = [
    (
        "waiting_on_partner",
        "Cases waiting for your answer",
        "answer our question",
    ),
    (
        "resolved",
        "Resolutions to confirm",
        "confirm the resolution or reopen the case",
    ),
];

impl Services {
    /// The partner's escalation cases in the states that wait on its people, as its people
    /// read them (the partner shape of the escalations list: one source for each count).
    async fn cases_waiting(&self, actor: &Actor) -> Result<Vec<CaseWaiting>> {
        let mut waiting = Vec::new();
        for (state, _, to_do) in CASE_STATES {
            let mut query = EscalationQuery {
                state: state.into(),
                limit: Some(crate::paging::MAX_PAGE),
                ..Default::default()
            };
            loop {
                let Escalations::Partners(page) = self.list_escalations(actor, &query).await?
                else {
                    return Err(crate::Error::Forbidden(
                        "a partner's home is read by its own people".into(),
                    ));
                };
                waiting.extend(page.items.into_iter().map(|c| CaseWaiting {
                    link: format!("/escalations/{}", c.id),
                    id: c.id,
                    reference: c.reference,
                    issue: c.issue,
                    state: state.into(),
                    to_do: to_do.into(),
                }));
                match page.next_cursor {
                    Some(next) => query.cursor = next,
                    None => break,
                }
            }
        }
        Ok(waiting)
    }

    /// The home of a partner's people (our people may read it too, as the partner sees it).
    pub(crate) async fn partner_home(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<PartnerHome> {
        let partner = self.get_partner(actor, partner_id).await?;
        let report = self.evaluate_partner(actor, partner_id).await?;
        let checklist = self.onboarding_checklist(actor, partner_id).await?;
        let held = self
            .certification_records(actor, partner_id, &PageRequest::everything())
            .await?
            .items;
        let to_answer = self
            .deals(
                actor,
                &DealQuery {
                    status: Status::MoreInfoRequested.as_str().into(),
                    partner: partner_id.to_string(),
                    limit: Some(crate::paging::MAX_PAGE),
                    ..Default::default()
                },
            )
            .await?
            .items;
        let cases = self.cases_waiting(actor).await?;
        let mut tx = self.db.read().await?;
        let deal_counts = store::deals::deal_status_counts(&mut tx, partner_id).await?;
        let lead_counts = store::deals::lead_status_counts(&mut tx, partner_id).await?;
        let owner = match partner.owner_id {
            Some(id) => store::users::get(&mut tx, id)
                .await?
                .filter(|u| u.disabled_at.is_none()),
            None => None,
        };
        drop(tx);
        let deal_states: Vec<(&str, &str)> = Status::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect();
        let certification = |c: &crate::enablement::CertificationView| HeldCertification {
            person: c.person.clone(),
            certification: c.name.clone(),
            expires_on: c.expires_on.as_deref().and_then(day),
            status: c.status.label().into(),
        };
        Ok(PartnerHome {
            partner_id,
            partner_name: partner.display_name.clone(),
            standing: Standing {
                criteria_met: report.criteria.iter().filter(|c| c.met).count(),
                criteria_total: report.criteria.len(),
                tier: report.current_tier,
                next_tier: report.next_tier,
                gap: report.gap,
                criteria: report.criteria,
                keeps_current_tier: report.keeps_current_tier,
                out_of_program: report.out_of_program,
            },
            onboarding_due: checklist
                .items
                .iter()
                .filter(|i| !i.done && i.owner == "partner")
                .filter_map(|i| {
                    Some(OnboardingDue {
                        title: i.title.clone(),
                        stage: i.stage.clone(),
                        due_on: day(&i.due_on)?,
                        overdue: i.overdue,
                    })
                })
                .collect(),
            certifications_expiring: held
                .iter()
                .filter(|c| c.status == domain::enablement::Status::Expiring)
                .map(certification)
                .collect(),
            certifications: held
                .iter()
                .filter(|c| c.status.is_valid())
                .map(certification)
                .collect(),
            deals_to_answer: to_answer
                .into_iter()
                .map(|d| DealToAnswer {
                    id: d.id,
                    reference: d.reference,
                    customer_name: d.customer_name,
                    question: d.decision_note,
                })
                .collect(),
            escalations_by_state: CASE_STATES
                .iter()
                .map(|(state, label, _)| StateCount {
                    status: (*state).into(),
                    label: (*label).into(),
                    count: cases.iter().filter(|c| c.state == *state).count(),
                    link: format!("/escalations?state={state}"),
                })
                .collect(),
            escalations_waiting: cases,
            deals_by_state: by_state(&deal_states, &deal_counts, |s| format!("/deals?status={s}")),
            // The leads page lists a partner's leads newest first, whatever their state.
            leads_by_state: by_state(&LEAD_STATES, &lead_counts, |_| "/leads".to_owned()),
            benefits: report.benefits,
            partner_manager: owner.map(|u| PartnerManager {
                name: u.name,
                email: u.email,
            }),
        })
    }
}
