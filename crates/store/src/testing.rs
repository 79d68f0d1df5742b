//! Throw-away databases for tests: a temporary SQLite file and a fresh PostgreSQL database
//! per test, dropped afterwards. PostgreSQL being unreachable fails loudly, never skips.

use crate::{Backend, Db};

/// The server tests create their databases on; override with `PARTNEROS_TEST_POSTGRES`.
pub fn postgres_admin_url() -> String {
    std::env::var("PARTNEROS_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A migrated, empty database that removes itself when dropped.
pub struct TestDb {
    pub db: Db,
    /// The URL that connects to this database, for tests that start `partneros` itself.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database(String),
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let test = TestDb::empty(backend).await;
        test.db.migrate().await.expect("migrate test database");
        test
    }

    /// A database migrated up to, not including, migration `version`: a migration's test
    /// plants rows of the schema it changes, then runs [`Db::migrate`].
    pub async fn before_migration(backend: Backend, version: i64) -> TestDb {
        let test = TestDb::empty(backend).await;
        let folder = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(folder);
        let earlier = std::env::temp_dir().join(format!(
            "partneros-migrations-{}",
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir(&earlier).expect("a folder for the earlier migrations");
        for file in std::fs::read_dir(&all).expect("the migrations") {
            let path = file.expect("a migration").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let number: i64 = name
                .split('_')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(i64::MAX);
            if number < version {
                std::fs::copy(&path, earlier.join(name)).expect("copy a migration");
            }
        }
        let migrator = sqlx::migrate::Migrator::new(earlier.as_path())
            .await
            .expect("the earlier migrations");
        match &test.db {
            Db::Sqlite { write, .. } => migrator.run(write).await,
            Db::Postgres(pool) => migrator.run(pool).await,
        }
        .expect("migrate up to the version");
        let _ = std::fs::remove_dir_all(&earlier);
        test
    }

    async fn empty(backend: Backend) -> TestDb {
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir()
                    .join(format!("partneros-test-{}.db", uuid::Uuid::now_v7()));
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            Backend::Postgres => {
                let name = format!("partneros_test_{}", uuid::Uuid::now_v7().simple());
                let admin = admin_connection().await;
                if let Db::Postgres(pool) = &admin {
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                        .execute(pool)
                        .await
                        .expect("create test database");
                }
                admin.close().await;
                let base = postgres_admin_url();
                let url = match base.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("PARTNEROS_TEST_POSTGRES must end with /DATABASE"),
                };
                (url, Cleanup::Database(name))
            }
        };
        let db = Db::connect(&url)
            .await
            .expect("connect to the test database");
        TestDb { db, url, cleanup }
    }
}

async fn admin_connection() -> Db {
    let url = postgres_admin_url();
    match Db::connect(&url).await {
        Ok(db) => db,
        Err(e) => panic!(
            "PostgreSQL is not reachable at {url} ({e}). PostgreSQL tests never skip: start it with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
             or point PARTNEROS_TEST_POSTGRES at a server where user postgres may create databases."
        ),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database(name) => {
                // Drop cannot await, and the test's own runtime may be the one blocked here: a
                // thread with its own runtime force-drops the database (ending the pool's sessions).
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    runtime.block_on(async move {
                        let admin = admin_connection().await;
                        if let Db::Postgres(pool) = &admin {
                            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )))
                            .execute(pool)
                            .await;
                        }
                        admin.close().await;
                    });
                })
                .join();
            }
        }
    }
}

/// Both backends, for tests that must pass on each.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
