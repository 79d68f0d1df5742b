//! What mail is configured with and the words its states and choices go by.

domain::choice_enum! {
    /// How a person wants their notifications mailed.
    Delivery {
        Immediately => ("immediately", "Immediately, one mail each"),
        Digest => ("digest", "Once a day, in a digest from 07:00 your time"),
        Off => ("off", "Not by mail"),
    }
}

domain::choice_enum! {
    /// Where an outbox row stands.
    MailState {
        Held => ("held", "waiting for the daily digest"),
        Digested => ("digested", "sent in a daily digest"),
        Queued => ("queued", "queued"),
        Sending => ("sending", "being sent"),
        Sent => ("sent", "sent"),
        Failed => ("failed", "failed"),
        Expired => ("expired", "expired: too old to send"),
        Discarded => ("discarded", "discarded by an admin"),
    }
}

/// The hourly routine that gathers held mails into digests.
pub const MAIL_DIGEST: &str = "mail_digest";

/// Notifications about the account's own security: mailed whatever its owner chose, never
/// expired and never discarded.
pub const SECURITY_KINDS: &[&str] = &["password_reset"];

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP (a relay on the same host or a test server).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// The SMTP server mail leaves through.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The From address, e.g. "PartnerOS <partners@example.com>".
    pub from: String,
    pub tls: TlsMode,
}

// The password never reaches a log through `{:?}`.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .field("tls", &self.tls)
            .finish()
    }
}

/// Mail settings: without `smtp`, mail stays in the outbox.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub smtp: Option<SmtpSettings>,
    /// The portal's address as people reach it (e.g. "https://partners.example.com"): links
    /// in mails are made absolute with it.
    pub public_url: String,
    /// How many mails one sender claims at a time.
    pub batch: i64,
    /// How long a queued mail may wait to leave (from when it was due) before it is marked
    /// expired instead of sent: a server that had no SMTP for weeks does not mail the backlog
    /// once SMTP is set up.
    pub max_age: time::Duration,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp: None,
            public_url: "http://localhost:8080".into(),
            batch: 50,
            max_age: time::Duration::hours(24),
        }
    }
}
