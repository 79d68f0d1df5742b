-- Deal registration (issue 4). Money in minor units with its currency; dates 'YYYY-MM-DD'.
-- change_no comes from the 'conflict_change' counter, taken under its row lock in the same
-- transaction, so every server can bring its in-memory conflict index up to date with
-- "change_no > the last one I saw" without missing a change.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('deal_registration', 1000), ('conflict_change', 0);

-- Per-installation secrets, created on first use (the reference permutation's key).
CREATE TABLE settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE deal_registrations (
    id BLOB PRIMARY KEY NOT NULL,
    number BIGINT NOT NULL UNIQUE,
    -- What people see (DR-4821937): a keyed permutation of number, so references say
    -- nothing about how many registrations others made. Unique because number is; looked
    -- up through number (the permutation inverts), so it needs no index of its own.
    reference TEXT NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    created_by TEXT NOT NULL,
    status TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    website TEXT NOT NULL,
    domain TEXT,
    industry TEXT NOT NULL,
    region TEXT NOT NULL,
    deal_size_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    expected_close TEXT NOT NULL,
    use_case TEXT NOT NULL,
    pain_points TEXT NOT NULL,
    stage TEXT NOT NULL,
    probability BIGINT NOT NULL,
    risks TEXT NOT NULL,
    competitor TEXT NOT NULL,
    partner_rep TEXT NOT NULL,
    partner_sourced BIGINT NOT NULL DEFAULT 1,
    ae_user_id BLOB REFERENCES users (id),
    se_user_id BLOB REFERENCES users (id),
    deal_desk_review BIGINT NOT NULL DEFAULT 0,
    registered_on TEXT NOT NULL,
    submitted_at TEXT,
    decision_due TEXT,
    decided_at TEXT,
    decided_by TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    protected_until TEXT,
    extensions_used BIGINT NOT NULL DEFAULT 0,
    extension_reason TEXT NOT NULL DEFAULT '',
    last_warning BIGINT,
    conflict_verdict TEXT NOT NULL DEFAULT 'clear',
    conflict_findings TEXT NOT NULL DEFAULT '[]',
    forecast_category TEXT NOT NULL DEFAULT 'pipeline',
    next_action TEXT NOT NULL DEFAULT '',
    next_action_on TEXT,
    next_action_owner TEXT NOT NULL DEFAULT '',
    blockers TEXT NOT NULL DEFAULT '',
    last_activity_at TEXT,
    closed_on TEXT,
    closed_amount_minor BIGINT,
    change_no BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deal_registrations_partner ON deal_registrations (partner_id, status);
CREATE INDEX deal_registrations_status ON deal_registrations (status, decision_due);
CREATE INDEX deal_registrations_change ON deal_registrations (change_no);

CREATE TABLE deal_activities (
    id BLOB PRIMARY KEY NOT NULL,
    deal_id BLOB NOT NULL REFERENCES deal_registrations (id),
    kind TEXT NOT NULL,
    joint BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    by_label TEXT NOT NULL,
    by_partner BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX deal_activities_deal ON deal_activities (deal_id, occurred_on);

-- Our own sales team's pipeline and existing customers, imported from CSV: a partner's
-- registration of one of these customers conflicts with a direct relationship.
CREATE TABLE direct_opportunities (
    id BLOB PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    customer_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    website TEXT NOT NULL,
    domain TEXT,
    owner TEXT NOT NULL,
    stage TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    change_no BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX direct_opportunities_change ON direct_opportunities (change_no);

CREATE TABLE customer_accounts (
    id BLOB PRIMARY KEY NOT NULL,
    account TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    website TEXT NOT NULL,
    domain TEXT,
    owner TEXT NOT NULL,
    change_no BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customer_accounts_change ON customer_accounts (change_no);

-- A registration the conflict check did not clear: a case a partner manager resolves. What
-- was found stays on the registration (conflict_verdict, conflict_findings).
CREATE TABLE conflict_cases (
    id BLOB PRIMARY KEY NOT NULL,
    deal_id BLOB NOT NULL UNIQUE REFERENCES deal_registrations (id),
    status TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    resolved_by TEXT,
    resolved_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX conflict_cases_status ON conflict_cases (status, created_at);
