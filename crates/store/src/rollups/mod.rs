//! The pipeline's rollups: what registrations add to the pipeline, summed per partner,
//! currency, quarter, forecast category and status (open deals) or close day and confirmation
//! (won deals), program-wide and per partner. They are a cache of the registrations, kept
//! current by one writer path ([`registrations_changed`], which every write of a registration
//! or a win confirmation goes through, and [`partner_state_changed`]) in the same
//! transaction, and verified against a full recomputation by [`check::all`].
//!
//! What a registration adds is `domain::deals::pipeline::contribution`; this module only
//! files it under its keys and adds it as a delta (`n = n + excluded.n`), so concurrent
//! writers on PostgreSQL add up instead of overwriting each other.

use std::collections::{HashMap, HashSet};

use domain::deals::pipeline::{Contribution, Registration, contribution};
use domain::deals::registration::Status;
use domain::partners::{LifecycleStage, OutOfProgram};
use domain::validation::Choice;
use time::Date;
use uuid::Uuid;

use crate::{Arg, Db, Read, Result, Sql, Write, sql};
use time::OffsetDateTime;

/// Rows of one upsert statement: at most 9 values each, well within both backends' limits.
const ROWS_PER_UPSERT: usize = 2_000;

pub(crate) mod changes;
pub(crate) use changes::Rollups;
use changes::{Sums, WonProgramKey, add};

impl Rollups {
    /// Adds (`sign` 1) or takes away (`sign` -1) what one registration of `partner_id`
    /// contributes.
    fn add(&mut self, partner_id: Uuid, out_of_program: bool, part: &Contribution, sign: i64) {
        match part {
            Contribution::Open(open) => {
                let sums = [1, open.value_minor, open.weighted, 0];
                let (currency, quarter, forecast, status) = (
                    open.currency.clone(),
                    open.quarter.clone(),
                    open.forecast_category.clone(),
                    open.status.as_str().to_owned(),
                );
                let entry = self
                    .open
                    .entry((
                        partner_id,
                        currency.clone(),
                        quarter.clone(),
                        forecast.clone(),
                        status.clone(),
                    ))
                    .or_insert((out_of_program, [0; 4]));
                entry.0 = out_of_program;
                add(&mut entry.1, sums, sign);
                let entry = self
                    .open_partner
                    .entry((partner_id, currency.clone()))
                    .or_insert((out_of_program, [0; 4]));
                entry.0 = out_of_program;
                add(&mut entry.1, sums, sign);
                add(
                    self.open_program
                        .entry((out_of_program, currency, quarter, forecast, status))
                        .or_default(),
                    sums,
                    sign,
                );
                *self.touched.entry(open.touched_on).or_default() += sign;
            }
            Contribution::Won(won) => {
                let sums = [
                    1,
                    won.amount_minor,
                    i64::from(won.velocity_days.is_some()),
                    won.velocity_days.unwrap_or(0),
                ];
                add(
                    self.won
                        .entry((
                            partner_id,
                            won.currency.clone(),
                            won.closed_on,
                            won.confirmed,
                        ))
                        .or_default(),
                    sums,
                    sign,
                );
                add(
                    self.won_program
                        .entry((won.currency.clone(), won.closed_on, won.confirmed))
                        .or_default(),
                    sums,
                    sign,
                );
            }
        }
    }

    /// Adds `other`'s changes to these (a partner's state is the later one's).
    fn merge(&mut self, other: Rollups) {
        for (key, (out, sums)) in other.open {
            let entry = self.open.entry(key).or_insert((out, [0; 4]));
            entry.0 = out;
            add(&mut entry.1, sums, 1);
        }
        for (key, (out, sums)) in other.open_partner {
            let entry = self.open_partner.entry(key).or_insert((out, [0; 4]));
            entry.0 = out;
            add(&mut entry.1, sums, 1);
        }
        for (key, sums) in other.open_program {
            add(self.open_program.entry(key).or_default(), sums, 1);
        }
        for (key, sums) in other.won {
            add(self.won.entry(key).or_default(), sums, 1);
        }
        for (key, sums) in other.won_program {
            add(self.won_program.entry(key).or_default(), sums, 1);
        }
        for (day, n) in other.touched {
            *self.touched.entry(day).or_default() += n;
        }
    }

    /// Adds every change to the stored rollups: one upsert per table and 2,000 keys, rows
    /// whose change nets to nothing left alone.
    pub(crate) async fn write(self, tx: &mut Write) -> Result<()> {
        let changed = |s: &Sums| *s != [0; 4];
        let open = self.open.into_iter().filter(|(_, (_, s))| changed(s));
        let open = open.map(
            |((partner, currency, quarter, forecast, status), (out, s))| {
                let key: [Arg; 4] = [
                    partner.into(),
                    currency.into(),
                    quarter.into(),
                    forecast.into(),
                ];
                values(key.into_iter().chain([status.into(), out.into()]), &s[..3])
            },
        );
        upsert(tx, &OPEN, open.collect()).await?;
        let per_partner = self
            .open_partner
            .into_iter()
            .filter(|(_, (_, s))| changed(s));
        let per_partner = per_partner.map(|((partner, currency), (out, s))| {
            let key: [Arg; 3] = [partner.into(), currency.into(), out.into()];
            values(key, &s[..3])
        });
        upsert(tx, &OPEN_PARTNER, per_partner.collect()).await?;
        let program = self.open_program.into_iter().filter(|(_, s)| changed(s));
        let program = program.map(|((out, currency, quarter, forecast, status), s)| {
            let key: [Arg; 4] = [out.into(), currency.into(), quarter.into(), forecast.into()];
            values(key.into_iter().chain([status.into()]), &s[..3])
        });
        upsert(tx, &OPEN_PROGRAM, program.collect()).await?;
        let won = self.won.into_iter().filter(|(_, s)| changed(s));
        let won = won.map(|((partner, currency, closed_on, confirmed), s)| {
            let key: [Arg; 4] = [
                partner.into(),
                currency.into(),
                closed_on.into(),
                confirmed.into(),
            ];
            values(key, &s)
        });
        upsert(tx, &WON, won.collect()).await?;
        let program = self.won_program.into_iter().filter(|(_, s)| changed(s));
        let program = program.map(|((currency, closed_on, confirmed), s)| {
            let key: [Arg; 3] = [currency.into(), closed_on.into(), confirmed.into()];
            values(key, &s)
        });
        upsert(tx, &WON_PROGRAM, program.collect()).await?;
        let touched = self.touched.into_iter().filter(|(_, n)| *n != 0);
        let touched = touched.map(|(on, n)| values([Arg::from(on)], &[n]));
        upsert(tx, &TOUCHED, touched.collect()).await
    }
}

/// A row's values: its key's, then its sums.
fn values(key: impl IntoIterator<Item = Arg>, sums: &[i64]) -> Vec<Arg> {
    key.into_iter()
        .chain(sums.iter().map(|n| Arg::from(*n)))
        .collect()
}

/// One table's delta upsert: the insert, and what a stored key adds up on conflict.
struct Upsert {
    head: &'static str,
    tail: &'static str,
}

const OPEN: Upsert = Upsert {
    head: "INSERT INTO pipeline_open (partner_id, currency, quarter, forecast_category, status, \
           out_of_program, deals, value_minor, weighted) VALUES ",
    tail: " ON CONFLICT (partner_id, currency, quarter, forecast_category, status) DO UPDATE SET \
           deals = pipeline_open.deals + excluded.deals, \
           value_minor = pipeline_open.value_minor + excluded.value_minor, \
           weighted = pipeline_open.weighted + excluded.weighted",
};

const OPEN_PARTNER: Upsert = Upsert {
    head: "INSERT INTO pipeline_open_partner (partner_id, currency, out_of_program, deals, \
           value_minor, weighted) VALUES ",
    tail: " ON CONFLICT (partner_id, currency) DO UPDATE SET \
           deals = pipeline_open_partner.deals + excluded.deals, \
           value_minor = pipeline_open_partner.value_minor + excluded.value_minor, \
           weighted = pipeline_open_partner.weighted + excluded.weighted",
};

const OPEN_PROGRAM: Upsert = Upsert {
    head: "INSERT INTO pipeline_open_program (out_of_program, currency, quarter, \
           forecast_category, status, deals, value_minor, weighted) VALUES ",
    tail: " ON CONFLICT (out_of_program, currency, quarter, forecast_category, status) DO UPDATE \
           SET deals = pipeline_open_program.deals + excluded.deals, \
           value_minor = pipeline_open_program.value_minor + excluded.value_minor, \
           weighted = pipeline_open_program.weighted + excluded.weighted",
};

const WON: Upsert = Upsert {
    head: "INSERT INTO pipeline_won (partner_id, currency, closed_on, confirmed, deals, \
           amount_minor, velocity_deals, velocity_days) VALUES ",
    tail: " ON CONFLICT (partner_id, currency, closed_on, confirmed) DO UPDATE SET \
           deals = pipeline_won.deals + excluded.deals, \
           amount_minor = pipeline_won.amount_minor + excluded.amount_minor, \
           velocity_deals = pipeline_won.velocity_deals + excluded.velocity_deals, \
           velocity_days = pipeline_won.velocity_days + excluded.velocity_days",
};

const WON_PROGRAM: Upsert = Upsert {
    head: "INSERT INTO pipeline_won_program (currency, closed_on, confirmed, deals, \
           amount_minor, velocity_deals, velocity_days) VALUES ",
    tail: " ON CONFLICT (currency, closed_on, confirmed) DO UPDATE SET \
           deals = pipeline_won_program.deals + excluded.deals, \
           amount_minor = pipeline_won_program.amount_minor + excluded.amount_minor, \
           velocity_deals = pipeline_won_program.velocity_deals + excluded.velocity_deals, \
           velocity_days = pipeline_won_program.velocity_days + excluded.velocity_days",
};

const TOUCHED: Upsert = Upsert {
    head: "INSERT INTO pipeline_touched (touched_on, deals) VALUES ",
    tail: " ON CONFLICT (touched_on) DO UPDATE SET \
           deals = pipeline_touched.deals + excluded.deals",
};

async fn upsert(tx: &mut Write, statement: &Upsert, rows: Vec<Vec<Arg>>) -> Result<()> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    for chunk in rows.chunks(ROWS_PER_UPSERT) {
        let mut query = Sql::new(statement.head);
        query
            .push_values(tx.backend(), width, chunk.len())
            .push(statement.tail);
        for value in chunk.iter().flatten() {
            query = query.arg(value.clone());
        }
        tx.execute(query).await?;
    }
    Ok(())
}

/// What a stored registration adds to the pipeline.
fn part(row: &CountedRow) -> Result<Option<Contribution>> {
    let status = Status::parse(&row.status)
        .ok_or_else(|| crate::Error::Corrupt(format!("registration status {:?}", row.status)))?;
    Ok(contribution(&Registration {
        status,
        deal_size_minor: row.deal_size_minor,
        currency: row.currency.clone(),
        probability: u8::try_from(row.probability).unwrap_or(0),
        expected_close: row.expected_close,
        registered_on: row.registered_on,
        closed_on: row.closed_on,
        closed_amount_minor: row.closed_amount_minor,
        last_activity_on: row.last_activity_at.map(|at| at.date()),
        forecast_category: row.forecast_category.clone(),
        win_confirmed: row.win_confirmed,
    }))
}

/// Takes what each registration added before its write away from the rollups and adds what
/// it adds after (`None`: not there). The one way the rollups change with registrations.
pub async fn registrations_changed(
    tx: &mut Write,
    changes: &[(Option<CountedRow>, Option<CountedRow>)],
) -> Result<()> {
    let mut parts = Vec::with_capacity(changes.len() * 2);
    for (before, after) in changes {
        for (version, sign) in [(before, -1), (after, 1)] {
            if let Some(row) = version
                && let Some(part) = part(row)?
            {
                parts.push((row.partner_id, part, sign));
            }
        }
    }
    let open_partners: Vec<Uuid> = parts
        .iter()
        .filter(|(_, part, _)| matches!(part, Contribution::Open(_)))
        .map(|(partner, _, _)| *partner)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let out = out_of_program(tx, &open_partners).await?;
    let mut rollups = Rollups::default();
    for (partner, part, sign) in &parts {
        rollups.add(*partner, out.contains(partner), part, *sign);
    }
    match tx.deferred_rollups() {
        Some(deferred) => {
            deferred.merge(rollups);
            Ok(())
        }
        None => rollups.write(tx).await,
    }
}

/// Which of these partners are out of the program (archived or exited), a thousand per query.
async fn out_of_program(tx: &mut Read, partners: &[Uuid]) -> Result<HashSet<Uuid>> {
    #[derive(sqlx::FromRow)]
    struct State {
        id: Uuid,
        stage: String,
        archived: bool,
    }
    let mut out = HashSet::new();
    for chunk in partners.chunks(1_000) {
        let mut query = Sql::new(
            "SELECT id, stage, archived_at IS NOT NULL AS archived FROM partners WHERE id IN ",
        );
        query.push_bind_list(chunk.iter().copied());
        for state in tx.all::<State>(query).await? {
            let stage = LifecycleStage::parse(&state.stage)
                .ok_or_else(|| crate::Error::Corrupt(format!("partner stage {:?}", state.stage)))?;
            if OutOfProgram::of(stage, state.archived).is_some() {
                out.insert(state.id);
            }
        }
    }
    Ok(out)
}

/// What the pipeline reads of a registration, with whether its win is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CountedRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub status: String,
    pub deal_size_minor: i64,
    /// Of the deal size and the closed amount.
    pub currency: String,
    pub probability: i64,
    pub expected_close: Date,
    pub registered_on: Date,
    pub closed_on: Option<Date>,
    pub closed_amount_minor: Option<i64>,
    pub last_activity_at: Option<OffsetDateTime>,
    pub forecast_category: String,
    pub win_confirmed: bool,
}

/// At most `limit` registrations in `statuses` after the id `after`, in id order, with only
/// what the pipeline reads (the rollups' recomputation reads a tenth of each row's bytes).
pub async fn counted_page(
    tx: &mut Read,
    statuses: &[&str],
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<CountedRow>> {
    let mut query = Sql::new(
        "SELECT id, partner_id, status, deal_size_minor, currency, probability, expected_close, \
         registered_on, closed_on, closed_amount_minor, last_activity_at, forecast_category, \
         EXISTS (SELECT 1 FROM win_confirmations w WHERE w.deal_id = deal_registrations.id) \
         AS win_confirmed FROM deal_registrations WHERE status IN ",
    );
    query.push_bind_list(statuses.iter().copied());
    if let Some(after) = after {
        query.push(" AND id > ").push_bind(after);
    }
    query.push(" ORDER BY id LIMIT ").push_bind(limit);
    tx.all(query).await
}

/// Files a partner's open deals under its state after it was archived, restored, exited or
/// re-recruited. The partner's rows carry the state they were filed under, so this moves
/// exactly the rows filed under the other one.
pub async fn partner_state_changed(tx: &mut Write, partner_id: Uuid) -> Result<()> {
    // The rows moved below must hold every change made so far.
    tx.flush_rollups().await?;
    let now_out = !out_of_program(tx, &[partner_id]).await?.is_empty();
    #[derive(sqlx::FromRow)]
    struct Moved {
        currency: String,
        quarter: String,
        forecast_category: String,
        status: String,
        deals: i64,
        value_minor: i64,
        weighted: i64,
    }
    let moved: Vec<Moved> = tx
        .all(sql!(
            "UPDATE pipeline_open SET out_of_program = $2 \
             WHERE partner_id = $1 AND out_of_program <> $2 \
             RETURNING currency, quarter, forecast_category, status, deals, value_minor, weighted",
            partner_id,
            now_out
        ))
        .await?;
    tx.execute(sql!(
        "UPDATE pipeline_open_partner SET out_of_program = $2 \
         WHERE partner_id = $1 AND out_of_program <> $2",
        partner_id,
        now_out
    ))
    .await?;
    let mut rollups = Rollups::default();
    for row in moved {
        let sums = [row.deals, row.value_minor, row.weighted, 0];
        let key = |out| {
            (
                out,
                row.currency.clone(),
                row.quarter.clone(),
                row.forecast_category.clone(),
                row.status.clone(),
            )
        };
        add(
            rollups.open_program.entry(key(!now_out)).or_default(),
            sums,
            -1,
        );
        add(
            rollups.open_program.entry(key(now_out)).or_default(),
            sums,
            1,
        );
    }
    rollups.write(tx).await
}

/// The rollups as the registrations make them: every counted registration read in keyset
/// pages and added up, each partner's state read once.
async fn recompute(tx: &mut Read) -> Result<Rollups> {
    let counted: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| domain::deals::pipeline::counts(**s))
        .map(|s| s.as_str())
        .collect();
    let mut rollups = Rollups::default();
    let mut out: HashMap<Uuid, bool> = HashMap::new();
    let mut after: Option<Uuid> = None;
    loop {
        let rows = counted_page(tx, &counted, after, 20_000).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let unknown: Vec<Uuid> = rows
            .iter()
            .map(|row| row.partner_id)
            .filter(|id| !out.contains_key(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let now_out = out_of_program(tx, &unknown).await?;
        out.extend(unknown.into_iter().map(|id| (id, now_out.contains(&id))));
        for row in &rows {
            if let Some(part) = part(row)? {
                rollups.add(row.partner_id, out[&row.partner_id], &part, 1);
            }
        }
    }
    rollups.drop_empty();
    Ok(rollups)
}

impl Rollups {
    fn drop_empty(&mut self) {
        self.open.retain(|_, (_, s)| *s != [0; 4]);
        self.open_partner.retain(|_, (_, s)| *s != [0; 4]);
        self.open_program.retain(|_, s| *s != [0; 4]);
        self.won.retain(|_, s| *s != [0; 4]);
        self.won_program.retain(|_, s| *s != [0; 4]);
        self.touched.retain(|_, n| *n != 0);
    }
}

/// Fills the rollups from the registrations when a migration asked for it (the first start
/// after `0025_pipeline_rollups`); on PostgreSQL the first server to start does it, the others
/// wait on the request's row and find it gone.
pub async fn rebuild_when_asked(db: &Db) -> Result<bool> {
    let mut tx = db.write().await?;
    let asked = tx
        .execute(Sql::new(
            "DELETE FROM settings WHERE name = 'pipeline_rollups' AND value = 'rebuild'",
        ))
        .await?;
    if asked == 0 {
        return Ok(false);
    }
    for table in [
        "DELETE FROM pipeline_open",
        "DELETE FROM pipeline_open_partner",
        "DELETE FROM pipeline_open_program",
        "DELETE FROM pipeline_won",
        "DELETE FROM pipeline_won_program",
        "DELETE FROM pipeline_touched",
    ] {
        tx.execute(Sql::new(table)).await?;
    }
    let rollups = recompute(&mut tx).await?;
    rollups.write(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

pub mod check;
mod read;
pub(crate) use read::WonStored;
pub use read::{
    BucketRow, CurrencyOpenRow, Groups, PartnerOpenRow, groups, program_open, program_wins, wins,
};
#[cfg(test)]
pub(crate) use read::{groups_queries, program_wins_query, wins_query};
#[cfg(test)]
pub(crate) mod tests;
