//! The rollups' changes as plain data: what a set of registration writes adds to each rollup
//! table, keyed as stored. Apart from the SQL that writes them (the parent module), so that a
//! write transaction can hold them until its commit (`Write::defer_rollups`) without the crate
//! root depending on the module that depends on it.

use std::collections::BTreeMap;

use time::Date;
use uuid::Uuid;

pub(super) type OpenKey = (Uuid, String, String, String, String);
pub(super) type OpenPartnerKey = (Uuid, String);
pub(super) type ProgramKey = (bool, String, String, String, String);
pub(super) type WonKey = (Uuid, String, Date, bool);
pub(super) type WonProgramKey = (String, Date, bool);

/// Deals, value and weighted value (open); deals, amount, velocity deals and days (won).
pub(super) type Sums = [i64; 4];

/// Additions to the rollups, keyed as they are stored: every table's rows keyed exactly.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Rollups {
    /// With the partner's out-of-program state, which every row of the partner repeats.
    pub(super) open: BTreeMap<OpenKey, (bool, Sums)>,
    /// `open` summed per partner and currency, with the same state.
    pub(super) open_partner: BTreeMap<OpenPartnerKey, (bool, Sums)>,
    pub(super) open_program: BTreeMap<ProgramKey, Sums>,
    pub(super) won: BTreeMap<WonKey, Sums>,
    pub(super) won_program: BTreeMap<WonProgramKey, Sums>,
    pub(super) touched: BTreeMap<Date, i64>,
}

pub(super) fn add(sums: &mut Sums, other: Sums, sign: i64) {
    for (s, o) in sums.iter_mut().zip(other) {
        *s += sign * o;
    }
}
