-- Mail that cannot leave any more: 'expired' (not sent within `--mail-max-age-hours` of being
-- written, so a late SMTP set-up does not send a backlog) and 'discarded' (an admin dropped it
-- from the queue). `claim_id` names the sender's claim, so a sender records outcomes only for
-- the rows it still holds.
ALTER TABLE outbox DROP CONSTRAINT outbox_state_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_state_check
    CHECK (state IN ('held', 'digested', 'queued', 'sending', 'sent', 'failed', 'expired', 'discarded'));
ALTER TABLE outbox ADD COLUMN claim_id UUID;

-- Routine sweeps (work items' SLA warnings, the escalation sweep, the mail digest): one row
-- each, holding the period last claimed and what that run did. A server runs a routine only
-- when its conditional upsert moved `period` forward, so each period runs once however many
-- servers tick. Their runs no longer fill the jobs table.
CREATE TABLE routines (
    name TEXT PRIMARY KEY NOT NULL,
    period TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    result TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
DELETE FROM jobs WHERE kind IN ('escalation_sweep', 'mail_digest');
