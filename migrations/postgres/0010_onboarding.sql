-- Onboarding checklists, created from the program's template when a partner enters
-- onboarding, and the 30/60/90-day health checks. Dates are 'YYYY-MM-DD'.
CREATE TABLE onboarding_items (
    id UUID PRIMARY KEY NOT NULL,
    partner_id UUID NOT NULL REFERENCES partners (id),
    key TEXT NOT NULL,
    phase TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    evidence_kind TEXT NOT NULL,
    completes_when TEXT,
    done_at TIMESTAMPTZ,
    done_by TEXT,
    evidence TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (partner_id, key)
);
CREATE TABLE onboarding_health_checks (
    id UUID PRIMARY KEY NOT NULL,
    partner_id UUID NOT NULL REFERENCES partners (id),
    day BIGINT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (partner_id, day)
);
