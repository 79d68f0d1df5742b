//! Lists of cases: our people filter every partner's by state, category, urgency, partner
//! and breached clocks; a partner's people see their organisation's, in the partner shape.

use domain::escalations::trends;
use domain::escalations::{Category, State, Urgency};
use domain::permissions::Action;
use domain::quarter::Quarter;
use domain::validation::Choice;
use store::escalations::CaseFilter;
use uuid::Uuid;

use super::views::{self, Escalations, Names, calendar};
use crate::paging::{PageRequest, check};
use crate::{Actor, Error, Result, Services};

/// A list request as a client or the filter form sends it; every filter may be empty.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct EscalationQuery {
    /// A state, or several separated by commas.
    pub state: String,
    pub category: String,
    /// p1…p4, or several separated by commas.
    pub urgency: String,
    /// Our people only: one partner's cases.
    pub partner_id: String,
    /// Our people only: "true" for cases with a clock breached or met late.
    pub breached: String,
    /// 2026-Q4: cases submitted in the quarter (by the day in the program's zone).
    pub quarter: String,
    /// Our people only: "true" for resolved or closed cases without a review.
    pub unreviewed: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// Every choice of a comma-separated filter, checked.
fn choices<T: Choice>(v: &mut domain::Validation, field: &str, text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .filter_map(|t| v.choice::<T>(field, t))
        .map(|c| c.as_str().to_owned())
        .collect()
}

/// A yes/no filter: "true", or "false" / empty.
fn flag(v: &mut domain::Validation, field: &str, text: &str) -> bool {
    match text.trim() {
        "" | "false" => false,
        "true" => true,
        other => {
            v.add(field, format!("'{other}' is not one of: true, false"));
            false
        }
    }
}

impl Services {
    /// The id of the case a reference (`ESC-000020`) names, when the actor sees it.
    pub async fn escalation_by_reference(&self, actor: &Actor, reference: &str) -> Result<Uuid> {
        let number = domain::escalations::parse_reference(reference).ok_or(Error::NotFound)?;
        let mut tx = self.db.read().await?;
        store::escalations::case_by_number(&mut tx, number)
            .await?
            .filter(|c| actor.sees_partner(c.partner_id))
            .map(|c| c.id)
            .ok_or(Error::NotFound)
    }

    pub async fn list_escalations(
        &self,
        actor: &Actor,
        query: &EscalationQuery,
    ) -> Result<Escalations> {
        actor.require(Action::WorkEscalations).or_else(|refused| {
            // Executives read every case; they never write in one.
            actor.require(Action::ReadInternal).map_err(|_| refused)
        })?;
        let mut v = domain::Validation::new();
        let mut filter = CaseFilter {
            partner_id: None,
            states: choices::<State>(&mut v, "state", &query.state),
            categories: choices::<Category>(&mut v, "category", &query.category),
            urgencies: choices::<Urgency>(&mut v, "urgency", &query.urgency),
            ..Default::default()
        };
        let page: PageRequest<Uuid> = check(&mut v, &query.cursor, query.limit);
        let breached = flag(&mut v, "breached", &query.breached);
        filter.unreviewed = flag(&mut v, "unreviewed", &query.unreviewed);
        let quarter = match query.quarter.trim() {
            "" => None,
            text => Quarter::parse(text)
                .map_err(|message| v.add("quarter", message))
                .ok(),
        };
        if !query.partner_id.trim().is_empty() {
            match Uuid::parse_str(query.partner_id.trim()) {
                Ok(id) => filter.partner_id = Some(id),
                Err(_) => v.add("partner_id", "is not a partner id"),
            }
        }
        v.into_result().map_err(Error::Invalid)?;
        if !actor.is_internal() {
            if breached
                || filter.unreviewed
                || filter.partner_id.is_some_and(|p| !actor.sees_partner(p))
            {
                return Err(Error::Forbidden(
                    "a partner's people list their own organisation's cases, without clocks".into(),
                ));
            }
            filter.partner_id = Some(actor.partner_id.ok_or(Error::NotFound)?);
        }
        if let Some(quarter) = quarter {
            let (_, program) = self.program_in_force().await?;
            let (from, until) = trends::bounds(quarter, &calendar(&program)?);
            (filter.submitted_from, filter.submitted_before) = (Some(from), Some(until));
        }
        let mut tx = self.db.read().await?;
        let (_, program) = self.program_in_force().await?;
        let calendar = calendar(&program)?;
        let now = store::now();
        if !actor.is_internal() {
            let rows = store::escalations::cases(&mut tx, &filter, page.after, page.limit).await?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let changes = store::escalations::state_changes(&mut tx, &ids).await?;
            let owners: Vec<Uuid> = rows.iter().filter_map(|r| r.owner_id).collect();
            let names = Names::load(&mut tx, &owners, &[]).await?;
            let items = rows
                .iter()
                .map(|row| {
                    let entries = views::entries_of(&changes, row.id);
                    views::case_view(row, &entries, &program, &calendar, &names, now)
                        .map(views::partner_case_view)
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Escalations::Partners(page.page(items, |c| c.id)));
        }
        // The breached filter reads on past cases that are not, batch by batch, until the
        // page is full: clocks run on the business calendar, which SQL does not know.
        let mut items = Vec::new();
        let mut after = page.after;
        loop {
            let rows = store::escalations::cases(&mut tx, &filter, after, page.limit).await?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let changes = store::escalations::state_changes(&mut tx, &ids).await?;
            let mut users: Vec<Uuid> = rows.iter().map(|r| r.submitted_by).collect();
            users.extend(rows.iter().filter_map(|r| r.owner_id));
            let partners: Vec<Uuid> = rows.iter().map(|r| r.partner_id).collect();
            let names = Names::load(&mut tx, &users, &partners).await?;
            for row in &rows {
                let case = views::case_view(
                    row,
                    &views::entries_of(&changes, row.id),
                    &program,
                    &calendar,
                    &names,
                    now,
                )?;
                if (!breached || case.breached) && (items.len() as i64) < page.limit {
                    items.push(case);
                }
            }
            after = rows.last().map(|r| r.id);
            if (rows.len() as i64) < page.limit || items.len() as i64 == page.limit {
                break;
            }
        }
        Ok(Escalations::Ours(page.page(items, |c| c.id)))
    }
}
