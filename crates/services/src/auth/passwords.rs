//! Passwords: hashed with Argon2 off the async workers, and checked in the same time whether
//! or not the account exists.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same effort on unknown emails as on real ones, so timing does not reveal accounts.
fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("partneros-dummy-password"));
    verify_password(password, hash);
}

/// Argon2 takes tens of milliseconds of CPU on purpose: on the async workers it would stall
/// every other request on the same thread, so it runs on tokio's blocking threads. Each run
/// also takes 19 MiB, so no more run at once than there are cores (more would not finish
/// sooner): a burst of sign-ins queues instead of taking the memory.
async fn on_blocking_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    });
    let _slot = slots
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Checks a password against a stored hash (or, with none, spends the same effort anyway).
pub(super) async fn password_matches(password: &str, hash: Option<String>) -> bool {
    let password = password.to_owned();
    on_blocking_thread(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            dummy_verify(&password);
            false
        }
    })
    .await
}

/// [`hash_password`] off the async workers; call it before opening a write transaction.
pub(crate) async fn hash_password_blocking(password: &str) -> String {
    let password = password.to_owned();
    on_blocking_thread(move || hash_password(&password)).await
}
