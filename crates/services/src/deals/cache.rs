//! This process's conflict cache: the index every conflict check reads, the last change it
//! has seen (`catch_up` reads the changes after it), and the queue of registrations waiting
//! for the writer (`deals::writer`).

use domain::deals::conflicts::{ConflictIndex, Known, Source};
use domain::deals::registration::{self, Status};
use domain::validation::Choice;
use store::deals::{ConflictRow, DealRow};
use uuid::Uuid;

use crate::deals::view::DealView;
use crate::{Actor, Result};

/// The conflict index of this process and the last change it has seen. Every write that
/// changes what the index holds takes the next change number under the counter's row lock,
/// so catching up is "change_no > last".
pub struct ConflictCache {
    pub(crate) state: tokio::sync::Mutex<CacheState>,
    /// Where registrations wait to be written (see `create_registration`).
    pub(crate) writer: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedSender<Queued>>>,
    /// Groups written and the registrations in them, for benchmarks.
    pub(crate) groups: std::sync::atomic::AtomicU64,
    pub(crate) grouped: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for ConflictCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConflictCache")
    }
}

impl Default for ConflictCache {
    fn default() -> Self {
        ConflictCache {
            state: tokio::sync::Mutex::new(CacheState {
                index: ConflictIndex::new(),
                last_change: 0,
            }),
            writer: std::sync::Mutex::new(None),
            groups: Default::default(),
            grouped: Default::default(),
        }
    }
}

pub(crate) struct CacheState {
    pub(crate) index: ConflictIndex,
    pub(crate) last_change: i64,
}

/// A registration waiting to be written with others in one transaction (`deals::writer`).
pub(crate) struct Queued {
    pub(super) actor: Actor,
    pub(super) partner_id: Uuid,
    pub(super) fields: registration::DealFields,
    pub(super) submit: bool,
    pub(super) gated: bool,
    pub(super) reply: tokio::sync::oneshot::Sender<Result<DealView>>,
}

pub(crate) fn known(row: &ConflictRow) -> Option<Known> {
    let source = match row.kind.as_str() {
        "registration" => {
            let status = Status::parse(&row.status)?;
            if !status.is_open() {
                return None;
            }
            Source::Registration {
                partner_id: row.partner_id?,
                reference: row.reference.as_str().into(),
                registered_on: row.registered_on?,
                protected_until: row.protected_until,
            }
        }
        "opportunity" if row.status == "open" => Source::DirectOpportunity {
            reference: row.reference.as_str().into(),
            owner: row.owner.as_str().into(),
        },
        "account" => Source::Customer {
            account: row.reference.as_str().into(),
        },
        _ => return None,
    };
    Some(Known::new(row.id, &row.name, &row.website, source))
}

pub(crate) async fn catch_up(tx: &mut store::Read, state: &mut CacheState) -> Result<()> {
    for row in store::deals::conflict_changes(tx, state.last_change).await? {
        match known(&row) {
            Some(k) => state.index.insert(k),
            None => state.index.remove(row.id),
        }
        state.last_change = state.last_change.max(row.change_no);
    }
    Ok(())
}

pub(crate) fn conflict_row(row: &DealRow) -> ConflictRow {
    ConflictRow {
        id: row.id,
        kind: "registration".into(),
        reference: row.reference.clone(),
        name: row.customer_name.clone(),
        website: row.website.clone(),
        partner_id: Some(row.partner_id),
        status: row.status.clone(),
        registered_on: Some(row.registered_on),
        protected_until: row.protected_until,
        owner: String::new(),
        change_no: row.change_no,
    }
}
