//! The check of the rollups: every stored row against the recomputation from the
//! registrations, by table and key.

use std::collections::BTreeMap;

use time::Date;
use uuid::Uuid;

use super::read::{PartnerWonStored, WonStored};
use super::{Rollups, Sums, WonProgramKey};
use crate::{Read, Result, Sql};

/// A stored won row's key (without the partner) and sums, as [`Rollups`] keeps them.
fn won_entry(r: WonStored) -> (WonProgramKey, Sums) {
    (
        (r.currency, r.closed_on, r.confirmed),
        [r.deals, r.amount_minor, r.velocity_deals, r.velocity_days],
    )
}

/// The rollups as stored, rows that add nothing left out.
async fn stored(tx: &mut Read) -> Result<Rollups> {
    #[derive(sqlx::FromRow)]
    struct Open {
        partner_id: Uuid,
        currency: String,
        quarter: String,
        forecast_category: String,
        status: String,
        out_of_program: bool,
        deals: i64,
        value_minor: i64,
        weighted: i64,
    }
    #[derive(sqlx::FromRow)]
    struct OpenPartner {
        partner_id: Uuid,
        currency: String,
        out_of_program: bool,
        deals: i64,
        value_minor: i64,
        weighted: i64,
    }
    #[derive(sqlx::FromRow)]
    struct Program {
        out_of_program: bool,
        currency: String,
        quarter: String,
        forecast_category: String,
        status: String,
        deals: i64,
        value_minor: i64,
        weighted: i64,
    }
    #[derive(sqlx::FromRow)]
    struct Touched {
        touched_on: Date,
        deals: i64,
    }
    let mut rollups = Rollups::default();
    for r in tx
        .all::<Open>(Sql::new(
            "SELECT partner_id, currency, quarter, forecast_category, status, out_of_program, \
             deals, value_minor, weighted FROM pipeline_open",
        ))
        .await?
    {
        rollups.open.insert(
            (
                r.partner_id,
                r.currency,
                r.quarter,
                r.forecast_category,
                r.status,
            ),
            (r.out_of_program, [r.deals, r.value_minor, r.weighted, 0]),
        );
    }
    for r in tx
        .all::<OpenPartner>(Sql::new(
            "SELECT partner_id, currency, out_of_program, deals, value_minor, weighted \
             FROM pipeline_open_partner",
        ))
        .await?
    {
        rollups.open_partner.insert(
            (r.partner_id, r.currency),
            (r.out_of_program, [r.deals, r.value_minor, r.weighted, 0]),
        );
    }
    for r in tx
        .all::<Program>(Sql::new(
            "SELECT out_of_program, currency, quarter, forecast_category, status, deals, \
             value_minor, weighted FROM pipeline_open_program",
        ))
        .await?
    {
        rollups.open_program.insert(
            (
                r.out_of_program,
                r.currency,
                r.quarter,
                r.forecast_category,
                r.status,
            ),
            [r.deals, r.value_minor, r.weighted, 0],
        );
    }
    for r in tx
        .all::<PartnerWonStored>(Sql::new(
            "SELECT partner_id, currency, closed_on, confirmed, deals, amount_minor, \
             velocity_deals, velocity_days FROM pipeline_won",
        ))
        .await?
    {
        let (key, sums) = won_entry(r.won);
        rollups
            .won
            .insert((r.partner_id, key.0, key.1, key.2), sums);
    }
    for r in tx
        .all::<WonStored>(Sql::new(
            "SELECT currency, closed_on, confirmed, deals, amount_minor, velocity_deals, \
             velocity_days FROM pipeline_won_program",
        ))
        .await?
    {
        let (key, sums) = won_entry(r);
        rollups.won_program.insert(key, sums);
    }
    for r in tx
        .all::<Touched>(Sql::new("SELECT touched_on, deals FROM pipeline_touched"))
        .await?
    {
        rollups.touched.insert(r.touched_on, r.deals);
    }
    rollups.drop_empty();
    Ok(rollups)
}

/// Every stored rollup row that differs from the recomputation from the registrations, by
/// table and key: "pipeline_open partner … USD 2027-Q1 commit approved: stored deals 3,
/// value 100.00, weighted 40.0000 (out of program: no); recomputed deals 2, …". Empty
/// when the cache is exact.
pub async fn all(tx: &mut Read) -> Result<Vec<String>> {
    let recomputed = super::recompute(tx).await?;
    let stored = stored(tx).await?;
    Ok(differences(&stored, &recomputed))
}

fn differences(stored: &Rollups, recomputed: &Rollups) -> Vec<String> {
    fn compare<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
        table: &str,
        stored: &BTreeMap<K, V>,
        recomputed: &BTreeMap<K, V>,
        out: &mut Vec<String>,
    ) {
        let keys: std::collections::BTreeSet<&K> = stored.keys().chain(recomputed.keys()).collect();
        for key in keys {
            let (s, r) = (stored.get(key), recomputed.get(key));
            if s != r {
                out.push(format!(
                    "{table} {key:?}: stored {}, recomputed {}",
                    s.map_or("nothing".into(), |v| format!("{v:?}")),
                    r.map_or("nothing".into(), |v| format!("{v:?}"))
                ));
            }
        }
    }
    let mut out = Vec::new();
    compare("pipeline_open", &stored.open, &recomputed.open, &mut out);
    compare(
        "pipeline_open_partner",
        &stored.open_partner,
        &recomputed.open_partner,
        &mut out,
    );
    compare(
        "pipeline_open_program",
        &stored.open_program,
        &recomputed.open_program,
        &mut out,
    );
    compare("pipeline_won", &stored.won, &recomputed.won, &mut out);
    compare(
        "pipeline_won_program",
        &stored.won_program,
        &recomputed.won_program,
        &mut out,
    );
    compare(
        "pipeline_touched",
        &stored.touched,
        &recomputed.touched,
        &mut out,
    );
    out
}
