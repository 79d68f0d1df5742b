-- Nothing that feeds a tier is self-declared: a partner may report a win or log a joint call,
-- but only an internal user (or a CRM import) confirms them. Wins recorded before this rule
-- stay unconfirmed until someone internal confirms them.
CREATE TABLE win_confirmations (
    deal_id UUID PRIMARY KEY NOT NULL REFERENCES deal_registrations (id),
    confirmed_by TEXT NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE deal_activities ADD COLUMN confirmed_by TEXT;
