//! Exchange rates: finance imports them (CSV, all or nothing), every internal user reads
//! them, and every figure that adds amounts in several currencies converts them with
//! `domain::money::rates` or shows them apart.

use domain::deals::pipeline::WonSum;
use domain::deals::revenue::{NotCounted, Win};
use domain::money::rates::{Rate, Rates};
use domain::permissions::Action;
use domain::program::Program;
use domain::program::history::RowError;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::convert::{minor, money};
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// A stored rate: 1 `currency` = `rate` `to_currency` from `effective_on` on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RateView {
    pub currency: String,
    pub to_currency: String,
    pub effective_on: String,
    /// Exact decimal text, e.g. "0.0067".
    pub rate: String,
    pub imported_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub imported_at: time::OffsetDateTime,
}

/// What an import of rates did, or would do (dry run), or why it did nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RatesImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Rates for a currency and day not stored before.
    pub created: usize,
    /// Rates that replace one stored for the same currency and day.
    pub updated: usize,
    /// Every problem, by line and column; when there is any, nothing was written.
    pub errors: Vec<RowError>,
    /// True when the rates were stored (not a dry run, no errors).
    pub applied: bool,
}

/// The rates into the program currency, as the conversion rule reads them.
pub(crate) async fn rates_into(tx: &mut store::Read, program: &Program) -> Result<Rates> {
    let rows = store::rates::into(tx, &program.currency).await?;
    let rates = rows
        .into_iter()
        .map(|row| {
            Ok(Rate {
                effective_on: row.effective_on,
                rate: row.rate.parse().map_err(|e| {
                    Error::Store(store::Error::Corrupt(format!("rate '{}': {e}", row.rate)))
                })?,
                currency: row.currency,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Rates::new(&program.currency, rates))
}

/// The conversion step before wins count (`facts::sources`): each win in the program currency at
/// its close date's rate (rounded once); wins without a rate are left out and returned, per
/// currency, for the partner's page to name.
pub(crate) fn wins_in_program_currency(
    won: Vec<store::deals::WonRow>,
    rates: &Rates,
) -> (Vec<store::deals::WonRow>, Vec<NotCounted>) {
    let wins = won
        .iter()
        .map(|w| Win {
            closed_on: w.closed_on,
            amount: money(w.closed_amount_minor),
            currency: w.currency.clone(),
        })
        .collect::<Vec<_>>();
    let (amounts, not_counted) = domain::deals::revenue::in_program_currency(&wins, rates);
    let counted = won
        .into_iter()
        .zip(amounts)
        .filter_map(|(row, amount)| {
            amount.map(|amount| store::deals::WonRow {
                closed_amount_minor: minor(amount),
                currency: rates.to_currency().to_owned(),
                ..row
            })
        })
        .collect();
    (counted, not_counted)
}

/// The rollups' sums of wins (each tagged, e.g. with its partner) in the program currency:
/// each sum converted once at its close day's rate and rounded once; sums without a rate
/// are left out and their wins named per currency.
pub(crate) fn won_sums_in_program_currency<T>(
    sums: Vec<(T, WonSum)>,
    rates: &Rates,
) -> (Vec<(T, WonSum, Decimal)>, Vec<NotCounted>) {
    let wins: Vec<(Win, usize)> = sums
        .iter()
        .map(|(_, sum)| {
            let win = Win {
                closed_on: sum.closed_on,
                amount: money(sum.amount_minor),
                currency: sum.currency.clone(),
            };
            (win, usize::try_from(sum.deals).unwrap_or(0))
        })
        .collect();
    let (amounts, not_counted) = domain::deals::revenue::sums_in_program_currency(&wins, rates);
    let counted = sums
        .into_iter()
        .zip(amounts)
        .filter_map(|((tag, sum), amount)| amount.map(|amount| (tag, sum, amount)))
        .collect();
    (counted, not_counted)
}

impl Services {
    /// The stored rates into the program currency, by currency, newest first (internal users).
    pub async fn exchange_rates(
        &self,
        actor: &Actor,
        page: &PageRequest<(String, time::Date)>,
    ) -> Result<Page<RateView>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows =
            store::rates::into_after(&mut tx, &program.currency, page.after.clone(), page.limit)
                .await?;
        drop(tx);
        Ok(page
            .page(rows, |row| (row.currency.clone(), row.effective_on))
            .map(|row| RateView {
                currency: row.currency,
                to_currency: row.to_currency,
                effective_on: row.effective_on.to_string(),
                rate: row.rate,
                imported_by: row.imported_by,
                imported_at: row.imported_at,
            }))
    }

    /// Imports rates into the program currency from CSV (`currency,rate,effective_on`):
    /// admins and finance; every row is checked first and any bad row means nothing is
    /// written. A rate for a currency and day already stored is replaced.
    pub async fn import_rates(
        &self,
        actor: &Actor,
        csv: &str,
        dry_run: bool,
    ) -> Result<RatesImportReport> {
        actor.require(Action::ImportRates)?;
        let (_, program) = self.program_in_force().await?;
        let (rows, errors) = domain::money::rates::parse_csv(csv, &program.currency);
        let mut report = RatesImportReport {
            rows: rows.len()
                + errors
                    .iter()
                    .filter(|e| e.line > 1)
                    .map(|e| e.line)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
            errors,
            ..Default::default()
        };
        if !report.errors.is_empty() || dry_run {
            let mut tx = self.db.read().await?;
            let stored = store::rates::into(&mut tx, &program.currency).await?;
            drop(tx);
            let known = |r: &Rate| {
                stored
                    .iter()
                    .any(|s| s.currency == r.currency && s.effective_on == r.effective_on)
            };
            report.updated = rows.iter().filter(|r| known(&r.rate)).count();
            report.created = rows.len() - report.updated;
            return Ok(report);
        }
        let at = store::now();
        let mut tx = self.db.write().await?;
        for row in &rows {
            let stored = store::rates::RateRow {
                currency: row.rate.currency.clone(),
                to_currency: program.currency.clone(),
                effective_on: row.rate.effective_on,
                rate: row.rate.rate.to_string(),
                imported_by: actor.label.clone(),
                imported_at: at,
            };
            if store::rates::upsert(&mut tx, &stored).await? {
                report.created += 1;
            } else {
                report.updated += 1;
            }
        }
        report.applied = true;
        record(
            &mut tx,
            actor,
            at,
            Change {
                partner_id: None,
                entity_type: "exchange_rates",
                entity_id: Uuid::now_v7(),
                action: "imported",
                summary: format!(
                    "{} exchange rate(s) into {} imported ({} new, {} updated)",
                    report.rows, program.currency, report.created, report.updated
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// A partner's won deals that its revenue does not count for want of a rate, per
    /// currency (e.g. "2 won deals in EUR not counted: no EUR rate").
    pub async fn wins_not_counted(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<Vec<NotCounted>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let won = store::deals::won(
            &mut tx,
            Some(partner_id),
            program.policies.co_sell.credit_requires_logged_activity,
        )
        .await?;
        let rates = rates_into(&mut tx, &program).await?;
        Ok(wins_in_program_currency(won, &rates).1)
    }
}
