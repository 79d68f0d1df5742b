//! Deciding and closing registrations, and extending their protection: a manager approves,
//! rejects or asks for more; an approved registration is won or lost, or its protection
//! extended within the policy.

use domain::deals::registration::{self, Status};
use domain::permissions::Action;
use domain::validation::Choice;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::convert::{minor, parse_day};
use crate::deals::submission::protection_days;
use crate::deals::view::{DealView, ViewFacts, deal_view};
use crate::notifications;
use crate::{Actor, Error, Result, Services};

/// A partner manager's decision on a submitted registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DealDecision {
    /// approve, reject or more_info
    pub decision: String,
    /// The reason (required to reject) or the question (required to ask for more).
    pub note: String,
}

/// The outcome of an approved registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DealClose {
    /// won or lost
    pub outcome: String,
    /// The closed amount (won deals; the registered size when empty).
    #[serde(deserialize_with = "domain::validation::number_or_text")]
    pub amount: String,
    /// YYYY-MM-DD; today when empty.
    pub closed_on: String,
}

impl Services {
    /// Approves (protected for the partner's tier's window), rejects (with a reason) or asks
    /// for more information. Rejecting closes its conflict case, if any, as moot; after an
    /// approval the case is resolved on the case, with the conflict's outcome.
    pub async fn decide_deal(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: &DealDecision,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ManageDeals)?;
        let mut v = domain::Validation::new();
        let note = v.text("note", &decision.note, false, 2_000);
        let to = match decision.decision.trim() {
            "approve" => Some(Status::Approved),
            "reject" => Some(Status::Rejected),
            "more_info" => Some(Status::MoreInfoRequested),
            other => {
                v.add(
                    "decision",
                    format!("'{other}' is not one of: approve, reject, more_info"),
                );
                None
            }
        };
        if matches!(to, Some(Status::Rejected)) && note.is_empty() {
            v.add("note", "give the partner the reason for rejecting");
        }
        if matches!(to, Some(Status::MoreInfoRequested)) && note.is_empty() {
            v.add("note", "say what information is missing");
        }
        v.into_result().map_err(Error::Invalid)?;
        let to = to.expect("validated");
        let status = Status::parse(&before.status).unwrap_or(Status::Draft);
        status.check_move(to).map_err(Error::Conflict)?;
        let partner = store::partners::get(&mut tx, before.partner_id)
            .await?
            .ok_or(Error::NotFound)?;
        if to != Status::Rejected
            && let Some(why) = partner.out_of_program()
        {
            return Err(Error::Conflict(format!(
                "{} is {why}: its registrations can only be rejected",
                partner.display_name
            )));
        }
        let now = store::now();
        let today = actor.today();
        let mut row = before.clone();
        row.status = to.as_str().into();
        row.decided_at = Some(now);
        row.decided_by = Some(actor.label.clone());
        row.decision_note = note.clone();
        if to == Status::Approved {
            row.protected_until = Some(registration::protected_until(
                today,
                protection_days(&program, &partner.tier),
            ));
        }
        let reference = row.reference.clone();
        let message = match to {
            Status::Approved => format!(
                "{reference} ({}) approved, protected until {}",
                row.customer_name,
                row.protected_until
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            ),
            Status::Rejected => format!("{reference} ({}) rejected: {note}", row.customer_name),
            _ => format!(
                "{reference} ({}): more information requested: {note}",
                row.customer_name
            ),
        };
        let mut recipients = notifications::partner_admins(&mut tx, row.partner_id).await?;
        recipients
            .extend(notifications::person(&mut tx, row.partner_id, Some(&row.created_by)).await?);
        let link = format!("/deals/{id}");
        notifications::notify(
            &mut tx,
            &recipients,
            &store::notifications::NewNotification {
                partner_id: Some(row.partner_id),
                kind: "deal_decision",
                message: &message,
                link: &link,
            },
            now,
        )
        .await?;
        // Decided (or sent back to the partner): the review's work is done; a resubmission
        // opens it anew.
        crate::work::close_item(
            &mut tx,
            domain::work::WorkKind::DealRegistration,
            id,
            now,
            &actor.label,
        )
        .await?;
        // Rejected, the registration claims nothing: its conflict is moot and its case
        // closes with the decision. An approval leaves the case to a person, who records how
        // the conflict ended.
        if to == Status::Rejected {
            crate::escalations::close_moot_conflict(
                &mut tx, actor, id, &reference, "rejected", now,
            )
            .await?;
        }
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let row = self
            .save_deal(tx, actor, &before, row, to.as_str(), message)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Records an approved registration as won or lost. Won deals count as the partner's
    /// sourced revenue in the quarter they closed.
    pub async fn close_deal(&self, actor: &Actor, id: Uuid, input: &DealClose) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::WorkDeals)?;
        let today = actor.today();
        let mut v = domain::Validation::new();
        let to = match input.outcome.trim() {
            "won" => Some(Status::Won),
            "lost" => Some(Status::Lost),
            other => {
                v.add("outcome", format!("'{other}' is not one of: won, lost"));
                None
            }
        };
        let amount = match domain::money::amount(&input.amount, Some(&before.currency)) {
            Ok(a) => a,
            Err(e) => {
                v.add("amount", e);
                None
            }
        };
        if to == Some(Status::Won) && amount.is_some_and(|a| a <= Decimal::ZERO) {
            v.add("amount", "a won deal's amount must be more than 0");
        }
        let closed_on = parse_day(&mut v, "closed_on", &input.closed_on, today);
        if let Some(problem) = closed_on.and_then(|closed| {
            registration::close_date_problem(closed, before.registered_on, today)
        }) {
            v.add("closed_on", problem);
        }
        v.into_result().map_err(Error::Invalid)?;
        let (Some(to), Some(closed_on)) = (to, closed_on) else {
            unreachable!("validated")
        };
        Status::parse(&before.status)
            .unwrap_or(Status::Draft)
            .check_move(to)
            .map_err(Error::Conflict)?;
        if to == Status::Won {
            crate::deals::credit::require_joint_call_to_win(&mut tx, &program, &before, today)
                .await?;
            crate::deals::credit::record_win(&mut tx, actor, &before).await?;
        }
        let mut row = before.clone();
        row.status = to.as_str().into();
        row.closed_on = Some(closed_on);
        row.closed_amount_minor =
            (to == Status::Won).then(|| amount.map_or(row.deal_size_minor, minor));
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let summary = format!(
            "{} ({}) {} on {closed_on}",
            row.reference.clone(),
            row.customer_name,
            to.label().to_lowercase()
        );
        let row = self
            .save_deal(tx, actor, &before, row, to.as_str(), summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Asks for more protection time on an approved registration (the policy limits how
    /// many extensions a registration gets).
    pub async fn request_extension(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::WorkDeals)?;
        let mut v = domain::Validation::new();
        let reason = v.text("reason", reason, true, 1_000);
        v.into_result().map_err(Error::Invalid)?;
        let policy = &program.policies.deal_registration;
        registration::may_request_extension(
            Status::parse(&before.status).unwrap_or(Status::Draft),
            before.protected_until,
            u32::try_from(before.extensions_used).unwrap_or(u32::MAX),
            policy.max_extensions,
            actor.today(),
        )
        .map_err(Error::Conflict)?;
        if !before.extension_reason.is_empty() {
            return Err(Error::Conflict(
                "an extension request is already waiting for a decision".into(),
            ));
        }
        let mut row = before.clone();
        row.extension_reason = reason.clone();
        let owner = store::partners::get(&mut tx, row.partner_id)
            .await?
            .and_then(|p| p.owner_id);
        let team = notifications::partner_team(&mut tx, owner).await?;
        let message = format!(
            "{} ({}): extension requested: {reason}",
            row.reference.clone(),
            row.customer_name
        );
        let link = format!("/deals/{id}");
        notifications::notify(
            &mut tx,
            &team,
            &store::notifications::NewNotification {
                partner_id: Some(row.partner_id),
                kind: "deal_extension",
                message: &message,
                link: &link,
            },
            store::now(),
        )
        .await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let row = self
            .save_deal(tx, actor, &before, row, "extension_requested", message)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Grants (the policy's extension days more) or refuses a requested extension.
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: Uuid,
        approve: bool,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ManageDeals)?;
        if before.extension_reason.is_empty() {
            return Err(Error::Conflict("no extension has been requested".into()));
        }
        if approve
            && let Some(partner) = store::partners::get(&mut tx, before.partner_id).await?
            && let Some(why) = partner.out_of_program()
        {
            return Err(Error::Conflict(format!(
                "{} is {why}: its protection is not extended",
                partner.display_name
            )));
        }
        let mut row = before.clone();
        row.extension_reason = String::new();
        let reference = row.reference.clone();
        let message = if approve {
            let until = before.protected_until.unwrap_or(actor.today());
            let extended = until
                + time::Duration::days(program.policies.deal_registration.extension_days.into());
            row.protected_until = Some(extended);
            row.extensions_used += 1;
            row.last_warning = None;
            format!(
                "{reference} ({}): extension granted, protected until {extended}",
                row.customer_name
            )
        } else {
            format!("{reference} ({}): extension refused", row.customer_name)
        };
        let mut recipients = notifications::partner_admins(&mut tx, row.partner_id).await?;
        recipients
            .extend(notifications::person(&mut tx, row.partner_id, Some(&row.created_by)).await?);
        let link = format!("/deals/{id}");
        notifications::notify(
            &mut tx,
            &recipients,
            &store::notifications::NewNotification {
                partner_id: Some(row.partner_id),
                kind: "deal_extension",
                message: &message,
                link: &link,
            },
            store::now(),
        )
        .await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let action = if approve {
            "extension_granted"
        } else {
            "extension_refused"
        };
        let row = self
            .save_deal(tx, actor, &before, row, action, message)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }
}
