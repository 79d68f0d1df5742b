//! What the escalation sweep owes a case at `now`: the owner's "due soon" warnings, the step
//! of the escalation ladder due, and the closing of a resolution the partner left unanswered.
//! The one code path of the ladder: the sweep acts on these answers and the case page shows
//! the steps they recorded.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{Category, SlaView};
use crate::alignment::{EscalationTarget, SlaState, escalation_target};
use crate::program::policy::{EscalationPaths, Slas};

crate::choice_enum! {
    /// One of a case's two SLA targets.
    SlaTarget {
        Response => ("response", "First response"),
        Resolution => ("resolution", "Resolution"),
    }
}

/// The targets whose clocks are due soon at the view's `now`, response first: the owner is
/// told of each once.
pub fn warnings_due(view: &SlaView) -> Vec<SlaTarget> {
    [
        (SlaTarget::Response, &view.response),
        (SlaTarget::Resolution, &view.resolution),
    ]
    .into_iter()
    .filter(|(_, state)| matches!(state, SlaState::DueSoon { .. }))
    .map(|(target, _)| target)
    .collect()
}

/// The ladder's step a case needs now, when it is beyond the highest step already `taken`
/// (0 for none): measured from the due instant of its longest-breached running clock. None
/// while no clock is breached (up to and at the due instant, or while the clock is paused
/// before it), and for a step taken already. A sweep that missed a step takes the one due
/// now, not the ones it skipped.
pub fn step_due<'a>(
    view: &SlaView,
    taken: u8,
    paths: &'a EscalationPaths,
    slas: &Slas,
    category: Category,
) -> Option<EscalationTarget<'a>> {
    let past_due = [&view.response, &view.resolution]
        .into_iter()
        .filter_map(|state| match state {
            SlaState::Breached { late_by, .. } => Some(*late_by),
            _ => None,
        })
        .max()?;
    escalation_target(paths, slas, category, past_due).filter(|target| target.step > taken)
}

/// What reaching one title of a ladder step does for a case owned by `owner`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every holder of the title owns the case already (step 1's partner manager is, as a
    /// rule, the case's owner): the step is recorded as reached, saying so, and nobody new
    /// is told — an escalation that lands on the desk it started from is no escalation.
    AlreadyWithOwner,
    /// The holders to tell: the title's holders less the owner, who has the case already.
    Tell(Vec<Uuid>),
}

/// What reaching a title held by `holders` does for a case owned by `owner` (see [`Reach`]).
/// A title nobody holds tells nobody; it is not "with the owner".
pub fn reach(holders: &[Uuid], owner: Option<Uuid>) -> Reach {
    let new: Vec<Uuid> = holders
        .iter()
        .copied()
        .filter(|holder| Some(*holder) != owner)
        .collect();
    if new.is_empty() && !holders.is_empty() {
        Reach::AlreadyWithOwner
    } else {
        Reach::Tell(new)
    }
}

/// When a case resolved at `resolved_at` closes by itself: `auto_close_days` (days of 24
/// hours) after the partner last heard the resolution or last wrote, whichever came later.
pub fn auto_close_at(
    resolved_at: OffsetDateTime,
    partner_last_wrote: Option<OffsetDateTime>,
    auto_close_days: u32,
) -> OffsetDateTime {
    let silent_since = partner_last_wrote.map_or(resolved_at, |wrote| wrote.max(resolved_at));
    silent_since + Duration::days(auto_close_days.into())
}

/// Whether a case resolved at `resolved_at` closes by itself at `now` (`auto_close_at`), the
/// partner having said nothing since. Closing exactly at the instant.
pub fn auto_close_due(
    resolved_at: OffsetDateTime,
    partner_last_wrote: Option<OffsetDateTime>,
    now: OffsetDateTime,
    auto_close_days: u32,
) -> bool {
    now >= auto_close_at(resolved_at, partner_last_wrote, auto_close_days)
}

/// How a title key of the escalation paths reads: "alliances_lead" is "Alliances lead",
/// "vp_sales" "VP Sales", "cfo" "CFO".
pub fn title_label(title: &str) -> String {
    const ACRONYMS: [&str; 8] = ["vp", "cfo", "cmo", "cpo", "cto", "ceo", "coo", "cro"];
    let words: Vec<String> = title
        .split('_')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, word)| {
            if ACRONYMS.contains(&word) {
                word.to_uppercase()
            } else if i == 0 || title.starts_with("vp_") {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                word.to_owned()
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);

    #[test]
    fn a_title_held_only_by_the_owner_is_already_with_the_owner() {
        assert_eq!(reach(&[OWNER], Some(OWNER)), Reach::AlreadyWithOwner);
        assert_eq!(reach(&[OWNER, OWNER], Some(OWNER)), Reach::AlreadyWithOwner);
    }

    #[test]
    fn one_holder_besides_the_owner_is_told_and_the_owner_is_not() {
        assert_eq!(
            reach(&[OWNER, OTHER], Some(OWNER)),
            Reach::Tell(vec![OTHER])
        );
    }

    #[test]
    fn a_case_without_an_owner_tells_every_holder() {
        assert_eq!(reach(&[OWNER], None), Reach::Tell(vec![OWNER]));
        assert_eq!(reach(&[OTHER], Some(OWNER)), Reach::Tell(vec![OTHER]));
    }

    #[test]
    fn a_title_nobody_holds_tells_nobody_and_is_not_with_the_owner() {
        assert_eq!(reach(&[], Some(OWNER)), Reach::Tell(Vec::new()));
    }
}
