-- Teams: one row per team key of the RACI matrix (domain::teams::ALL), made here so that
-- every later change is an UPDATE of a row that exists (a lead named, the stakeholder map
-- edited, each conditional on what was read). The fixed ids name a team in the audit log.
-- The stakeholder map's entry lives on the row; version counts its edits (a stale edit is
-- refused). The champion is an account or a name in words, never both (checked in domain).
CREATE TABLE teams (
    key TEXT PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    lead_user_id UUID REFERENCES users (id),
    decision_maker TEXT NOT NULL DEFAULT '',
    cares_about TEXT NOT NULL DEFAULT '',
    blockers TEXT NOT NULL DEFAULT '',
    champion_user_id UUID REFERENCES users (id),
    champion_name TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ
);
INSERT INTO teams (key, id) VALUES
    ('sales', 'a1a1a1a1-0000-4000-8000-000000000001'),
    ('marketing', 'a1a1a1a1-0000-4000-8000-000000000002'),
    ('product', 'a1a1a1a1-0000-4000-8000-000000000003'),
    ('finance', 'a1a1a1a1-0000-4000-8000-000000000004'),
    ('legal', 'a1a1a1a1-0000-4000-8000-000000000005'),
    ('customer_success', 'a1a1a1a1-0000-4000-8000-000000000006'),
    ('partner_manager', 'a1a1a1a1-0000-4000-8000-000000000007'),
    ('executive', 'a1a1a1a1-0000-4000-8000-000000000008');

-- Who is on which team: our own people only (services refuse partner-side accounts).
CREATE TABLE team_members (
    team TEXT NOT NULL REFERENCES teams (key),
    user_id UUID NOT NULL REFERENCES users (id),
    added_by TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team, user_id)
);
-- A user's teams (the onboarding tick rule asks on every tick).
CREATE INDEX team_members_user ON team_members (user_id, team);
