//! Who is asking: signing in and out with server-side sessions (`sessions`), passwords
//! (`passwords`), personal API tokens (`tokens`), and how failures slow the next attempt
//! (`throttle`).
//!
//! This file is the feature's face: the code lives in the files beside it.

pub(crate) mod passwords;
mod secrets;
mod sessions;
mod throttle;
mod tokens;

pub use passwords::hash_password;
pub use sessions::{NewSession, SessionInfo};
pub use tokens::{ApiToken, TOKEN_PREFIX};

pub(crate) use tokens::TokenMemory;
