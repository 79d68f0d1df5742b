-- Foundation schema: accounts, sessions, API tokens, login throttling, partners, contacts, audit.
-- UUIDs are 16-byte BLOBs (time-ordered v7); timestamps are UTC text; lists are JSON text.

CREATE TABLE partners (
    id BLOB PRIMARY KEY NOT NULL,
    legal_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    domains TEXT NOT NULL DEFAULT '[]',
    partner_type TEXT NOT NULL,
    gtm_model TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '[]',
    industries TEXT NOT NULL DEFAULT '[]',
    tier TEXT NOT NULL,
    stage TEXT NOT NULL,
    owner_id BLOB,
    our_exec_sponsor TEXT NOT NULL DEFAULT '',
    partner_exec_sponsor TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX partners_sort_name ON partners (sort_name, id);
CREATE INDEX partners_updated ON partners (updated_at, id);
CREATE INDEX partners_tier ON partners (tier, sort_name, id);
CREATE INDEX partners_stage ON partners (stage, sort_name, id);
CREATE INDEX partners_owner ON partners (owner_id, sort_name, id);

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    partner_id BLOB REFERENCES partners (id),
    password_hash TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_partner ON users (partner_id);

CREATE TABLE contacts (
    id BLOB PRIMARY KEY NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    email TEXT,
    phone TEXT NOT NULL DEFAULT '',
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contacts_partner ON contacts (partner_id, name);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    throttle_key TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (throttle_key, failed_at);

CREATE TABLE audit_events (
    id BLOB PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor_label TEXT NOT NULL,
    partner_id BLOB,
    entity_type TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    action TEXT NOT NULL,
    summary TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_partner ON audit_events (partner_id, id);
CREATE INDEX audit_entity ON audit_events (entity_type, entity_id, id);
CREATE INDEX audit_actor ON audit_events (actor_id, id);
