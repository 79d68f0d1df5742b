-- Tier proposals raised by the evaluation job (or recorded by a manager's own decision).
-- A downgrade starts as a 'notice' with a remediation period; an 'open' proposal waits for a
-- manager; approved/rejected/overridden/recovered/withdrawn are final. At most one proposal
-- per partner is in play at a time (the partial unique index).
CREATE TABLE tier_proposals (
    id BLOB PRIMARY KEY NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    from_tier TEXT NOT NULL,
    to_tier TEXT NOT NULL,
    final_tier TEXT,
    period TEXT NOT NULL,
    reason TEXT NOT NULL,
    program_version INTEGER NOT NULL,
    notice_until TEXT,
    remediation_until TEXT,
    decided_by BLOB,
    decided_by_label TEXT,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tier_proposals_partner ON tier_proposals (partner_id, created_at);
CREATE INDEX tier_proposals_status ON tier_proposals (status, created_at);
CREATE UNIQUE INDEX tier_proposals_one_in_play ON tier_proposals (partner_id)
    WHERE status IN ('notice', 'open');

-- Background work shared by every server: a job is claimed by one server at a time
-- (FOR UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite); a claim that outlives
-- locked_until is taken over. dedup_key makes scheduled runs happen once per period.
CREATE TABLE jobs (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    run_after TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    started_at TEXT,
    finished_at TEXT,
    result TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_after);
