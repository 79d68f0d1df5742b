//! What each side is shown of a request. The partner shape is built without Product's note,
//! the ranking figures or any merged request's customers, so no page or API can leak them.

use std::collections::HashMap;

use domain::integration_requests::{self, Ask, Demand, State, Transition};
use domain::money::rates::Rates;
use domain::validation::Choice;
use rust_decimal::Decimal;
use serde::Serialize;
use store::integration_requests::{CustomerRow, RequestRow};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::{corrupt, money};
use crate::{Page, Result};

/// One customer who needs the integration.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CustomerView {
    pub name: String,
    /// In `currency`, as typed (decimal text).
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    pub deal_id: Option<Uuid>,
}

/// A customer of a duplicate merged into a request, with the duplicate and the partner who
/// named it: in our people's view only, never in a partner's.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MergedCustomerView {
    /// The duplicate's reference (INT-000123).
    pub reference: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub customer: CustomerView,
}

/// The revenue a request and its merged duplicates put at stake, and who asks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DemandView {
    /// In `currency` (the program's), converted at today's rates: per-currency sums, each
    /// converted once and rounded half to even.
    #[schema(value_type = String)]
    pub revenue: Decimal,
    pub currency: String,
    /// Sums in currencies without a rate today: shown, never added.
    #[schema(value_type = Vec<(String, String)>)]
    pub not_converted: Vec<(String, Decimal)>,
    pub partners: usize,
    pub customers: usize,
}

/// A request as our people see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    /// INT-000123
    pub reference: String,
    /// 1 for the request with the most revenue at stake (lists ranked by revenue).
    pub rank: Option<usize>,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub submitted_by: String,
    pub title: String,
    pub description: String,
    pub system: String,
    /// Its own, or (merged) the state of the request it was merged into.
    pub state: State,
    pub decline_reason: Option<String>,
    /// Product's own words: never shown to a partner.
    pub internal_note: String,
    /// The request this duplicate was merged into.
    pub merged_into: Option<Uuid>,
    /// The references of the duplicates merged into this one.
    pub merged: Vec<String>,
    pub customers: Vec<CustomerView>,
    /// The customers of the duplicates merged in: the demand counts them too.
    pub merged_customers: Vec<MergedCustomerView>,
    pub demand: DemandView,
    /// Send back with a move or a merge: a request changed meanwhile is refused (409).
    pub version: i64,
    pub moves: Vec<Transition>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A request as the partner's people see it: their own customers only, the public state
/// and a decline's reason; a merged one says so without naming the request or partner it
/// joined.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerRequestView {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub description: String,
    pub system: String,
    pub state: State,
    /// Merged into another request (perhaps another partner's): reviewed together with it,
    /// its state is that request's.
    pub merged: bool,
    pub decline_reason: Option<String>,
    pub customers: Vec<CustomerView>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A request as the asker's side sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum IntegrationRequest {
    Ours(Box<RequestView>),
    Partners(PartnerRequestView),
}

/// A list of requests as the asker's side sees it: ours ranked by revenue at stake.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum IntegrationRequests {
    Ours(Page<RequestView>),
    Partners(Page<PartnerRequestView>),
}

pub(super) fn state_of(row: &RequestRow) -> Result<State> {
    State::parse(&row.state).ok_or_else(|| corrupt("integration request state", &row.state))
}

pub(super) fn customer_view(row: &CustomerRow) -> CustomerView {
    CustomerView {
        name: row.name.clone(),
        amount: money(row.amount_minor),
        currency: row.currency.clone(),
        deal_id: row.deal_id,
    }
}

/// The public face of a request: a merged duplicate reads its state and reason from the
/// request it joined (`survivor`).
pub(super) fn public_state(
    row: &RequestRow,
    survivor: Option<&RequestRow>,
) -> Result<(State, Option<String>)> {
    let source = survivor.unwrap_or(row);
    Ok((state_of(source)?, source.decline_reason.clone()))
}

pub(super) fn partner_view(
    row: &RequestRow,
    survivor: Option<&RequestRow>,
    customers: &[CustomerRow],
) -> Result<PartnerRequestView> {
    let (state, decline_reason) = public_state(row, survivor)?;
    Ok(PartnerRequestView {
        id: row.id,
        reference: integration_requests::reference(row.number),
        title: row.title.clone(),
        description: row.description.clone(),
        system: row.system.clone(),
        state,
        merged: row.merged_into.is_some(),
        decline_reason,
        customers: customers
            .iter()
            .filter(|c| c.request_id == row.id)
            .map(customer_view)
            .collect(),
        created_at: row.created_at,
    })
}

/// Everything a set of internal views needs besides the rows: names, customers, merged
/// duplicates and the rates of the day.
pub(super) struct Context {
    pub users: HashMap<Uuid, String>,
    pub partners: HashMap<Uuid, String>,
    /// The customers of the requests and of their duplicates.
    pub customers: Vec<CustomerRow>,
    /// The duplicates merged into the requests.
    pub merged: Vec<RequestRow>,
    pub rates: Rates,
    pub today: Date,
}

impl Context {
    pub async fn load(
        tx: &mut store::Read,
        rows: &[RequestRow],
        rates: Rates,
        today: Date,
    ) -> Result<Context> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let merged = store::integration_requests::merged_into(tx, &ids).await?;
        let mut all: Vec<Uuid> = ids;
        all.extend(merged.iter().map(|r| r.id));
        let customers = store::integration_requests::customers(tx, &all).await?;
        let mut partner_ids: Vec<Uuid> = rows.iter().map(|r| r.partner_id).collect();
        partner_ids.extend(merged.iter().map(|r| r.partner_id));
        let partners = store::partners::get_many(tx, &partner_ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p.display_name))
            .collect();
        let mut users = HashMap::new();
        for row in rows {
            if let std::collections::hash_map::Entry::Vacant(name) = users.entry(row.submitted_by) {
                let user = store::users::get(tx, row.submitted_by).await?;
                name.insert(user.map(|u| u.name).unwrap_or_default());
            }
        }
        Ok(Context {
            users,
            partners,
            customers,
            merged,
            rates,
            today,
        })
    }

    fn partner_name(&self, id: Uuid) -> String {
        self.partners.get(&id).cloned().unwrap_or_default()
    }

    /// What `row` with its duplicates puts at stake.
    pub fn demand(&self, row: &RequestRow) -> Demand {
        let family: Vec<&RequestRow> = std::iter::once(row)
            .chain(self.merged.iter().filter(|m| m.merged_into == Some(row.id)))
            .collect();
        let asks: Vec<Ask> = family
            .iter()
            .flat_map(|member| {
                self.customers
                    .iter()
                    .filter(|c| c.request_id == member.id)
                    .map(|c| Ask {
                        partner_id: member.partner_id,
                        customer: c.name.clone(),
                        amount: money(c.amount_minor),
                        currency: c.currency.clone(),
                    })
            })
            .collect();
        integration_requests::demand(&asks, &self.rates, self.today)
    }

    pub fn view(
        &self,
        row: &RequestRow,
        survivor: Option<&RequestRow>,
        demand: Demand,
        rank: Option<usize>,
    ) -> Result<RequestView> {
        let (state, decline_reason) = public_state(row, survivor)?;
        Ok(RequestView {
            id: row.id,
            reference: integration_requests::reference(row.number),
            rank,
            partner_id: row.partner_id,
            partner_name: self.partner_name(row.partner_id),
            submitted_by: self
                .users
                .get(&row.submitted_by)
                .cloned()
                .unwrap_or_default(),
            title: row.title.clone(),
            description: row.description.clone(),
            system: row.system.clone(),
            state,
            decline_reason,
            internal_note: row.internal_note.clone(),
            merged_into: row.merged_into,
            merged: self
                .merged
                .iter()
                .filter(|m| m.merged_into == Some(row.id))
                .map(|m| integration_requests::reference(m.number))
                .collect(),
            customers: self
                .customers
                .iter()
                .filter(|c| c.request_id == row.id)
                .map(customer_view)
                .collect(),
            merged_customers: self
                .merged
                .iter()
                .filter(|m| m.merged_into == Some(row.id))
                .flat_map(|m| {
                    self.customers
                        .iter()
                        .filter(|c| c.request_id == m.id)
                        .map(|c| MergedCustomerView {
                            reference: integration_requests::reference(m.number),
                            partner_id: m.partner_id,
                            partner_name: self.partner_name(m.partner_id),
                            customer: customer_view(c),
                        })
                })
                .collect(),
            demand: DemandView {
                revenue: demand.revenue,
                currency: self.rates.to_currency().to_owned(),
                not_converted: demand.not_converted,
                partners: demand.partners,
                customers: demand.customers,
            },
            version: row.version,
            moves: if row.merged_into.is_some() {
                Vec::new()
            } else {
                state.moves()
            },
            created_at: row.created_at,
        })
    }
}
