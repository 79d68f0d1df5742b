-- Mail: each person's delivery choice, and the outbox the background sender works through.
-- An outbox row is written in the transaction of the notification it carries; the sender
-- claims it later (state 'sending' with a lease), so a rolled-back change mails nothing.
CREATE TABLE mail_preferences (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id),
    delivery TEXT NOT NULL CHECK (delivery IN ('immediately', 'digest', 'off')),
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE outbox (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID REFERENCES users (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    kind TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('held', 'digested', 'queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_held ON outbox (state, user_id, created_at);
CREATE INDEX outbox_newest ON outbox (created_at, id);
CREATE INDEX outbox_recipient ON outbox (recipient, created_at, id);
