//! PartnerOS storage. One interface over SQLite and PostgreSQL: callers hand a [`Sql`]
//! statement written in the subset both accept (`$1` placeholders) to a [`Read`] or a
//! [`Write`], and the store binds it for whichever backend is connected. Reading functions
//! take `&mut Read` (a `&mut Write` is one too); writing functions take `&mut Write`.
//! No business rules live here.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod certifications;
pub mod contacts;
pub mod dashboard;
pub mod deals;
pub mod escalation_paths;
pub mod escalation_reviews;
pub mod escalations;
pub mod exports;
pub mod facts;
pub mod insight;
pub mod integration_requests;
pub mod internal_nps;
pub mod jobs;
pub mod notifications;
pub mod onboarding;
pub mod outbox;
pub mod partners;
pub mod previews;
pub mod program;
pub mod proposals;
pub mod rates;
pub mod recruitment;
pub mod rhythm;
pub mod rollups;
mod sql;
pub mod teams;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod users;
pub mod work;

pub use sql::{Arg, Backend, Sql, values_list};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{FromRow, Postgres, Sqlite};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unsupported database URL '{0}': use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// A unique key refused a row; it names the key's columns the same way on both
    /// backends, `table.column` (`, `-separated when several), or else the constraint.
    #[error("a record with the same {0} already exists")]
    Duplicate(String),
    /// A conditional write matched no row: another writer changed the record since it was
    /// read. The caller's transaction must not commit.
    #[error("the {0} was changed by someone else meanwhile")]
    Changed(&'static str),
    /// A stored value does not read back (a bad date, JSON or choice in a row).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// A failure of ours that is no stored data: a value that does not serialise, an
    /// export that does not write, a background task that stopped.
    #[error("internal error: {0}")]
    Internal(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Error {
    fn from_sqlx(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return Error::Duplicate(unique_key(db.as_ref()));
        }
        Error::Database(err)
    }
}

/// The columns of the unique key a statement violated, as `table.column, …`.
fn unique_key(db: &dyn sqlx::error::DatabaseError) -> String {
    // SQLite names no constraint, but its message lists the columns: "UNIQUE constraint
    // failed: users.email".
    if let Some(columns) = db.message().strip_prefix("UNIQUE constraint failed: ") {
        return columns.to_owned();
    }
    // PostgreSQL names the table, and the columns in its detail: "Key (email)=(…) already
    // exists." (never the value here: it may be personal data).
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        && let (Some(table), Some(detail)) = (pg.table(), pg.detail())
        && let Some((columns, _)) = detail
            .strip_prefix("Key (")
            .and_then(|rest| rest.split_once(")=("))
    {
        return columns
            .split(", ")
            .map(|column| format!("{table}.{column}"))
            .collect::<Vec<_>>()
            .join(", ");
    }
    db.constraint().unwrap_or("key").to_owned()
}

pub type Result<T> = std::result::Result<T, Error>;

/// Rows that decode from either backend.
pub trait Record:
    Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{
}
impl<T> Record for T where
    T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Page cache of each SQLite connection, MiB (SQLite's default is 2): every connection of
/// the pool keeps its own, so this times the pool size bounds the memory they take.
const SQLITE_CACHE_MIB: i64 = 16;
/// Page cache of the connection doing a bulk write (imports of a million registrations):
/// index maintenance on large tables then stays in memory.
const SQLITE_BULK_CACHE_MIB: i64 = 64;

/// A connection pool to the configured database.
#[derive(Clone, Debug)]
pub enum Db {
    /// Reads go to a pool; writes to a connection of their own.
    Sqlite {
        read: sqlx::SqlitePool,
        write: sqlx::SqlitePool,
    },
    Postgres(sqlx::PgPool),
}

impl Db {
    /// Connects to `sqlite://path` (created when missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", format!("-{}", SQLITE_CACHE_MIB * 1024))
                // Statement journals (each statement of a transaction may roll back alone) in
                // memory rather than a temporary file: a bulk insert wrote every page twice.
                .pragma("temp_store", "memory");
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options.clone())
                .await?;
            // SQLite has one writer at a time anyway. Giving writes a connection of their own
            // keeps its page cache: a connection that sees another one's commit drops its
            // whole cache, so writes rotating over the pool started cold every time.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite { read, write })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(Error::UnsupportedUrl(url.to_owned()))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Creates or upgrades the schema; safe to run from several servers at once.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`) so concurrent writers wait instead of failing mid-way.
    pub async fn write(&self) -> Result<Write> {
        Ok(Write(
            Read(match self {
                Db::Sqlite { write, .. } => {
                    Handle::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?)
                }
                Db::Postgres(pool) => Handle::Postgres(pool.begin().await?),
            }),
            None,
        ))
    }

    /// A pooled connection for reading, without BEGIN/COMMIT round trips: each statement sees
    /// the data committed when it starts. Reads that must see one snapshot across several
    /// statements use [`Db::write`].
    pub async fn read(&self) -> Result<Read> {
        Ok(Read(match self {
            Db::Sqlite { read, .. } => Handle::SqliteSingle(read.acquire().await?),
            Db::Postgres(pool) => Handle::PostgresSingle(pool.acquire().await?),
        }))
    }

    /// A read-only transaction seeing one snapshot across its statements, without holding
    /// writers up (SQLite's WAL; PostgreSQL's repeatable read): long checks that compare
    /// tables with each other.
    pub async fn snapshot(&self) -> Result<Read> {
        Ok(Read(match self {
            Db::Sqlite { read, .. } => Handle::Sqlite(read.begin().await?),
            Db::Postgres(pool) => Handle::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        }))
    }

    /// After a bulk write (a big import, the daily health run), refreshes PostgreSQL's
    /// planner statistics of `tables` (a comma-separated list), so that the next reads are
    /// planned for what the tables hold now, not for the near-empty tables of before:
    /// autovacuum may be off, and is a minute late at best (the internal home's at-risk list
    /// read 7,000 rows in 17 ms on yesterday's statistics, 10 rows in 0.1 ms on fresh ones).
    /// SQLite is never analyzed: it plans from the schema alone (`crate::plans`).
    pub async fn refresh_statistics(&self, tables: &'static str) -> Result<()> {
        if let Db::Postgres(pool) = self {
            let mut conn = pool.acquire().await?;
            // A constant list of table names from the caller's source.
            execute(
                Conn::Postgres(&mut conn),
                Sql::trusted_text(format!("ANALYZE {tables}")),
            )
            .await?;
        }
        Ok(())
    }

    /// Answers when the database accepts queries (for /readyz).
    pub async fn ping(&self) -> Result<()> {
        let mut read = self.read().await?;
        execute(read.conn(), Sql::new("SELECT 1")).await?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Where reads run: a plain pooled connection ([`Db::read`]), or the view of a [`Write`]
/// transaction through which that transaction reads (a `&mut Write` is a `&mut Read`). It
/// has no `execute` and no `commit`: a write on a read handle does not compile.
///
/// ```compile_fail,E0599
/// # async fn f(db: store::Db) -> store::Result<()> {
/// let mut read = db.read().await?;
/// read.execute(store::Sql::new("DELETE FROM sessions")).await?;
/// # Ok(())
/// # }
/// ```
///
/// ```compile_fail,E0599
/// # async fn f(db: store::Db) -> store::Result<()> {
/// db.read().await?.commit().await?;
/// # Ok(())
/// # }
/// ```
///
/// A write transaction reads through the same functions:
///
/// ```
/// # async fn f(db: store::Db) -> store::Result<()> {
/// async fn count(read: &mut store::Read) -> store::Result<(i64,)> {
///     read.one(store::Sql::new("SELECT COUNT(*) FROM users")).await
/// }
/// let mut write = db.write().await?;
/// count(&mut write).await?;
/// write.commit().await
/// # }
/// ```
pub struct Read(Handle);

/// An open write transaction ([`Db::write`]): everything a [`Read`] does, plus
/// [`Write::execute`] and [`Write::commit`]. Dropped without `commit`, it rolls back. The
/// second field holds the rollups' changes while they are deferred to the commit
/// ([`Write::defer_rollups`]).
pub struct Write(Read, Option<Box<rollups::changes::Rollups>>);

enum Handle {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
    SqliteSingle(sqlx::pool::PoolConnection<Sqlite>),
    PostgresSingle(sqlx::pool::PoolConnection<Postgres>),
}

impl std::ops::Deref for Write {
    type Target = Read;
    fn deref(&self) -> &Read {
        &self.0
    }
}

impl std::ops::DerefMut for Write {
    fn deref_mut(&mut self) -> &mut Read {
        &mut self.0
    }
}

enum Conn<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Uuid(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
                Arg::Time(v) => query.bind(v),
                Arg::Date(v) => query.bind(v),
                Arg::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

impl Read {
    pub fn backend(&self) -> Backend {
        match &self.0 {
            Handle::Sqlite(_) | Handle::SqliteSingle(_) => Backend::Sqlite,
            Handle::Postgres(_) | Handle::PostgresSingle(_) => Backend::Postgres,
        }
    }

    fn conn(&mut self) -> Conn<'_> {
        match &mut self.0 {
            Handle::Sqlite(tx) => Conn::Sqlite(tx),
            Handle::SqliteSingle(conn) => Conn::Sqlite(conn),
            Handle::Postgres(tx) => Conn::Postgres(tx),
            Handle::PostgresSingle(conn) => Conn::Postgres(conn),
        }
    }

    pub async fn all<T: Record>(&mut self, sql: Sql) -> Result<Vec<T>> {
        let (text, args) = sql.into_parts();
        let rows = match self.conn() {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_as::<Sqlite, T>(text), args)
                    .fetch_all(c)
                    .await
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_as::<Postgres, T>(text), args)
                    .fetch_all(c)
                    .await
            }
        };
        rows.map_err(Error::from_sqlx)
    }

    pub async fn optional<T: Record>(&mut self, sql: Sql) -> Result<Option<T>> {
        let (text, args) = sql.into_parts();
        let row = match self.conn() {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_as::<Sqlite, T>(text), args)
                    .fetch_optional(c)
                    .await
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_as::<Postgres, T>(text), args)
                    .fetch_optional(c)
                    .await
            }
        };
        row.map_err(Error::from_sqlx)
    }

    pub async fn one<T: Record>(&mut self, sql: Sql) -> Result<T> {
        let (text, args) = sql.into_parts();
        let row = match self.conn() {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_as::<Sqlite, T>(text), args)
                    .fetch_one(c)
                    .await
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_as::<Postgres, T>(text), args)
                    .fetch_one(c)
                    .await
            }
        };
        row.map_err(Error::from_sqlx)
    }
}

/// Runs a statement and returns the number of rows it changed.
async fn execute(conn: Conn<'_>, sql: Sql) -> Result<u64> {
    let (text, args) = sql.into_parts();
    let done = match conn {
        Conn::Sqlite(c) => bind_all!(sqlx::query::<Sqlite>(text), args)
            .execute(c)
            .await
            .map(|r| r.rows_affected()),
        Conn::Postgres(c) => bind_all!(sqlx::query::<Postgres>(text), args)
            .execute(c)
            .await
            .map(|r| r.rows_affected()),
    };
    done.map_err(Error::from_sqlx)
}

impl Write {
    /// Runs a statement and returns the number of rows it changed.
    pub async fn execute(&mut self, sql: Sql) -> Result<u64> {
        execute(self.0.conn(), sql).await
    }

    /// Gives this SQLite connection the large page cache of a bulk write, or (`false`) the
    /// usual one back — before committing, so the pool does not keep the large one.
    /// PostgreSQL manages its own memory: nothing to do.
    pub async fn bulk_cache(&mut self, on: bool) -> Result<()> {
        if self.backend() == Backend::Sqlite {
            let mib = if on {
                SQLITE_BULK_CACHE_MIB
            } else {
                SQLITE_CACHE_MIB
            };
            // Trusted: a number of our own constants.
            self.execute(Sql::trusted_text(format!(
                "PRAGMA cache_size = -{}",
                mib * 1024
            )))
            .await?;
        }
        Ok(())
    }

    /// Sets the secondary indexes of `table` aside for a bulk load and returns the statements
    /// that build them again ([`Write::build_indexes`], in the same transaction): rows are then
    /// appended, and each index is built once from sorted keys instead of taking a million
    /// inserts at random places. SQLite only — readers keep their snapshot, and a rollback
    /// brings the indexes back. PostgreSQL keeps its indexes: dropping one would lock the
    /// table against every reader until the load commits.
    pub async fn set_indexes_aside(&mut self, table: &str) -> Result<Vec<String>> {
        if self.backend() != Backend::Sqlite {
            return Ok(Vec::new());
        }
        #[derive(sqlx::FromRow)]
        struct Index {
            name: String,
            sql: String,
        }
        // Indexes behind PRIMARY KEY and UNIQUE have no SQL of their own: they stay.
        let indexes: Vec<Index> = self
            .all(crate::sql!(
                "SELECT name, sql FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name",
                table
            ))
            .await?;
        for index in &indexes {
            // Trusted: an index name SQLite's own schema table gave back.
            self.execute(Sql::trusted_text(format!("DROP INDEX \"{}\"", index.name)))
                .await?;
        }
        Ok(indexes.into_iter().map(|i| i.sql).collect())
    }

    /// Builds the indexes [`Write::set_indexes_aside`] dropped.
    pub async fn build_indexes(&mut self, statements: Vec<String>) -> Result<()> {
        for statement in statements {
            // Trusted: the index's own definition, read from sqlite_master before it was dropped.
            self.execute(Sql::trusted_text(statement)).await?;
        }
        Ok(())
    }

    /// Adds the rollups' changes of every later registration write up in memory and writes
    /// them once, at [`Write::commit`], instead of with each write: a bulk import that wrote
    /// them batch by batch rewrote the same rollup rows a thousand times (on PostgreSQL each
    /// a dead row version: the 3,503-row per-partner rollup grew to 26 MB). Only for a
    /// transaction that commits once at the end; its own reads of the rollups do not see the
    /// deferred changes.
    pub fn defer_rollups(&mut self) {
        self.1.get_or_insert_with(Box::default);
    }

    /// The rollups' changes deferred so far, taken out to be added or written.
    pub(crate) fn deferred_rollups(&mut self) -> Option<&mut rollups::changes::Rollups> {
        self.1.as_deref_mut()
    }

    /// Writes the deferred rollups' changes now (the transaction stays deferring).
    pub(crate) async fn flush_rollups(&mut self) -> Result<()> {
        if let Some(pending) = self.1.as_mut() {
            let changes = std::mem::take(pending.as_mut());
            changes.write(self).await?;
        }
        Ok(())
    }

    /// Commits the transaction (with the rollups' deferred changes).
    pub async fn commit(mut self) -> Result<()> {
        self.flush_rollups().await?;
        match (self.0).0 {
            Handle::Sqlite(tx) => tx.commit().await?,
            Handle::Postgres(tx) => tx.commit().await?,
            // Only `Db::write` makes a `Write`, always around a transaction; a caller that
            // swapped a plain connection into one gets an error, not a silent no-op.
            Handle::SqliteSingle(_) | Handle::PostgresSingle(_) => {
                return Err(Error::Internal(
                    "a write handle without a transaction".into(),
                ));
            }
        }
        Ok(())
    }
}

/// Turns the row count of a conditional write (`… WHERE id = $1 AND <state read> = $n`)
/// into [`Error::Changed`] when another writer got there first.
pub fn changed_one(rows: u64, what: &'static str) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(Error::Changed(what))
    }
}

/// The current time in UTC, truncated to microseconds so it survives both backends unchanged.
pub fn now() -> time::OffsetDateTime {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .expect("truncated nanoseconds are in range")
}

/// Decodes a JSON list column.
fn json_list<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<Vec<T>> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("{column}: {e}")))
}

/// Decodes an enum column stored by name.
fn choice<T: domain::Choice>(column: &str, text: &str) -> Result<T> {
    T::parse(text).ok_or_else(|| Error::Corrupt(format!("{column}: unknown value '{text}'")))
}

#[cfg(test)]
mod plans;
#[cfg(test)]
mod tests;
