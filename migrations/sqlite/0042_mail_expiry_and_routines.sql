-- Mail that cannot leave any more: 'expired' (not sent within `--mail-max-age-hours` of being
-- written, so a late SMTP set-up does not send a backlog) and 'discarded' (an admin dropped it
-- from the queue). `claim_id` names the sender's claim, so a sender records outcomes only for
-- the rows it still holds. SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE outbox_new (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB REFERENCES users (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('held', 'digested', 'queued', 'sending', 'sent', 'failed', 'expired', 'discarded')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    claim_id BLOB,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO outbox_new (id, user_id, recipient, subject, body_text, kind, link, state, attempts,
    next_attempt_at, lease_until, last_error, sent_at, created_at)
SELECT id, user_id, recipient, subject, body_text, kind, link, state, attempts,
    next_attempt_at, lease_until, last_error, sent_at, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_held ON outbox (state, user_id, created_at);
CREATE INDEX outbox_newest ON outbox (created_at, id);
CREATE INDEX outbox_recipient ON outbox (recipient, created_at, id);

-- Routine sweeps (work items' SLA warnings, the escalation sweep, the mail digest): one row
-- each, holding the period last claimed and what that run did. A server runs a routine only
-- when its conditional upsert moved `period` forward, so each period runs once however many
-- servers tick. Their runs no longer fill the jobs table.
CREATE TABLE routines (
    name TEXT PRIMARY KEY NOT NULL,
    period TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    result TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
DELETE FROM jobs WHERE kind IN ('escalation_sweep', 'mail_digest');
