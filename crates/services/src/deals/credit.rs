//! What a partner may report but only we confirm. A partner closes its registration as won and
//! logs joint calls; the win (and its amount) feeds the tier engine, and later payouts, only
//! once an internal user has confirmed it, and a partner's joint call counts for credit and
//! for the co-sell rule only when one of our people logged or confirmed it.

use domain::deals::registration::{self, Status};
use domain::permissions::Action;
use domain::program::Program;
use domain::validation::Choice;
use rust_decimal::Decimal;
use store::deals::DealRow;
use uuid::Uuid;

use crate::convert::{minor, money};
use crate::deals::activities::{ActivityView, activity_view};
use crate::deals::view::DealView;
use crate::deals::view::{ViewFacts, deal_view, size_in_program_currency};
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services, record};

/// What an internal user confirms of a won registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WinConfirmationInput {
    /// The amount we confirm (required: the partner's reported figure is not taken as read).
    #[serde(deserialize_with = "domain::validation::number_or_text")]
    pub amount: String,
}

/// Where a won registration stands: confirmed by us (and by whom, for our people), or waiting.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WinStatus {
    pub confirmed: bool,
    /// Who of ours confirmed it (internal readers only).
    pub confirmed_by: Option<String>,
}

/// Whether the deal has a joint call (or meeting, demo) that counts: ours, or confirmed by us.
pub(crate) async fn has_joint_call(tx: &mut store::Read, deal_id: Uuid) -> Result<bool> {
    Ok(store::deals::activities(tx, deal_id)
        .await?
        .iter()
        .any(|a| a.joint && registration::activity_counts(a.by_partner, a.confirmed_by.is_some())))
}

/// A co-sold deal is won only after a joint call that counts: winning passes every stage.
pub(crate) async fn require_joint_call_to_win(
    tx: &mut store::Read,
    program: &Program,
    deal: &DealRow,
    today: time::Date,
) -> Result<()> {
    let policy = &program.policies.co_sell;
    let co_sold = registration::co_sell_required(
        policy,
        deal.partner_sourced,
        size_in_program_currency(deal, &crate::rates::rates_into(tx, program).await?, today),
    );
    if co_sold
        && registration::joint_call_needed_to_win(policy)
        && !has_joint_call(tx, deal.id).await?
    {
        return Err(Error::field(
            "outcome",
            "this deal is co-sold: a joint call with our team must be on record (logged or \
             confirmed by us) before it is won",
        ));
    }
    Ok(())
}

/// A win closed by one of our people is confirmed at once; a partner's report waits for us,
/// and the partner's team is told.
pub(crate) async fn record_win(tx: &mut store::Write, actor: &Actor, deal: &DealRow) -> Result<()> {
    let now = store::now();
    if actor.may(Action::ConfirmCredit) {
        return Ok(store::deals::confirm_win(tx, deal.id, &actor.label, now).await?);
    }
    let owner = store::partners::get(tx, deal.partner_id)
        .await?
        .and_then(|p| p.owner_id);
    let team = notifications::partner_team(tx, owner).await?;
    let message = format!(
        "{} ({}) reported won: confirm the win and its amount",
        deal.reference, deal.customer_name
    );
    let link = format!("/deals/{}", deal.id);
    notifications::notify(
        tx,
        &team,
        &store::notifications::NewNotification {
            partner_id: Some(deal.partner_id),
            kind: "win_reported",
            message: &message,
            link: &link,
        },
        now,
    )
    .await
}

impl Services {
    /// Whether a won registration's win is confirmed; `None` when it is not won.
    pub async fn win_status(&self, actor: &Actor, id: Uuid) -> Result<Option<WinStatus>> {
        let mut tx = self.db.read().await?;
        let deal = self.visible_deal(&mut tx, actor, id).await?;
        if deal.status != Status::Won.as_str() {
            return Ok(None);
        }
        let confirmation = store::deals::win_confirmation(&mut tx, id).await?;
        drop(tx);
        Ok(Some(WinStatus {
            confirmed: confirmation.is_some(),
            confirmed_by: confirmation
                .filter(|_| actor.is_internal())
                .map(|c| c.confirmed_by),
        }))
    }

    /// One of our people confirms a partner's reported win, with its amount: from now on it
    /// is the partner's sourced revenue.
    pub async fn confirm_win(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &WinConfirmationInput,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ConfirmCredit)?;
        let amount = domain::money::amount(&input.amount, Some(&before.currency))
            .map_err(|e| Error::field("amount", e))?;
        // We confirm an amount we name ourselves: the partner's figure is never taken as read.
        let Some(amount) = amount else {
            return Err(Error::field(
                "amount",
                format!(
                    "type the amount we confirm (the partner reported {} {})",
                    money(before.closed_amount_minor.unwrap_or_default()),
                    before.currency
                ),
            ));
        };
        if amount <= Decimal::ZERO {
            return Err(Error::field(
                "amount",
                "a won deal's amount must be more than 0",
            ));
        }
        if before.status != Status::Won.as_str() {
            return Err(Error::Conflict(format!(
                "only a won registration is confirmed; {} is {}",
                before.reference, before.status
            )));
        }
        if let Some(done) = store::deals::win_confirmation(&mut tx, id).await? {
            return Err(Error::Conflict(format!(
                "this win is already confirmed (by {})",
                done.confirmed_by
            )));
        }
        require_joint_call_to_win(&mut tx, &program, &before, actor.today()).await?;
        store::deals::confirm_win(&mut tx, id, &actor.label, store::now()).await?;
        let mut row = before.clone();
        row.closed_amount_minor = Some(minor(amount));
        let summary = format!(
            "{} ({}): win confirmed at {} {}",
            row.reference,
            row.customer_name,
            money(row.closed_amount_minor.unwrap_or_default()),
            row.currency
        );
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let row = self
            .save_deal(tx, actor, &before, row, "win_confirmed", summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// One of our people confirms they took part in a partner's logged activity, so it counts
    /// for credit and for the co-sell joint-call rule.
    pub async fn confirm_activity(
        &self,
        actor: &Actor,
        deal_id: Uuid,
        activity_id: Uuid,
    ) -> Result<ActivityView> {
        let mut tx = self.db.write().await?;
        let deal = self.visible_deal(&mut tx, actor, deal_id).await?;
        actor.require(Action::ConfirmCredit)?;
        let activity = store::deals::activities(&mut tx, deal_id)
            .await?
            .into_iter()
            .find(|a| a.id == activity_id)
            .ok_or(Error::NotFound)?;
        if !activity.by_partner {
            return Err(Error::Conflict(
                "our own activities count without confirmation".into(),
            ));
        }
        store::deals::confirm_activity(&mut tx, deal_id, activity_id, &actor.label).await?;
        let now = store::now();
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(deal.partner_id),
                entity_type: "deal_registration",
                entity_id: deal.id,
                action: "activity_confirmed",
                summary: format!(
                    "{}: {}'s {} of {} confirmed",
                    deal.reference, activity.by_label, activity.kind, activity.occurred_on
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(activity_view(
            store::deals::ActivityRow {
                confirmed_by: Some(actor.label.clone()),
                ..activity
            },
            actor,
        ))
    }
}
