//! Submitting a request, reading it, moving it and merging duplicates.

use domain::alignment::{self as routing, Activity};
use domain::integration_requests::{self, Form, Refusal, State, Transition};
use domain::permissions::{self, Action};
use domain::program::policy::Team;
use domain::validation::Choice;
use store::integration_requests::{CustomerRow, RequestRow};
use store::notifications::NewNotification;
use uuid::Uuid;

use super::views::{self, Context, IntegrationRequest, state_of};
use crate::convert::minor;
use crate::notifications::{notify, notify_and_record};
use crate::rates::rates_into;
use crate::teams::actor_teams;
use crate::{Actor, Change, Error, Result, Services, record};

/// A move Product asks for.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = IntegrationRequestMove)]
#[serde(default, deny_unknown_fields)]
pub struct Move {
    /// review, plan, decline, ship.
    pub transition: String,
    /// The request's version as last read: a request changed since is refused (409).
    pub version: Option<i64>,
    /// Told to the partner; required to decline.
    pub reason: String,
    /// Product's note, replacing the last one; never shown to a partner. Empty keeps it.
    pub internal_note: String,
}

/// A duplicate to merge into the request of the path, named by its reference as the pages
/// show it (`duplicate`) or by its id.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Merge {
    /// The duplicate's reference: INT-000123.
    pub duplicate: String,
    /// The duplicate's id, when no reference is given.
    pub duplicate_id: Option<Uuid>,
    /// The duplicate's version as last read.
    pub duplicate_version: Option<i64>,
    /// The surviving request's version as last read.
    pub version: Option<i64>,
}

const MAX_REASON: usize = 2000;

/// The teams that decide requests: the Responsible and Accountable of the RACI row.
fn deciders(program: &domain::program::Program) -> Vec<Team> {
    routing::route(&program.policies.raci, Activity::IntegrationRequests)
        .map(|route| vec![route.queue, route.accountable])
        .unwrap_or_default()
}

/// Refuses anyone who does not review requests.
pub(super) async fn require_reviewer(
    tx: &mut store::Read,
    actor: &Actor,
    program: &domain::program::Program,
) -> Result<()> {
    let teams = actor_teams(tx, actor).await?;
    if permissions::may_review_integration_requests(actor.role, &teams, &deciders(program)) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "integration requests are reviewed by an admin or the teams the RACI matrix makes \
             Responsible or Accountable for them"
                .into(),
        ))
    }
}

/// A request the actor may see; anything else is "not found", so ids cannot be probed.
async fn visible(tx: &mut store::Read, actor: &Actor, id: Uuid) -> Result<RequestRow> {
    store::integration_requests::get(tx, id)
        .await?
        .filter(|r| actor.sees_partner(r.partner_id))
        .ok_or(Error::NotFound)
}

fn check_version(row: &RequestRow, version: Option<i64>) -> Result<()> {
    match version {
        Some(v) if v != row.version => Err(Error::Conflict(format!(
            "{} was changed by someone else meanwhile: reload it and try again",
            integration_requests::reference(row.number)
        ))),
        _ => Ok(()),
    }
}

/// The duplicate a merge names, and the field that named it: the reference when one is
/// typed, else the id; the field error when it names no request.
async fn duplicate_of(tx: &mut store::Read, input: &Merge) -> Result<(&'static str, RequestRow)> {
    let (field, row) = match (input.duplicate.trim(), input.duplicate_id) {
        ("", None) => return Err(Error::field("duplicate", "is required")),
        ("", Some(id)) => (
            "duplicate_id",
            store::integration_requests::get(tx, id).await?,
        ),
        (typed, _) => {
            let number = integration_requests::number_of(typed).ok_or_else(|| {
                Error::field(
                    "duplicate",
                    format!("'{typed}' is not a request reference such as INT-000123"),
                )
            })?;
            (
                "duplicate",
                store::integration_requests::by_number(tx, number).await?,
            )
        }
    };
    let row = row.ok_or_else(|| {
        let named = match input.duplicate.trim() {
            "" => "that id".to_owned(),
            typed => typed.to_owned(),
        };
        Error::field(field, format!("no integration request is {named}"))
    })?;
    Ok((field, row))
}

fn link(id: Uuid) -> String {
    format!("/integration-requests/{id}")
}

impl Services {
    /// A request as the actor's side sees it.
    pub async fn integration_request(&self, actor: &Actor, id: Uuid) -> Result<IntegrationRequest> {
        let mut tx = self.db.read().await?;
        let row = visible(&mut tx, actor, id).await?;
        self.integration_request_seen(&mut tx, actor, &row).await
    }

    async fn integration_request_seen(
        &self,
        tx: &mut store::Read,
        actor: &Actor,
        row: &RequestRow,
    ) -> Result<IntegrationRequest> {
        let survivor = match row.merged_into {
            Some(id) => store::integration_requests::get(tx, id).await?,
            None => None,
        };
        if !actor.is_internal() {
            let customers = store::integration_requests::customers(tx, &[row.id]).await?;
            return Ok(IntegrationRequest::Partners(views::partner_view(
                row,
                survivor.as_ref(),
                &customers,
            )?));
        }
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let rates = rates_into(tx, &program).await?;
        let context = Context::load(tx, std::slice::from_ref(row), rates, actor.today()).await?;
        let demand = context.demand(row);
        Ok(IntegrationRequest::Ours(Box::new(context.view(
            row,
            survivor.as_ref(),
            demand,
            None,
        )?)))
    }

    /// Submits a request: a partner's people for their own organisation, those who manage
    /// partners for any. The Accountable team of the RACI row is told.
    pub async fn submit_integration_request(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        form: &Form,
    ) -> Result<IntegrationRequest> {
        actor.require(Action::SubmitIntegrationRequests)?;
        let mut tx = self.db.write().await?;
        let (submitter, partner) = crate::escalations::submitter_and_partner(
            &mut tx,
            actor,
            partner_id,
            "a request is submitted",
        )
        .await?;
        let (_, program) = self.program_in_force().await?;
        let input =
            integration_requests::validate(form, &program.currency).map_err(Error::Invalid)?;
        let mut bad_deals = Vec::new();
        for (i, customer) in input.customers.iter().enumerate() {
            if let Some(deal_id) = customer.deal_id {
                let deal = store::deals::get(&mut tx, deal_id).await?;
                if deal.is_none_or(|d| d.partner_id != partner_id) {
                    bad_deals.push(domain::FieldError {
                        field: format!("customers[{i}].deal_id"),
                        message: "is not a registration of this partner".into(),
                    });
                }
            }
        }
        if !bad_deals.is_empty() {
            return Err(Error::Invalid(bad_deals));
        }
        let now = store::now();
        let number = store::deals::next(&mut tx, "integration_request").await?;
        let row = RequestRow {
            id: Uuid::now_v7(),
            number,
            partner_id,
            submitted_by: submitter,
            title: input.title,
            description: input.description,
            system: input.system,
            state: State::Submitted.as_str().into(),
            decline_reason: None,
            internal_note: String::new(),
            merged_into: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let customers: Vec<CustomerRow> = input
            .customers
            .iter()
            .map(|c| CustomerRow {
                id: Uuid::now_v7(),
                request_id: row.id,
                name: c.name.clone(),
                amount_minor: minor(c.amount),
                currency: c.currency.clone(),
                deal_id: c.deal_id,
            })
            .collect();
        store::integration_requests::insert(&mut tx, &row, &customers).await?;
        let reference = integration_requests::reference(number);
        let summary = format!(
            "{reference} from {}: integration with {}",
            partner.display_name, row.system
        );
        let (_, program) = self.program_in_force().await?;
        let mut told = Vec::new();
        if let Some(route) = routing::route(&program.policies.raci, Activity::IntegrationRequests) {
            for member in store::teams::members(&mut tx, Some(route.accountable.key())).await? {
                if member.disabled_at.is_none() && member.user_id != submitter {
                    told.push(member.user_id);
                }
            }
        }
        let notification = NewNotification {
            partner_id: Some(partner_id),
            kind: "integration_request",
            message: &summary,
            link: &link(row.id),
        };
        let change = Change {
            partner_id: Some(partner_id),
            entity_type: "integration_request",
            entity_id: row.id,
            action: "submit",
            summary: summary.clone(),
            before: None,
            after: None,
        };
        notify_and_record(&mut tx, actor, &told, &notification, change, now).await?;
        let seen = self.integration_request_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Moves a request (review, plan, decline with a reason, ship), optionally with a new
    /// internal note. The submitters of the request and of its duplicates are told.
    pub async fn move_integration_request(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &Move,
    ) -> Result<IntegrationRequest> {
        let mut tx = self.db.write().await?;
        let read = visible(&mut tx, actor, id).await?;
        actor.require(Action::ReviewIntegrationRequests)?;
        let (_, program) = self.program_in_force().await?;
        require_reviewer(&mut tx, actor, &program).await?;
        let mut v = domain::Validation::new();
        let transition = v.choice::<Transition>("transition", &input.transition);
        let reason = v.text("reason", &input.reason, false, MAX_REASON);
        let note = v.text(
            "internal_note",
            &input.internal_note,
            false,
            integration_requests::MAX_DESCRIPTION,
        );
        if transition.is_some_and(Transition::needs_reason) && reason.is_empty() {
            v.add("reason", "tell the partner why it is declined");
        }
        v.into_result().map_err(Error::Invalid)?;
        let transition = transition.expect("validated");
        if read.merged_into.is_some() {
            return Err(Error::Conflict(
                "this request was merged into another: move that one".into(),
            ));
        }
        check_version(&read, input.version)?;
        let to = integration_requests::next(state_of(&read)?, transition)
            .map_err(|refusal: Refusal| Error::Conflict(refusal.to_string()))?;
        let now = store::now();
        let mut row = read.clone();
        row.state = to.as_str().into();
        row.decline_reason = (to == State::Declined).then_some(reason);
        if !note.is_empty() {
            row.internal_note = note;
        }
        row.updated_at = now;
        store::integration_requests::change(&mut tx, &row, &read).await?;
        let summary = format!(
            "{}: {}",
            integration_requests::reference(row.number),
            to.label()
        );
        // Each submitter hears of their own request: a merged duplicate's by its own
        // reference and link, so nobody learns another partner's request.
        let duplicates = store::integration_requests::merged_into(&mut tx, &[row.id]).await?;
        for request in std::iter::once(&row).chain(duplicates.iter()) {
            if Some(request.submitted_by) == actor.user_id {
                continue;
            }
            notify(
                &mut tx,
                &[request.submitted_by],
                &NewNotification {
                    partner_id: Some(request.partner_id),
                    kind: "integration_request",
                    message: &format!(
                        "{}: {}",
                        integration_requests::reference(request.number),
                        to.label()
                    ),
                    link: &link(request.id),
                },
                now,
            )
            .await?;
        }
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(row.partner_id),
                entity_type: "integration_request",
                entity_id: row.id,
                action: transition.as_str(),
                summary,
                before: None,
                after: None,
            },
        )
        .await?;
        row.version += 1;
        let seen = self.integration_request_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Merges a duplicate into the request of the path: its customers then count there and
    /// its state is read from there. Both are written conditionally, so of two racing
    /// merges (or a merge and a move) one wins and the other gets 409.
    pub async fn merge_integration_requests(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &Merge,
    ) -> Result<IntegrationRequest> {
        let mut tx = self.db.write().await?;
        let survivor = visible(&mut tx, actor, id).await?;
        actor.require(Action::ReviewIntegrationRequests)?;
        let (_, program) = self.program_in_force().await?;
        require_reviewer(&mut tx, actor, &program).await?;
        let (field, duplicate) = duplicate_of(&mut tx, input).await?;
        if duplicate.id == id {
            return Err(Error::field(
                field,
                "a request cannot be merged into itself",
            ));
        }
        // A page read before someone else's change is the loser of a race (409); a duplicate
        // that cannot merge as it stands is bad input, said at the field (422).
        check_version(&survivor, input.version)?;
        check_version(&duplicate, input.duplicate_version)?;
        if survivor.merged_into.is_some() || state_of(&survivor)?.is_final() {
            return Err(Error::Conflict(
                "this request was merged or is done: nothing merges into it".into(),
            ));
        }
        let name = integration_requests::reference(duplicate.number);
        if let Some(into) = duplicate.merged_into {
            let into = store::integration_requests::get(&mut tx, into).await?;
            return Err(Error::field(
                field,
                format!(
                    "{name} was already merged into {}",
                    into.map_or_else(
                        || "another".into(),
                        |r| integration_requests::reference(r.number)
                    )
                ),
            ));
        }
        let state = state_of(&duplicate)?;
        if state.is_final() {
            return Err(Error::field(
                field,
                format!(
                    "{name} is {}: declined and shipped requests are done, nothing merges with them",
                    state.label().to_lowercase()
                ),
            ));
        }
        let now = store::now();
        store::integration_requests::touch(&mut tx, &survivor, now).await?;
        store::integration_requests::merge(&mut tx, &duplicate, survivor.id, now).await?;
        let summary = format!(
            "{} merged into {}",
            integration_requests::reference(duplicate.number),
            integration_requests::reference(survivor.number)
        );
        let told: Vec<Uuid> = [duplicate.submitted_by]
            .into_iter()
            .filter(|u| Some(*u) != actor.user_id)
            .collect();
        let notification = NewNotification {
            partner_id: Some(duplicate.partner_id),
            kind: "integration_request",
            message: &format!(
                "{}: reviewed together with a request of the same integration",
                integration_requests::reference(duplicate.number)
            ),
            link: &link(duplicate.id),
        };
        let change = Change {
            partner_id: Some(survivor.partner_id),
            entity_type: "integration_request",
            entity_id: survivor.id,
            action: "merge",
            summary,
            before: None,
            after: None,
        };
        notify_and_record(&mut tx, actor, &told, &notification, change, now).await?;
        let row = store::integration_requests::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let seen = self.integration_request_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }
}
