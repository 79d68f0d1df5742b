//! Who gets a piece of work, from the RACI matrix, and whom a breached escalation reaches,
//! from the escalation paths: plain answers the queues and sweeps store and act on.

use time::Duration;

use crate::choice_enum;
use crate::program::policy::{EscalationCategory, EscalationPaths, Raci, RaciMatrix, Slas, Team};

choice_enum! {
    /// The RACI rows the system creates work for.
    Activity {
        PartnerSourcing => ("partner_sourcing", "Partner sourcing"),
        Onboarding => ("onboarding", "Onboarding"),
        LeadHandoff => ("lead_handoff", "Lead handoff"),
        DealRegistration => ("deal_registration", "Deal registration"),
        CommissionPayment => ("commission_payment", "Commission payment"),
        ContractReview => ("contract_review", "Contract review"),
        IntegrationRequests => ("integration_requests", "Integration requests"),
    }
}

/// Who does a piece of work, who answers for it, who may comment and who is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The Responsible team, or the Accountable one when the row has no R.
    pub queue: Team,
    /// Notified when the work is created and when it is late.
    pub accountable: Team,
    pub consulted: Vec<Team>,
    pub informed: Vec<Team>,
}

impl Route {
    /// The doing team, the answering team and those consulted may comment; the informed
    /// only read.
    pub fn may_comment(&self, team: Team) -> bool {
        team == self.queue || team == self.accountable || self.consulted.contains(&team)
    }
}

/// The route of an activity's work; None only for a matrix built without that row or its A
/// (a checked program has every activity, each with one A).
pub fn route(raci: &RaciMatrix, activity: Activity) -> Option<Route> {
    use crate::validation::Choice;
    let row = raci.0.get(activity.as_str())?;
    let with = |letter: Raci| -> Vec<Team> {
        row.iter()
            .filter(|(_, r)| **r == letter)
            .map(|(team, _)| *team)
            .collect()
    };
    let accountable = *with(Raci::Accountable).first()?;
    Some(Route {
        queue: with(Raci::Responsible)
            .first()
            .copied()
            .unwrap_or(accountable),
        accountable,
        consulted: with(Raci::Consulted),
        informed: with(Raci::Informed),
    })
}

/// Whom a breached escalation has reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationTarget<'a> {
    /// 1 from the breach, 2 from `escalate_to_vp_days` after it, 3 from
    /// `escalate_to_executives_days` after it.
    pub step: u8,
    /// The ladder's title for the step.
    pub holder: &'a str,
    /// The executive of the case's topic, from step 2 on.
    pub topic_executive: Option<&'a str>,
}

/// The escalation a case needs when it is `past_due` beyond its SLA's due instant; None while
/// not breached (up to and at the due instant, as the clocks count it).
pub fn escalation_target<'a>(
    paths: &'a EscalationPaths,
    slas: &Slas,
    category: EscalationCategory,
    past_due: Duration,
) -> Option<EscalationTarget<'a>> {
    if !past_due.is_positive() {
        return None;
    }
    let step: u8 = if past_due >= Duration::days(slas.escalate_to_executives_days.into()) {
        3
    } else if past_due >= Duration::days(slas.escalate_to_vp_days.into()) {
        2
    } else {
        1
    };
    let holder = paths
        .ladder
        .get(usize::from(step - 1))
        .or(paths.ladder.last())?;
    Some(EscalationTarget {
        step,
        holder,
        topic_executive: (step >= 2).then(|| paths.by_topic.of(category)).flatten(),
    })
}
