//! A partner's scorecard for a quarter, as its reader may see it.

use domain::insight::{Commitment, Figures, Fit, Scorecard, TREND_QUARTERS};
use domain::money::rates::Rates;
use domain::partners::Partner;
use domain::permissions::Action;
use domain::program::Program;
use domain::quarter::Quarter;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::reports::{Cell, Table};
use crate::{Actor, Error, Result, Services};

/// What only our people see of a scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InternalFigures {
    /// The latest IPP assessment by the quarter's end; none: no data yet.
    pub ipp_fit: Option<Fit>,
    /// Financial and competitive risk: that assessment's red flags (empty: none found);
    /// none: no data yet.
    pub risks: Option<Vec<String>>,
}

/// A partner's scorecard for one quarter with its eight-quarter trend. Money is in the
/// program currency; a figure without a source is absent ("no data yet").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ScorecardView {
    pub partner_id: Uuid,
    pub partner_name: String,
    /// e.g. "2026-Q3".
    pub quarter: String,
    pub currency: String,
    pub program_version: i64,
    pub figures: Figures,
    /// The eight quarters ending with this one, oldest first.
    pub trend: Vec<Figures>,
    /// The latest 3C/4C evaluation by the quarter's end (a partner's people: of those
    /// shared with them).
    pub commitment: Option<Commitment>,
    /// Ours only: absent for a partner's people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalFigures>,
}

/// What a scorecard is computed from, as `actor` may see it.
struct Loaded {
    partner: Partner,
    version: i64,
    program: std::sync::Arc<Program>,
    records: domain::insight::Records,
    rates: Rates,
    quarter: Quarter,
    ours: bool,
    today: time::Date,
}

impl Loaded {
    fn card(&self, quarter: Quarter) -> Scorecard {
        domain::insight::scorecard(
            &self.program,
            &self.records,
            &self.rates,
            quarter,
            self.today,
        )
    }
}

impl Services {
    /// `partner`'s scorecard for `quarter` ("2026-Q3"; this quarter when empty), as `actor`
    /// may see it.
    pub async fn scorecard(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        quarter: &str,
    ) -> Result<ScorecardView> {
        let loaded = self.scorecard_records(actor, partner_id, quarter).await?;
        let card = loaded.card(loaded.quarter);
        Ok(ScorecardView {
            partner_id,
            partner_name: loaded.partner.display_name,
            quarter: card.quarter,
            currency: card.currency,
            program_version: loaded.version,
            figures: card.figures,
            trend: card.trend,
            commitment: card.commitment,
            internal: loaded.ours.then_some(InternalFigures {
                ipp_fit: card.ipp_fit,
                risks: card.risks,
            }),
        })
    }

    /// The scorecard's eight quarters as a report table, one row per quarter (oldest first),
    /// each with the evaluations known by its end: for downloads and `partneros report`. A
    /// partner's people get it without our columns (IPP fit, risks).
    pub async fn scorecard_table(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        quarter: &str,
    ) -> Result<Table> {
        let loaded = self.scorecard_records(actor, partner_id, quarter).await?;
        let currency = loaded.program.currency.clone();
        let mut columns: Vec<String> = [
            "Quarter",
            "Won",
            "Won deals",
            "ARR",
            "Net new ARR",
            "Average deal size",
            "Average deal size growth",
            "Pipeline created",
            "Registered",
            "Decided",
            "Decided won",
            "Conversion",
            "People",
            "Certified people",
            "People certified",
            "Joint calls",
            "Joint meetings",
            "Leads accepted",
            "Commitment of 5 (3C/4C)",
            "Commitment band",
        ]
        .map(String::from)
        .to_vec();
        if loaded.ours {
            columns.extend(["IPP fit (of 100)".into(), "Risks".into()]);
        }
        let rows = loaded
            .quarter
            .trailing(TREND_QUARTERS)
            .into_iter()
            .map(|quarter| {
                let card = loaded.card(quarter);
                let f = &card.figures;
                let money = |amount: Decimal| Cell::Money(amount, currency.clone());
                let percent = |value: Option<Decimal>| value.map_or(Cell::Empty, Cell::Percent);
                let count = |n: u32| Cell::Count(i64::from(n));
                let mut cells = vec![
                    Cell::Text(card.quarter.clone()),
                    money(f.won),
                    count(f.won_deals),
                    money(f.arr),
                    money(f.net_new_arr),
                    f.average_deal_size.map_or(Cell::Empty, money),
                    percent(f.average_deal_size_growth_percent),
                    money(f.pipeline_created),
                    count(f.registered),
                    count(f.ended),
                    count(f.ended_won),
                    percent(f.conversion_percent),
                    count(f.people),
                    count(f.certified_people),
                    percent(f.certified_percent),
                    count(f.joint_calls),
                    count(f.joint_meetings),
                    count(f.leads_accepted),
                    card.commitment
                        .as_ref()
                        .map_or(Cell::Empty, |c| Cell::Count(i64::from(c.commitment))),
                    card.commitment
                        .as_ref()
                        .map_or(Cell::Empty, |c| Cell::Text(c.band.label().into())),
                ];
                if loaded.ours {
                    cells.push(
                        card.ipp_fit
                            .as_ref()
                            .map_or(Cell::Empty, |fit| Cell::Count(i64::from(fit.score))),
                    );
                    cells.push(card.risks.as_ref().map_or(Cell::Empty, |flags| {
                        Cell::Text(if flags.is_empty() {
                            "none found".into()
                        } else {
                            flags.join("; ")
                        })
                    }));
                }
                cells
            })
            .collect();
        Ok(Table {
            title: "Scorecard".into(),
            columns,
            rows,
        })
    }

    async fn scorecard_records(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        quarter: &str,
    ) -> Result<Loaded> {
        let partner = self.get_partner(actor, partner_id).await?;
        let today = actor.today();
        let quarter = if quarter.trim().is_empty() {
            Quarter::containing(today)
        } else {
            Quarter::parse(quarter).map_err(|e| Error::field("quarter", e))?
        };
        let (version, program) = self.program_in_force().await?;
        let ours = actor.may(Action::ReadInternal);
        let mut tx = self.db.read().await?;
        let records = super::records::load(&mut tx, &program, &partner, ours, today).await?;
        let rates = super::records::rates(&mut tx, &program).await?;
        drop(tx);
        Ok(Loaded {
            partner,
            version,
            program,
            records,
            rates,
            quarter,
            ours,
            today,
        })
    }
}
