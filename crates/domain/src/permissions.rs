//! Who may do what: one table of actions and the roles allowed each. Services enforce it
//! (`Actor::require`), pages ask it (`Actor::may`) to show a form or not, and the
//! authorization tests state the same sets literally. The own-organisation rule sits beside
//! it: a partner's people act only on their own organisation's records, and another
//! organisation's records are reported as not found.

use crate::alignment::Route;
use crate::program::policy::Team;
use crate::roles::Role::{self, *};
use crate::validation::Choice;

/// Something a user does, named for the duty rather than the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read what is ours only: the program definition, the tier queue and runs, the direct
    /// pipeline, IPP assessments, forecast snapshots, the team, partners'
    /// health scores and early-risk flags (a management figure: a partner's people see
    /// their scorecard, without its IPP fit and risks, and never their health score).
    ReadInternal,
    ReadAuditLog,
    ActivateProgram,
    DeclareMajorRelease,
    /// Create, edit, move along the lifecycle and archive partner records.
    ManagePartners,
    EditContacts,
    ManageUsers,
    /// Tier facts by hand or import, tier runs and decisions, IPP and 3C/4C assessments,
    /// certifications by hand or import, onboarding health checks.
    RunTierProgram,
    /// Register, submit, work (pipeline, extensions) and close a partner's registrations;
    /// hand over leads.
    WorkDeals,
    LogDealActivity,
    /// Decide registrations and extensions, assign our AE and SE,
    /// take forecast snapshots, import registrations and leads.
    ManageDeals,
    /// Accept or reject partners' leads.
    DecideLeads,
    /// Confirm partners' reported wins and joint activities (they then count for credit).
    ConfirmCredit,
    ImportDirectPipeline,
    /// Import the exchange rates every converted figure uses.
    ImportRates,
    /// Attach files, enroll people and tick their learning requirements.
    WorkEnablement,
    /// Add our people to teams, take them off, name each team's lead.
    ManageTeams,
    /// Edit a team's entry on the stakeholder map.
    EditStakeholderMap,
    /// Read the outbox (every person's mail) and retry failed mail.
    ManageMail,
    /// Raise escalation cases and write in their log: a partner's people for their own
    /// organisation (updates, confirming or reopening a resolution), our people for any
    /// (acknowledging, working, resolving, internal notes and remediation actions).
    WorkEscalations,
    /// Comment on and assign any work item, whatever its teams (a work item's own teams do
    /// so through `may_comment_on_work` and `may_assign_work`).
    OverseeWork,
    /// Write or edit the post-resolution review of any escalation case (a case's owner
    /// writes its own without it).
    ReviewAnyEscalation,
    /// Submit integration requests: a partner's people for their organisation, those who
    /// manage partners on a partner's behalf.
    SubmitIntegrationRequests,
    /// Review integration requests (move, merge, write Product's internal note): only members
    /// of the RACI row's Responsible or Accountable team, or an admin
    /// ([`may_review_integration_requests`]).
    ReviewIntegrationRequests,
    /// Answer the internal NPS survey (once a round): our people only.
    AnswerInternalNps,
    /// Open a survey round by hand (the jobs loop opens them on the cadence).
    OpenInternalNpsRound,
    /// Record the rhythm's meetings (weekly standup, monthly sync, quarterly executive
    /// review), their decisions and action items, and tick any action item done. Executives
    /// chair the quarterly review, so this is the one write they have; the rest of our
    /// people read the meetings (`ReadInternal`) and tick their own action items.
    RunMeetings,
}

impl Action {
    /// The roles allowed this action: the whole table, literal (a match, so a new action
    /// cannot be added without its row).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::ReadInternal => &[Admin, PartnerManager, Sales, Marketing, Finance, Executive],
            Action::ReadAuditLog => &[Admin],
            Action::ActivateProgram => &[Admin],
            Action::DeclareMajorRelease => &[Admin],
            Action::ManagePartners => &[Admin, PartnerManager],
            Action::EditContacts => &[Admin, PartnerManager, PartnerAdmin],
            Action::ManageUsers => &[Admin, PartnerAdmin],
            Action::RunTierProgram => &[Admin, PartnerManager],
            Action::WorkDeals => &[Admin, PartnerManager, PartnerAdmin, PartnerUser],
            Action::LogDealActivity => &[Admin, PartnerManager, Sales, PartnerAdmin, PartnerUser],
            Action::ManageDeals => &[Admin, PartnerManager],
            Action::DecideLeads => &[Admin, PartnerManager, Sales],
            Action::ConfirmCredit => &[Admin, PartnerManager, Sales],
            Action::ImportDirectPipeline => &[Admin, PartnerManager, Sales],
            Action::ImportRates => &[Admin, Finance],
            Action::WorkEnablement => &[Admin, PartnerManager, PartnerAdmin, PartnerUser],
            Action::ManageTeams => &[Admin],
            Action::EditStakeholderMap => &[Admin, PartnerManager],
            Action::ManageMail => &[Admin],
            Action::ReviewAnyEscalation => &[Admin],
            Action::WorkEscalations => &[
                Admin,
                PartnerManager,
                Sales,
                Marketing,
                Finance,
                PartnerAdmin,
                PartnerUser,
            ],
            Action::OverseeWork => &[Admin],
            Action::SubmitIntegrationRequests => {
                &[Admin, PartnerManager, PartnerAdmin, PartnerUser]
            }
            Action::ReviewIntegrationRequests => {
                &[Admin, PartnerManager, Sales, Marketing, Finance]
            }
            Action::AnswerInternalNps => {
                &[Admin, PartnerManager, Sales, Marketing, Finance, Executive]
            }
            Action::OpenInternalNpsRound => &[Admin],
            Action::RunMeetings => &[Admin, PartnerManager, Executive],
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// The duty in words, to finish "only … may": "accept or reject partners' leads".
    pub fn duty(self) -> &'static str {
        match self {
            Action::ReadInternal => "see our internal records",
            Action::ReadAuditLog => "read the audit log",
            Action::ActivateProgram => "activate a program version",
            Action::DeclareMajorRelease => "declare a major release",
            Action::ManagePartners => "manage partner records",
            Action::EditContacts => "edit contacts",
            Action::ManageUsers => "manage users",
            Action::RunTierProgram => "run the tier program",
            Action::WorkDeals => "work deal registrations and hand over leads",
            Action::LogDealActivity => "log deal activity",
            Action::ManageDeals => "decide registrations and manage deals",
            Action::DecideLeads => "accept or reject partners' leads",
            Action::ConfirmCredit => "confirm partners' reported wins and joint activities",
            Action::ImportDirectPipeline => "import the direct pipeline",
            Action::ImportRates => "import exchange rates",
            Action::WorkEnablement => "work on enablement",
            Action::ManageTeams => "manage teams and name who holds escalation titles",
            Action::EditStakeholderMap => "edit the stakeholder map",
            Action::ManageMail => "read the outbox and retry mail",
            Action::WorkEscalations => "raise escalation cases and write in their log",
            Action::OverseeWork => "comment on and assign any work item",
            Action::ReviewAnyEscalation => "review any escalation case",
            Action::SubmitIntegrationRequests => "submit integration requests",
            Action::ReviewIntegrationRequests => "review integration requests",
            Action::AnswerInternalNps => "answer the internal NPS survey",
            Action::OpenInternalNpsRound => "open an internal NPS round",
            Action::RunMeetings => "record meetings, their decisions and action items",
        }
    }

    /// What a refused user is told: who may, as a sentence (pages put "You cannot do this: "
    /// before it): "only a user whose role is Administrator, Partner manager or Sales may
    /// accept or reject partners' leads".
    pub fn refusal(self) -> String {
        format!("only {} may {}", self.holders(), self.duty())
    }

    /// The refusal where someone besides the roles may too (`who`: "its owner"), for a duty
    /// narrower than the action's own (`what`: "tick this action item done").
    pub fn refusal_unless(self, who: &str, what: &str) -> String {
        format!("only {who}, or {}, may {what}", self.holders())
    }

    /// "a user whose role is Administrator, Partner manager or Sales": the roles allowed, by
    /// their plain names (a role's label may qualify it, "Executive (read-only)", which would
    /// contradict a write it allows).
    fn holders(self) -> String {
        let names: Vec<&str> = self
            .roles()
            .iter()
            .map(|role| match role {
                Executive => "Executive",
                other => other.label(),
            })
            .collect();
        match names.split_last() {
            Some((last, [])) => format!("a user whose role is {last}"),
            Some((last, rest)) => format!("a user whose role is {} or {last}", rest.join(", ")),
            None => "nobody".into(),
        }
    }
}

/// The own-organisation rule: our people see every partner's records, a partner's people
/// only their own organisation's (`own`).
pub fn sees_partner(role: Role, own: Option<uuid::Uuid>, partner: uuid::Uuid) -> bool {
    role.is_internal() || own == Some(partner)
}

/// Who ticks an onboarding item by hand: those who manage partners any item, a partner's
/// people the items the partner owns, our people the items of a team they are on (`teams`:
/// the asker's teams). Observed items are ticked by the system alone (the service refuses
/// them before asking this).
pub fn may_tick_onboarding_item(role: Role, owner: &str, teams: &[Team]) -> bool {
    Action::ManagePartners.allows(role)
        || (owner == "partner" && role.is_partner_side())
        || (role.is_internal() && teams.iter().any(|team| team.key() == owner))
}

/// Who writes in a work item's comments: those who oversee work, and our people on a team
/// its route lets comment (the Responsible, Accountable and Consulted teams). Informed teams
/// and everyone else only read; a partner's people never see work items at all.
pub fn may_comment_on_work(role: Role, route: &Route, teams: &[Team]) -> bool {
    Action::OverseeWork.allows(role)
        || (role.is_internal() && teams.iter().any(|team| route.may_comment(*team)))
}

/// Who gives a work item to a member of its queue: those who oversee work, and the queue
/// team's lead (`lead_of_queue`). A member takes an item for themselves through
/// `may_take_work`.
pub fn may_assign_work(role: Role, lead_of_queue: bool) -> bool {
    Action::OverseeWork.allows(role) || (role.is_internal() && lead_of_queue)
}

/// Who takes a work item for themselves: our people on its queue team.
pub fn may_take_work(role: Role, route: &Route, teams: &[Team]) -> bool {
    role.is_internal() && teams.contains(&route.queue)
}

/// Who reviews integration requests: an admin, or one of our people on a team the RACI
/// row names Responsible or Accountable (`deciders`; `teams`: the asker's teams).
pub fn may_review_integration_requests(role: Role, teams: &[Team], deciders: &[Team]) -> bool {
    role == Admin
        || (Action::ReviewIntegrationRequests.allows(role)
            && teams.iter().any(|team| deciders.contains(team)))
}

/// The roles an account with `role` may give the accounts it creates: an admin any, a
/// partner admin its organisation's two.
pub fn assignable_roles(role: Role) -> &'static [Role] {
    match role {
        Admin => Role::ALL,
        PartnerAdmin => &[PartnerAdmin, PartnerUser],
        _ => &[],
    }
}

/// The roles offered on the list of users: those of the creator's own side (a partner's
/// people are added from their partner's page).
pub fn assignable_on_users_list(role: Role) -> Vec<Role> {
    assignable_roles(role)
        .iter()
        .copied()
        .filter(|r| r.is_partner_side() == role.is_partner_side())
        .collect()
}

/// Whether a new partner starts out owned by the person creating it: a partner manager
/// creates the partners they will manage; an admin names the owner.
pub fn owns_partners_created(role: Role) -> bool {
    role == Role::PartnerManager
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Choice;

    const ALL: [Action; 27] = [
        Action::ReadInternal,
        Action::ReadAuditLog,
        Action::ActivateProgram,
        Action::DeclareMajorRelease,
        Action::ManagePartners,
        Action::EditContacts,
        Action::ManageUsers,
        Action::RunTierProgram,
        Action::WorkDeals,
        Action::LogDealActivity,
        Action::ManageDeals,
        Action::DecideLeads,
        Action::ConfirmCredit,
        Action::ImportDirectPipeline,
        Action::ImportRates,
        Action::WorkEnablement,
        Action::ManageTeams,
        Action::EditStakeholderMap,
        Action::ManageMail,
        Action::WorkEscalations,
        Action::OverseeWork,
        Action::ReviewAnyEscalation,
        Action::SubmitIntegrationRequests,
        Action::ReviewIntegrationRequests,
        Action::AnswerInternalNps,
        Action::OpenInternalNpsRound,
        Action::RunMeetings,
    ];

    #[test]
    fn partners_never_do_our_work_and_executives_only_read() {
        for action in ALL {
            assert!(!action.roles().is_empty(), "{action:?} has no roles");
            // Executives answer the internal survey and chair the quarterly review
            // (recording its decisions is theirs).
            if ![
                Action::ReadInternal,
                Action::AnswerInternalNps,
                Action::RunMeetings,
            ]
            .contains(&action)
            {
                assert!(!action.allows(Executive), "{action:?}");
            }
        }
        assert!(!Action::ReadInternal.allows(PartnerAdmin));
        assert!(
            !Action::ConfirmCredit.allows(PartnerAdmin),
            "partners never confirm their own credit"
        );
        assert_eq!(
            Action::DecideLeads.refusal(),
            "only a user whose role is Administrator, Partner manager or Sales may accept or \
             reject partners' leads"
        );
        assert_eq!(
            Action::ManageMail.refusal(),
            "only a user whose role is Administrator may read the outbox and retry mail"
        );
        assert_eq!(
            Action::RunMeetings.refusal_unless("its owner", "tick this action item done"),
            "only its owner, or a user whose role is Administrator, Partner manager or \
             Executive, may tick this action item done"
        );
        assert!(
            ALL.iter()
                .all(|action| !action.refusal().contains("read-only")),
            "a refusal never names a role as read-only among those who may"
        );
        assert_eq!(Action::ImportRates.roles(), [Admin, Finance]);
        assert_eq!(Action::ManageTeams.roles(), [Admin]);
        assert_eq!(Action::EditStakeholderMap.roles(), [Admin, PartnerManager]);
        assert_eq!(Action::ManageMail.roles(), [Admin]);
        assert_eq!(Action::ReviewAnyEscalation.roles(), [Admin]);
        assert_eq!(
            Action::RunMeetings.roles(),
            [Admin, PartnerManager, Executive]
        );
        assert_eq!(
            Action::WorkEscalations.refusal(),
            "only a user whose role is Administrator, Partner manager, Sales, Marketing, \
             Finance, Partner admin or Partner user may raise escalation cases and write in \
             their log"
        );
    }

    #[test]
    fn the_per_record_rules() {
        let (alpha, bravo) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        assert!(sees_partner(Sales, None, bravo));
        assert!(sees_partner(PartnerUser, Some(alpha), alpha));
        assert!(!sees_partner(PartnerAdmin, Some(alpha), bravo));
        assert!(
            !sees_partner(PartnerUser, None, alpha),
            "no organisation, nothing"
        );

        assert!(may_tick_onboarding_item(PartnerManager, "marketing", &[]));
        assert!(may_tick_onboarding_item(PartnerUser, "partner", &[]));
        assert!(!may_tick_onboarding_item(
            PartnerAdmin,
            "partner_manager",
            &[]
        ));
        assert!(!may_tick_onboarding_item(Sales, "partner", &[]));
        // A team's own items: its members tick them, whatever their role; others do not.
        assert!(may_tick_onboarding_item(
            Marketing,
            "marketing",
            &[Team::Marketing]
        ));
        assert!(may_tick_onboarding_item(
            Sales,
            "marketing",
            &[Team::Sales, Team::Marketing]
        ));
        assert!(!may_tick_onboarding_item(Marketing, "marketing", &[]));
        assert!(!may_tick_onboarding_item(
            Sales,
            "marketing",
            &[Team::Sales]
        ));
        assert!(!may_tick_onboarding_item(
            Marketing,
            "partner",
            &[Team::Marketing]
        ));
        // A partner's people are never on our teams; were one listed, it would still not tick.
        assert!(!may_tick_onboarding_item(
            PartnerUser,
            "marketing",
            &[Team::Marketing]
        ));

        assert_eq!(assignable_roles(PartnerAdmin), [PartnerAdmin, PartnerUser]);
        // Integration requests: admins always; our people only on the deciding teams.
        let deciders = [Team::PartnerManager, Team::Product];
        assert!(may_review_integration_requests(Admin, &[], &deciders));
        assert!(may_review_integration_requests(
            Sales,
            &[Team::Product],
            &deciders
        ));
        assert!(!may_review_integration_requests(
            Sales,
            &[Team::Sales],
            &deciders
        ));
        assert!(!may_review_integration_requests(
            Executive,
            &[Team::Product],
            &deciders
        ));
        assert!(!may_review_integration_requests(
            PartnerUser,
            &[Team::Product],
            &deciders
        ));

        assert!(assignable_roles(PartnerUser).is_empty());
        assert!(assignable_roles(PartnerManager).is_empty());
        assert_eq!(assignable_roles(Admin).len(), 8);
        assert_eq!(
            assignable_on_users_list(Admin),
            [Admin, PartnerManager, Sales, Marketing, Finance, Executive]
        );
        assert_eq!(
            assignable_on_users_list(PartnerAdmin),
            [PartnerAdmin, PartnerUser]
        );
    }

    #[test]
    fn who_comments_takes_and_assigns_work() {
        // Onboarding's default row: marketing R, partner management A, sales, product and
        // finance C; nobody I. Informed: a row that names legal I.
        let route = Route {
            queue: Team::Marketing,
            accountable: Team::PartnerManager,
            consulted: vec![Team::Sales, Team::Product, Team::Finance],
            informed: vec![Team::Legal],
        };
        assert!(may_comment_on_work(Marketing, &route, &[Team::Marketing]));
        assert!(may_comment_on_work(Sales, &route, &[Team::PartnerManager]));
        assert!(may_comment_on_work(Finance, &route, &[Team::Finance]));
        assert!(!may_comment_on_work(Finance, &route, &[Team::Legal]));
        assert!(!may_comment_on_work(Sales, &route, &[]));
        assert!(may_comment_on_work(Admin, &route, &[]));
        assert!(!may_comment_on_work(
            PartnerAdmin,
            &route,
            &[Team::Marketing]
        ));

        assert!(may_take_work(Sales, &route, &[Team::Marketing]));
        assert!(!may_take_work(Sales, &route, &[Team::Sales]));
        assert!(!may_take_work(PartnerUser, &route, &[Team::Marketing]));

        assert!(may_assign_work(Marketing, true));
        assert!(!may_assign_work(Marketing, false));
        assert!(may_assign_work(Admin, false));
        assert!(!may_assign_work(PartnerAdmin, true));
    }

    #[test]
    fn only_partner_managers_own_the_partners_they_create() {
        let owners: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| owns_partners_created(*r))
            .collect();
        assert_eq!(owners, [PartnerManager]);
    }
}
