//! What every handler is given: the services and how the server was started.

use services::Services;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from the rightmost `X-Forwarded-For` entry, the one our own
    /// proxy added (only behind a trusted proxy).
    pub trust_proxy: bool,
}
