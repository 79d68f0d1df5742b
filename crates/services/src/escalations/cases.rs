//! Raising a case, reading it, giving it to another owner, and moving it between states.

use domain::deals::cases::Outcome;
use domain::escalations::{self, Category, EntryKind, Form, Refusal, Side, State, Transition};
use domain::permissions::Action;
use domain::validation::Choice;
use store::escalations::{CaseRow, EntryRow};
use store::notifications::NewNotification;
use uuid::Uuid;

use super::views::{
    self, CaseDetail, Escalation, Names, PartnerCaseDetail, calendar, side_of, state_of,
};
use crate::deals::DealCaseLink;
use crate::notifications::{notify_and_record, partner_admins, partner_team};
use crate::{Actor, Change, Error, Result, Services};

/// A move asked for.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = EscalationMove)]
#[serde(default, deny_unknown_fields)]
pub struct Move {
    /// acknowledge, start, wait_on_partner, resume, resolve (our people); confirm_closure,
    /// reopen (the partner).
    pub transition: String,
    /// The case's version as last read: a case changed since is refused (409).
    pub version: Option<i64>,
    /// Said to the partner with the move (required when resolving or reopening).
    pub message: String,
    /// Resolving a channel-conflict case (required then, refused otherwise): how the
    /// conflict ended — registration_wins, other_party_wins, co_sell or not_a_conflict.
    pub conflict_outcome: String,
}

/// Another owner for a case.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Reassign {
    pub owner_id: Option<Uuid>,
    pub version: Option<i64>,
}

/// Loads a case the actor may see; anything else is "not found", so ids cannot be probed.
pub(super) async fn visible_case(tx: &mut store::Read, actor: &Actor, id: Uuid) -> Result<CaseRow> {
    store::escalations::case_by_id(tx, id)
        .await?
        .filter(|c| actor.sees_partner(c.partner_id))
        .ok_or(Error::NotFound)
}

/// Whether `actor` works `row`: moves it and writes to the partner on it. A partner's people
/// work their own cases; of ours, the case's owner, those its escalation reached, admins,
/// and while nobody owns it those who may give it an owner (`may_work_case`).
pub(super) async fn works_case(tx: &mut store::Read, actor: &Actor, row: &CaseRow) -> Result<bool> {
    if !actor.is_internal() {
        return Ok(true);
    }
    let reached = match actor.user_id {
        Some(user) => store::escalations::reached_on(tx, row.id, user).await?,
        None => false,
    };
    let owner = actor.user_id.is_some() && row.owner_id == actor.user_id;
    Ok(escalations::may_work_case(
        actor.role,
        owner,
        reached,
        row.owner_id.is_some(),
    ))
}

/// Refuses a move or a word to the partner from one of our people who does not work the case.
pub(super) async fn require_works_case(
    tx: &mut store::Read,
    actor: &Actor,
    row: &CaseRow,
) -> Result<()> {
    if works_case(tx, actor, row).await? {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "{} is worked by its owner, those its escalation reached and admins: you may add \
         internal notes",
        escalations::reference(row.number)
    )))
}

/// Refuses a write based on a case the writer saw at another version.
pub(super) fn check_version(row: &CaseRow, version: Option<i64>) -> Result<()> {
    match version {
        Some(v) if v != row.version => Err(Error::Conflict(format!(
            "{} was changed by someone else meanwhile: reload it and try again",
            escalations::reference(row.number)
        ))),
        _ => Ok(()),
    }
}

/// Writes one line of a case's log.
pub(super) async fn log(
    tx: &mut store::Write,
    actor: &Actor,
    case_id: Uuid,
    kind: EntryKind,
    body: String,
    due_on: Option<time::Date>,
    at: time::OffsetDateTime,
) -> Result<()> {
    let entry = EntryRow {
        id: Uuid::now_v7(),
        case_id,
        kind: kind.as_str().into(),
        body,
        state: None,
        due_on,
        done_at: None,
        author_id: actor.user_id,
        visible_to_partner: kind.visible_to_partner(),
        sweep_mark: None,
        at,
    };
    store::escalations::insert_entry(tx, &entry).await?;
    Ok(())
}

/// The outcome a move records: resolving a channel-conflict case requires one, any other
/// move or case takes none.
fn conflict_outcome(
    v: &mut domain::Validation,
    row: &CaseRow,
    transition: Option<Transition>,
    input: &str,
) -> Option<Outcome> {
    let channel_conflict = row.category == Category::ChannelConflict.as_str();
    if transition == Some(Transition::Resolve) && channel_conflict {
        return v.choice::<Outcome>("conflict_outcome", input);
    }
    if !input.trim().is_empty() {
        v.add(
            "conflict_outcome",
            "only resolving a channel-conflict case records a conflict outcome",
        );
    }
    None
}

/// A case is resolved only once what we promised is done: an open remediation action on a
/// resolved case would stay on offer and count overdue with nobody working the case.
/// Who submits something for `partner_id` and that partner, for a partner's submissions
/// (escalation cases, integration requests): a person, not the system (`what` says what,
/// e.g. "a case is raised"); a partner the actor cannot see is not found, one that does not
/// exist is a `partner_id` error.
pub(crate) async fn submitter_and_partner(
    tx: &mut store::Read,
    actor: &Actor,
    partner_id: Uuid,
    what: &str,
) -> Result<(Uuid, domain::partners::Partner)> {
    let submitter = actor
        .user_id
        .ok_or_else(|| Error::Forbidden(format!("{what} by a person, not by the system")))?;
    if !actor.sees_partner(partner_id) {
        return Err(Error::NotFound);
    }
    let partner = store::partners::get(tx, partner_id)
        .await?
        .ok_or_else(|| Error::field("partner_id", "no such partner"))?;
    Ok((submitter, partner))
}

async fn refuse_open_actions(
    tx: &mut store::Read,
    v: &mut domain::Validation,
    row: &CaseRow,
) -> Result<()> {
    let open: Vec<String> = store::escalations::entries(tx, row.id, false)
        .await?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Remediation.as_str() && e.done_at.is_none())
        .map(|e| format!("\u{201c}{}\u{201d}", e.body))
        .collect();
    if !open.is_empty() {
        v.add(
            "transition",
            format!(
                "mark the open remediation actions done before resolving: {}",
                open.join(", ")
            ),
        );
    }
    Ok(())
}

/// The link every notification of a case carries.
pub(super) fn link(id: Uuid) -> String {
    format!("/escalations/{id}")
}

/// Who hears of a change to a case, and what they are told.
pub(super) struct Told<'a> {
    pub people: Vec<Uuid>,
    pub message: &'a str,
}

/// What a change says: its headline (the mail's subject), then the words written with it,
/// which the log shows the reader anyway (never an internal note: notes tell nobody).
pub(super) fn with_words(headline: &str, words: &str) -> String {
    if words.trim().is_empty() {
        headline.to_owned()
    } else {
        format!("{headline}\n\n{}", words.trim())
    }
}

/// The partner's people who follow a case: whoever raised it and the partner's active
/// admins. They hear of every word of ours written to them.
pub(super) async fn partner_audience(tx: &mut store::Read, row: &CaseRow) -> Result<Vec<Uuid>> {
    let mut people = vec![row.submitted_by];
    people.extend(partner_admins(tx, row.partner_id).await?);
    Ok(people)
}

/// Tells `told` of a change to a case (never the actor themself) and records the change in
/// the audit log, both in the change's transaction.
pub(super) async fn tell_and_record(
    tx: &mut store::Write,
    actor: &Actor,
    row: &CaseRow,
    told: Told<'_>,
    action: &str,
    summary: String,
    now: time::OffsetDateTime,
) -> Result<()> {
    let people: Vec<Uuid> = told
        .people
        .into_iter()
        .filter(|u| Some(*u) != actor.user_id)
        .collect();
    let notification = NewNotification {
        partner_id: Some(row.partner_id),
        kind: "escalation",
        message: told.message,
        link: &link(row.id),
    };
    let change = Change {
        partner_id: Some(row.partner_id),
        entity_type: "escalation_case",
        entity_id: row.id,
        action,
        summary,
        before: None,
        after: None,
    };
    notify_and_record(tx, actor, &people, &notification, change, now).await
}

impl Services {
    /// A case as the actor's side sees it.
    pub async fn escalation(&self, actor: &Actor, id: Uuid) -> Result<Escalation> {
        let mut tx = self.db.read().await?;
        let row = visible_case(&mut tx, actor, id).await?;
        self.escalation_seen(&mut tx, actor, &row).await
    }

    pub(super) async fn escalation_seen(
        &self,
        tx: &mut store::Read,
        actor: &Actor,
        row: &CaseRow,
    ) -> Result<Escalation> {
        let partner_side = !actor.is_internal();
        let entries = store::escalations::entries(tx, row.id, partner_side).await?;
        let mut users: Vec<Uuid> = entries.iter().filter_map(|e| e.author_id).collect();
        users.push(row.submitted_by);
        users.extend(row.owner_id);
        let names = Names::load(tx, &users, &[row.partner_id]).await?;
        let (_, program) = self.program_in_force().await?;
        let mut case = views::case_view(
            row,
            &entries,
            &program,
            &calendar(&program)?,
            &names,
            store::now(),
        )?;
        case.closes_by_itself_at = super::state::closes_at(tx, row, &program).await?;
        if partner_side {
            return Ok(Escalation::Partners(PartnerCaseDetail {
                case: views::partner_case_view(case),
                entries: entries
                    .iter()
                    .map(|e| views::partner_entry_view(e, &names))
                    .collect::<Result<_>>()?,
            }));
        }
        let works = works_case(tx, actor, row).await?;
        Ok(Escalation::Ours(CaseDetail {
            works,
            case,
            entries: entries
                .iter()
                .map(|e| views::entry_view(e, &names))
                .collect::<Result<_>>()?,
        }))
    }

    /// The channel-conflict case a registration's conflict check opened (None while it was
    /// clear), for the registration's page: the same for both sides, since it names only the
    /// case, where it stands and how it ended.
    pub async fn deal_conflict_case(
        &self,
        actor: &Actor,
        deal_id: Uuid,
    ) -> Result<Option<DealCaseLink>> {
        let mut tx = self.db.read().await?;
        self.visible_deal(&mut tx, actor, deal_id).await?;
        store::escalations::case_for_deal(&mut tx, deal_id)
            .await?
            .as_ref()
            .map(DealCaseLink::from)
            .transpose()
    }

    /// Whom a case may be given to: our active people who work escalations, by name.
    /// Admins and partner managers.
    pub async fn escalation_owners(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>> {
        actor.require(Action::ManagePartners)?;
        let mut tx = self.db.read().await?;
        let mut owners = Vec::new();
        for role in domain::roles::Role::ALL {
            if role.is_internal() && Action::WorkEscalations.allows(*role) {
                for user in store::users::active_with_role(&mut tx, *role, None).await? {
                    owners.push((user.id, user.name));
                }
            }
        }
        owners.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(owners)
    }

    /// Raises a case: a partner's people for their own organisation, our people for any.
    /// Its owner is the partner's manager, who is told (every partner manager is, while the
    /// partner has none and the case waits to be given to someone).
    pub async fn submit_escalation(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        form: &Form,
    ) -> Result<Escalation> {
        actor.require(Action::WorkEscalations)?;
        let mut tx = self.db.write().await?;
        let (submitter, partner) =
            submitter_and_partner(&mut tx, actor, partner_id, "a case is raised").await?;
        let input = escalations::validate(form, actor.today()).map_err(Error::Invalid)?;
        let now = store::now();
        let number = store::deals::next(&mut tx, "escalation_case").await?;
        let row = CaseRow {
            id: Uuid::now_v7(),
            number,
            partner_id,
            submitted_by: submitter,
            owner_id: partner.owner_id,
            issue: input.issue,
            category: input.category.as_str().into(),
            urgency: input.urgency.as_str().into(),
            occurred_on: input.occurred_on,
            state: State::Open.as_str().into(),
            version: 1,
            created_at: now,
            updated_at: now,
            deal_id: None,
            conflict_outcome: None,
        };
        store::escalations::insert_case(&mut tx, &row).await?;
        let reference = escalations::reference(number);
        let summary = format!(
            "{reference} raised for {}: {} {}",
            partner.display_name,
            input.urgency.label(),
            input.category.label()
        );
        let people = partner_team(&mut tx, row.owner_id).await?;
        let told = Told {
            people,
            message: &summary,
        };
        tell_and_record(&mut tx, actor, &row, told, "submit", summary.clone(), now).await?;
        let seen = self.escalation_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Gives a case to another of our people. Admins and partner managers.
    pub async fn reassign_escalation(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &Reassign,
    ) -> Result<Escalation> {
        let mut tx = self.db.write().await?;
        let row = visible_case(&mut tx, actor, id).await?;
        actor.require(Action::ManagePartners)?;
        let owner_id = input
            .owner_id
            .ok_or_else(|| Error::field("owner_id", "is required"))?;
        let owner = store::users::get(&mut tx, owner_id)
            .await?
            .filter(|u| u.disabled_at.is_none() && Action::WorkEscalations.allows(u.role))
            .filter(|u| u.role.is_internal())
            .ok_or_else(|| {
                Error::field(
                    "owner_id",
                    "the owner must be an active member of our team who works escalations",
                )
            })?;
        check_version(&row, input.version)?;
        let now = store::now();
        store::escalations::reassign(&mut tx, row.id, row.version, owner_id, now).await?;
        let reference = escalations::reference(row.number);
        let told = Told {
            people: vec![owner_id],
            message: &format!("{reference} is now yours"),
        };
        let summary = format!("{reference} given to {}", owner.name);
        tell_and_record(&mut tx, actor, &row, told, "reassign", summary, now).await?;
        let row = store::escalations::case_by_id(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let seen = self.escalation_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Moves a case: our people acknowledge, work, wait on the partner and resolve; the
    /// partner confirms the resolution (closing the case) or reopens it.
    pub async fn move_escalation(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &Move,
    ) -> Result<Escalation> {
        let mut tx = self.db.write().await?;
        let read = visible_case(&mut tx, actor, id).await?;
        actor.require(Action::WorkEscalations)?;
        require_works_case(&mut tx, actor, &read).await?;
        let mut v = domain::Validation::new();
        let transition = v.choice::<Transition>("transition", &input.transition);
        // Whether the move may be made at all comes first: a move the case's state (or the
        // asker's side) does not allow is refused as such, never with what it would need.
        let to = match transition {
            Some(transition) => {
                check_version(&read, input.version)?;
                Some(allowed(&read, transition, actor)?)
            }
            None => None,
        };
        let message = v.text("message", &input.message, false, escalations::MAX_ISSUE);
        if matches!(transition, Some(Transition::Resolve | Transition::Reopen))
            && message.is_empty()
        {
            v.add("message", "say what was done, or what is still wrong");
        }
        // A pause the partner is not told the reason of is a clock stopped for nothing: the
        // partner must know what we wait for to answer (and its answer resumes the clock).
        if transition == Some(Transition::WaitOnPartner) && message.is_empty() {
            v.add("message", "say what we need from the partner");
        }
        let outcome = conflict_outcome(&mut v, &read, transition, &input.conflict_outcome);
        if transition == Some(Transition::Resolve) {
            refuse_open_actions(&mut tx, &mut v, &read).await?;
        }
        v.into_result().map_err(Error::Invalid)?;
        let (transition, to) = transition.zip(to).expect("validated");
        let now = store::now();
        // The outcome is written with the move: the WHERE of the write is the state and
        // version read, which `base` keeps. Reopening clears it, so the next resolution
        // records its own; the audit log keeps the earlier one.
        let mut base = read.clone();
        match transition {
            Transition::Resolve => base.conflict_outcome = outcome.map(|o| o.as_str().into()),
            Transition::Reopen => base.conflict_outcome = None,
            _ => {}
        }
        let mut row = enter_state(&mut tx, actor, &base, to, message.clone(), now).await?;
        let reference = escalations::reference(row.number);
        let headline = format!("{reference}: {}", to.label());
        let summary = match outcome {
            Some(outcome) => format!("{headline} ({})", outcome.label()),
            None => headline.clone(),
        };
        // The partner hears of every word we write to it and when it is asked for something
        // or to confirm; the owner hears every answer of the partner's.
        let people: Vec<Uuid> = match side_of(actor) {
            Side::Internal
                if !message.is_empty()
                    || matches!(to, State::WaitingOnPartner | State::Resolved) =>
            {
                partner_audience(&mut tx, &row).await?
            }
            Side::Internal => Vec::new(),
            Side::Partner => partner_team(&mut tx, row.owner_id).await?,
        };
        let told = Told {
            people,
            message: &with_words(&headline, &message),
        };
        let action = transition.as_str();
        tell_and_record(&mut tx, actor, &row, told, action, summary, now).await?;
        row.version += 1;
        let seen = self.escalation_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }
}

/// The state `transition` by `actor` leads `row` to: a move of the other side is forbidden
/// (403), one that does not start from the case's state a conflict (409).
fn allowed(row: &CaseRow, transition: Transition, actor: &Actor) -> Result<State> {
    escalations::next(state_of(row)?, transition, side_of(actor)).map_err(|refusal| match refusal {
        Refusal::NotYours { .. } => Error::Forbidden(refusal.to_string()),
        Refusal::NotFrom { .. } => Error::Conflict(refusal.to_string()),
    })
}

/// Moves the case read as `read` to `to` — conditional on its state and version, so of two
/// racing moves one wins — and logs the state change the clocks are derived from; returns
/// the case as written (its version still the one read).
pub(super) async fn enter_state(
    tx: &mut store::Write,
    actor: &Actor,
    read: &CaseRow,
    to: State,
    message: String,
    now: time::OffsetDateTime,
) -> Result<CaseRow> {
    let mut row = read.clone();
    row.state = to.as_str().into();
    row.updated_at = now;
    store::escalations::change_state(tx, &row, read).await?;
    let entry = EntryRow {
        id: Uuid::now_v7(),
        case_id: row.id,
        kind: EntryKind::StateChange.as_str().into(),
        body: message,
        state: Some(to.as_str().into()),
        due_on: None,
        done_at: None,
        author_id: actor.user_id,
        visible_to_partner: true,
        sweep_mark: None,
        at: now,
    };
    store::escalations::insert_entry(tx, &entry).await?;
    Ok(row)
}
