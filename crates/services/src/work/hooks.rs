//! Where other features' code paths open and close work: each call runs inside the
//! transaction of the change that creates or finishes the item's source.

use domain::program::Program;
use domain::program::policy::Team;
use domain::validation::Choice;
use domain::work::{Warned, WorkKind, route_of};
use time::OffsetDateTime;
use uuid::Uuid;

use super::views::named;
use crate::{Error, Result, notifications};

/// What an item is about, as the creating code path knows it.
pub(crate) struct Source<'a> {
    pub kind: WorkKind,
    pub id: Uuid,
    pub partner_id: Uuid,
    pub title: &'a str,
    /// The team an onboarding item names as doing it; None for the RACI row's choice.
    pub owner: Option<Team>,
}

/// Opens an item in the route's queue and tells the Accountable team's lead (or, with no
/// lead, its members), in `tx`.
pub(crate) async fn open_item(
    tx: &mut store::Write,
    program: &Program,
    source: Source<'_>,
    at: OffsetDateTime,
) -> Result<Uuid> {
    let route = route_of(&program.policies, source.kind, source.owner).ok_or_else(|| {
        Error::Store(store::Error::Internal(format!(
            "the RACI matrix has no route for {}",
            source.kind.as_str()
        )))
    })?;
    let row = store::work::ItemRow {
        id: Uuid::now_v7(),
        kind: source.kind.as_str().into(),
        source_id: source.id,
        partner_id: source.partner_id,
        title: source.title.into(),
        team: route.queue.key().into(),
        assignee_id: None,
        warned: Warned::Nothing.as_str().into(),
        version: 0,
        created_at: at,
        closed_at: None,
        closed_by: None,
    };
    store::work::insert(tx, &row).await?;
    let recipients = team_lead_or_members(tx, route.accountable).await?;
    let message = format!(
        "New work for {}: {} ({})",
        domain::teams::label(route.queue),
        named(tx, &row).await?,
        source.kind.label()
    );
    let link = format!("/work/{}", row.id);
    notifications::notify(
        tx,
        &recipients,
        &store::notifications::NewNotification {
            partner_id: None,
            kind: "work_item",
            message: &message,
            link: &link,
        },
        at,
    )
    .await?;
    Ok(row.id)
}

/// Opens the work item of a manual onboarding item one of our teams owns (the partner's own
/// items and those the system observes are nobody's work here). A contract item of the
/// checklist template (`ItemTemplate::is_contract`) is contract review work, routed by
/// `contract_review`; the item's owner is already that row's queue (the program's check).
pub(crate) async fn open_onboarding_work(
    tx: &mut store::Write,
    program: &Program,
    item: &store::onboarding::ItemRow,
    at: OffsetDateTime,
) -> Result<()> {
    let Some(team) = domain::teams::parse(&item.owner).filter(|_| item.completes_when.is_none())
    else {
        return Ok(());
    };
    let contract = program
        .onboarding
        .items
        .iter()
        .any(|t| t.key == item.key && t.is_contract());
    open_item(
        tx,
        program,
        Source {
            kind: if contract {
                WorkKind::ContractReview
            } else {
                WorkKind::Onboarding
            },
            id: item.id,
            partner_id: item.partner_id,
            title: &item.title,
            owner: Some(team),
        },
        at,
    )
    .await?;
    Ok(())
}

/// Closes the open work item of an onboarding item, of whichever checklist kind it was
/// opened as (a source has at most one open item).
pub(crate) async fn close_onboarding_work(
    tx: &mut store::Write,
    item_id: Uuid,
    at: OffsetDateTime,
    by: &str,
) -> Result<()> {
    for kind in [WorkKind::Onboarding, WorkKind::ContractReview] {
        close_item(tx, kind, item_id, at, by).await?;
    }
    Ok(())
}

/// Closes the open item about a source, by the code path that finished the source; the
/// conditional UPDATE makes the first finisher the one closer.
pub(crate) async fn close_item(
    tx: &mut store::Write,
    kind: WorkKind,
    source_id: Uuid,
    at: OffsetDateTime,
    by: &str,
) -> Result<bool> {
    Ok(store::work::close_for_source(tx, kind.as_str(), source_id, at, by).await?)
}

/// A team's lead, or every active member when it has none.
pub(super) async fn team_lead_or_members(tx: &mut store::Read, team: Team) -> Result<Vec<Uuid>> {
    if let Some(lead) = store::teams::get(tx, team.key())
        .await?
        .and_then(|t| t.lead_user_id)
    {
        return Ok(vec![lead]);
    }
    team_members(tx, team).await
}

/// A team's active members.
pub(super) async fn team_members(tx: &mut store::Read, team: Team) -> Result<Vec<Uuid>> {
    Ok(store::teams::members(tx, Some(team.key()))
        .await?
        .into_iter()
        .filter(|m| m.disabled_at.is_none())
        .map(|m| m.user_id)
        .collect())
}
