//! The lists: our people's ranked by revenue at stake (and its CSV), a partner's people's
//! their own organisation's requests in the order they were submitted.

use domain::integration_requests::rank;
use domain::permissions::Action;
use domain::validation::Choice;
use uuid::Uuid;

use super::views::{self, Context, IntegrationRequests, RequestView};
use crate::paging::{PageRequest, check};
use crate::rates::rates_into;
use crate::reports::{Cell, Table};
use crate::{Actor, Error, Result, Services};

/// A list request: the paging of the ranked list (or of a partner's own requests).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl Services {
    /// Our people: every request not merged into another, ranked by revenue at stake in the
    /// program currency today (ties: the older first). A partner's people: their own.
    pub async fn list_integration_requests(
        &self,
        actor: &Actor,
        query: &RankingQuery,
    ) -> Result<IntegrationRequests> {
        let mut v = domain::Validation::new();
        let page: PageRequest<i64> = check(&mut v, &query.cursor, query.limit);
        v.into_result().map_err(Error::Invalid)?;
        let mut tx = self.db.read().await?;
        if !actor.is_internal() {
            actor.require(Action::SubmitIntegrationRequests)?;
            let partner_id = actor.partner_id.ok_or(Error::NotFound)?;
            let rows: Vec<_> = store::integration_requests::requests(&mut tx, Some(partner_id))
                .await?
                .into_iter()
                .filter(|r| page.after.is_none_or(|after| r.number > after))
                .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
                .collect();
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let customers = store::integration_requests::customers(&mut tx, &ids).await?;
            let survivors: Vec<Uuid> = rows.iter().filter_map(|r| r.merged_into).collect();
            let mut joined = Vec::new();
            for id in survivors {
                joined.extend(store::integration_requests::get(&mut tx, id).await?);
            }
            let items = rows
                .iter()
                .map(|row| {
                    let survivor = joined.iter().find(|s| Some(s.id) == row.merged_into);
                    views::partner_view(row, survivor, &customers)
                })
                .collect::<Result<Vec<_>>>()?;
            let numbers: Vec<(Uuid, i64)> = rows.iter().map(|r| (r.id, r.number)).collect();
            return Ok(IntegrationRequests::Partners(page.page(items, |item| {
                numbers
                    .iter()
                    .find(|(id, _)| *id == item.id)
                    .map_or(0, |(_, n)| *n)
            })));
        }
        let ranked = self.ranked_integration_requests(&mut tx, actor).await?;
        let items: Vec<RequestView> = ranked
            .into_iter()
            .filter(|r| {
                page.after
                    .is_none_or(|after| r.rank.unwrap_or(0) as i64 > after)
            })
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .collect();
        Ok(IntegrationRequests::Ours(
            page.page(items, |r| r.rank.unwrap_or(0) as i64),
        ))
    }

    /// Every open-for-ranking request, ranked: the order is computed from today's rates, so
    /// it is built whole and paged after.
    async fn ranked_integration_requests(
        &self,
        tx: &mut store::Read,
        actor: &Actor,
    ) -> Result<Vec<RequestView>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let rates = rates_into(tx, &program).await?;
        let rows = store::integration_requests::requests(tx, None).await?;
        let context = Context::load(tx, &rows, rates, actor.today()).await?;
        let mut scored: Vec<_> = rows
            .iter()
            .map(|row| (row, row.number, context.demand(row)))
            .collect();
        rank(&mut scored);
        scored
            .into_iter()
            .enumerate()
            .map(|(i, (row, _, demand))| context.view(row, None, demand, Some(i + 1)))
            .collect()
    }

    /// The ranked list as a report table (CSV or XLSX), our people only.
    pub async fn integration_requests_table(&self, actor: &Actor) -> Result<Table> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let ranked = self.ranked_integration_requests(&mut tx, actor).await?;
        let count = |n: usize| Cell::Count(i64::try_from(n).unwrap_or(i64::MAX));
        let rows = ranked
            .into_iter()
            .map(|r| {
                let not_converted: Vec<String> = r
                    .demand
                    .not_converted
                    .iter()
                    .map(|(currency, sum)| format!("{currency} {sum}"))
                    .collect();
                vec![
                    count(r.rank.unwrap_or(0)),
                    Cell::Text(r.reference),
                    Cell::Text(r.title),
                    Cell::Text(r.system),
                    Cell::Text(r.state.label().to_owned()),
                    Cell::Text(r.partner_name),
                    count(r.demand.partners),
                    count(r.demand.customers),
                    Cell::Money(r.demand.revenue, r.demand.currency),
                    Cell::Text(not_converted.join("; ")),
                ]
            })
            .collect();
        Ok(Table {
            title: "Integration requests".into(),
            columns: [
                "Rank",
                "Reference",
                "Title",
                "System",
                "State",
                "Partner",
                "Partners asking",
                "Customers asking",
                "Revenue at stake",
                "Not converted (no rate)",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        })
    }
}
