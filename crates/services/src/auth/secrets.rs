//! The random secrets behind session cookies, form tokens and API tokens, and the hash under
//! which they are stored (never the secret itself).

use base64::Engine;
use rand::Rng;
use sha2::{Digest, Sha256};

pub(super) fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
