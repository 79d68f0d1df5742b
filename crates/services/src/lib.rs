//! PartnerOS use cases. Every call takes an [`Actor`] and decides here, not in the web or
//! CLI layer, what that actor may see and change. Each change is one transaction that also
//! writes its audit event.
//!
//! One folder or file per feature, each holding its own `impl Services` blocks
//! (`Services::close_deal` is in `deals/`). A folder's `mod.rs` is its face: what callers
//! outside name. Shared rooms import no feature; a feature uses another one way only, never
//! back. Where is what: `docs/design.md`, "The services crate".

// Shared rooms: they import no feature, so every feature may use them.
pub mod clock;
mod convert;
pub mod imports;
pub mod names;
pub mod notifications;
pub mod paging;

// Features.
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod conflict_cases;
pub mod dashboard;
pub mod deals;
pub mod enablement;
pub mod escalations;
pub mod exports;
pub mod facts;
pub mod homes;
pub mod insight;
pub mod integration_requests;
pub mod internal_nps;
pub mod jobs;
pub mod leads;
pub mod mail;
pub mod onboarding;
pub mod partners;
pub mod pipeline;
pub mod program;
pub mod rates;
pub mod recruitment;
pub mod reports;
pub mod rhythm;
pub mod teams;
pub mod tiers;
pub mod tracker;
pub mod users;
pub mod work;

// Tools: benchmarks on generated data, and the demo program.
// Demo data and benchmarks serve the `partneros` binary only: the library others link (the
// web crate, the tests) carries them only when asked for with the `tools` feature.
#[cfg(feature = "tools")]
pub mod bench;
#[cfg(feature = "tools")]
pub mod demo;

use domain::FieldError;
use domain::audit::AuditEvent;
use domain::roles::Role;
use serde::Serialize;
use store::{Db, Write};
use time::Duration;
use uuid::Uuid;

/// Who is asking: a signed-in user, an API token's owner, or the system (CLI, jobs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub role: Role,
    /// The partner organisation of a partner-side user.
    pub partner_id: Option<Uuid>,
    pub time_zone: String,
}

impl Actor {
    /// The operator at the shell: full rights, recorded in the audit log as "system (cli)".
    pub fn system(label: &str) -> Actor {
        Actor {
            user_id: None,
            label: format!("system ({label})"),
            role: Role::Admin,
            partner_id: None,
            time_zone: "UTC".into(),
        }
    }

    pub fn from_user(user: &domain::users::User) -> Actor {
        Actor {
            user_id: Some(user.id),
            label: user.email.clone(),
            role: user.role,
            partner_id: user.partner_id,
            time_zone: user.time_zone.clone(),
        }
    }

    /// Today's date on this actor's calendar.
    pub fn today(&self) -> time::Date {
        domain::users::today_in(&self.time_zone, store::now())
    }

    pub fn is_internal(&self) -> bool {
        self.role.is_internal()
    }

    /// Whether this actor's role may do `action` (the one permission table); pages ask this
    /// to offer a form, services call [`Actor::require`].
    pub fn may(&self, action: domain::permissions::Action) -> bool {
        action.allows(self.role)
    }

    /// Refuses (403) unless this actor's role may do `action`.
    pub fn require(&self, action: domain::permissions::Action) -> Result<()> {
        if self.may(action) {
            Ok(())
        } else {
            Err(Error::Forbidden(action.refusal()))
        }
    }

    /// Whether this actor may see the records of a partner organisation at all.
    pub fn sees_partner(&self, partner_id: Uuid) -> bool {
        domain::permissions::sees_partner(self.role, self.partner_id, partner_id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Also used for records the actor may not know exist, so ids cannot be probed.
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("sign in required")]
    Unauthenticated,
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Store(store::Error),
}

/// The unique keys a person can run into from a form, by the columns the store names
/// ([`store::Error::Duplicate`]): the field to show the refusal at, and what to say. Services
/// check these first; this answers the write that raced past the check.
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    // Worded as the partner-side check words it: a partner admin learns no more than that
    // the address is not available.
    (
        "users.email",
        "email",
        "this address cannot be used for a new account",
    ),
];

impl From<store::Error> for Error {
    fn from(err: store::Error) -> Self {
        match err {
            store::Error::Duplicate(key) => match UNIQUE_FIELDS.iter().find(|u| u.0 == key) {
                Some((_, field, message)) => Error::field(field, *message),
                None => Error::Conflict(format!("a record with the same {key} already exists")),
            },
            store::Error::Changed(what) => Error::Conflict(format!(
                "this {what} was changed by someone else meanwhile; reload it and try again"
            )),
            other => Error::Store(other),
        }
    }
}

impl Error {
    pub fn field(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}

pub type Result<T> = std::result::Result<T, Error>;

pub use paging::{DEFAULT_PAGE, MAX_PAGE, Page, PageQuery, PageRequest};

/// Security settings and limits with production defaults; tests shorten them.
#[derive(Debug, Clone)]
pub struct Config {
    /// A session unused for this long is signed out.
    pub session_idle: Duration,
    /// Failed sign-ins (and bad bearer tokens) counted over this window.
    pub login_window: Duration,
    /// An account with this many failures in the window is locked until the oldest leaves it,
    /// even for the right password.
    pub max_failures_per_account: i64,
    /// Failures from one client address before it must wait between attempts.
    pub free_failures_per_ip: i64,
    /// The first wait; it doubles with every further failure from the address.
    pub ip_delay_base: Duration,
    /// The longest wait an address is given (see `auth::throttle`).
    pub ip_delay_max: Duration,
    /// The rows an XLSX export's sheet may have, header included
    /// ([`exports::XLSX_SHEET_ROWS`]); a longer list is refused.
    pub xlsx_sheet_rows: u32,
    /// SMTP and the portal's public address for links in mails.
    pub mail: mail::MailSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_idle: Duration::hours(8),
            login_window: Duration::minutes(15),
            max_failures_per_account: 5,
            free_failures_per_ip: 10,
            ip_delay_base: Duration::seconds(1),
            ip_delay_max: Duration::seconds(60),
            xlsx_sheet_rows: exports::XLSX_SHEET_ROWS,
            mail: mail::MailSettings::default(),
        }
    }
}

/// The entry point to every use case.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: Db,
    pub config: Config,
    /// Parsed program versions by number. A version never changes once stored, so servers
    /// sharing a database stay consistent with only this per-process cache.
    programs: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<i64, std::sync::Arc<domain::program::Program>>>,
    >,
    /// This process's conflict index, kept up to date from the database.
    conflicts: std::sync::Arc<deals::ConflictCache>,
    /// The installation's key for human references (loaded once from the database).
    reference_key: std::sync::Arc<std::sync::OnceLock<Vec<u8>>>,
    /// Bearer tokens recently seen, so API calls need no lookup each.
    tokens: std::sync::Arc<auth::TokenMemory>,
    /// The program version in force, remembered for a moment.
    in_force: std::sync::Arc<program::InForce>,
}

impl Services {
    pub fn new(db: Db, config: Config) -> Services {
        Services {
            db,
            config,
            programs: Default::default(),
            conflicts: Default::default(),
            reference_key: Default::default(),
            tokens: Default::default(),
            in_force: Default::default(),
        }
    }
}

/// What one change did, for the audit log.
pub(crate) struct Change<'a> {
    pub partner_id: Option<Uuid>,
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    pub action: &'a str,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub(crate) fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    Some(serde_json::to_value(value).expect("records serialise to JSON"))
}

/// The audit event of `change`, for writing with others ([`store::audit::insert_many`]).
pub(crate) fn audit_event(
    actor: &Actor,
    at: time::OffsetDateTime,
    change: Change<'_>,
) -> AuditEvent {
    AuditEvent {
        id: Uuid::now_v7(),
        at,
        actor_id: actor.user_id,
        actor_label: actor.label.clone(),
        partner_id: change.partner_id,
        entity_type: change.entity_type.into(),
        entity_id: change.entity_id,
        action: change.action.into(),
        summary: change.summary,
        before: change.before,
        after: change.after,
    }
}

/// Writes the audit event of `change` inside the caller's transaction.
pub(crate) async fn record(
    tx: &mut Write,
    actor: &Actor,
    at: time::OffsetDateTime,
    change: Change<'_>,
) -> Result<()> {
    store::audit::insert(tx, &audit_event(actor, at, change)).await?;
    Ok(())
}

pub(crate) fn require(allowed: bool, what: &str) -> Result<()> {
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(what.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_unique_key_is_a_field_error_and_another_a_conflict() {
        let err = Error::from(store::Error::Duplicate("users.email".into()));
        match err {
            Error::Invalid(errors) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].field, "email");
                assert_eq!(
                    errors[0].message,
                    "this address cannot be used for a new account"
                );
            }
            other => panic!("expected a field error, got {other:?}"),
        }
        let err = Error::from(store::Error::Duplicate("leads.number".into()));
        assert!(
            matches!(&err, Error::Conflict(m) if m == "a record with the same leads.number already exists"),
            "{err:?}"
        );
    }
}
