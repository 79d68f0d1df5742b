-- Partner-sourced leads (referrals): handed to sales with an acceptance SLA; accepted ones
-- become a registration credited to the partner. They never count against the internal
-- rep's quota (counts_against_quota stays 0; reports read it).
INSERT INTO counters (name, value) VALUES ('lead', 100);
CREATE TABLE leads (
    id UUID PRIMARY KEY NOT NULL,
    number BIGINT NOT NULL UNIQUE,
    reference TEXT NOT NULL,
    partner_id UUID NOT NULL REFERENCES partners (id),
    submitted_by TEXT NOT NULL,
    company TEXT NOT NULL,
    website TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    need TEXT NOT NULL,
    estimated_value_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    accept_by TIMESTAMPTZ NOT NULL,
    overdue_flagged BIGINT NOT NULL DEFAULT 0,
    decided_at TIMESTAMPTZ,
    decided_by TEXT,
    rejection_reason TEXT NOT NULL DEFAULT '',
    deal_id UUID REFERENCES deal_registrations (id),
    counts_against_quota BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX leads_partner ON leads (partner_id, status);
CREATE INDEX leads_status ON leads (status, accept_by);
