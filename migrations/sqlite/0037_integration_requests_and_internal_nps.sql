-- Integration requests (issue 15): Product's demand signal. A request names the system to
-- integrate with and the customers who need it, each with the revenue it puts at stake in its
-- own currency (minor units). The ranking converts and sums on reading, so no converted or
-- summed figure is stored. A duplicate is merged by pointing `merged_into` at the request it
-- joins: its customers then count there, and its state is read from there.
-- version grows with every change of the request row: each move or merge is written
-- "WHERE state = <read> AND version = <read>", so of two racing writes one wins.
INSERT INTO counters (name, value) VALUES ('integration_request', 0);

CREATE TABLE integration_requests (
    id BLOB PRIMARY KEY NOT NULL,
    number BIGINT NOT NULL UNIQUE,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    submitted_by BLOB NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    system TEXT NOT NULL,
    state TEXT NOT NULL,
    -- Shown to the partner with a decline.
    decline_reason TEXT,
    -- Product's own words: never shown to a partner.
    internal_note TEXT NOT NULL,
    merged_into BLOB REFERENCES integration_requests (id),
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX integration_requests_partner ON integration_requests (partner_id, id);
CREATE INDEX integration_requests_merged ON integration_requests (merged_into);

CREATE TABLE integration_request_customers (
    id BLOB PRIMARY KEY NOT NULL,
    request_id BLOB NOT NULL REFERENCES integration_requests (id),
    name TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    deal_id BLOB REFERENCES deal_registrations (id)
);
CREATE INDEX integration_request_customers_request ON integration_request_customers (request_id);

-- Internal NPS: one round per period (2026-Q4 or 2026-12). Who answered and what was
-- answered are kept apart on purpose: internal_nps_respondents holds the person only so they
-- answer once a round (the primary key refuses a second); internal_nps_answers holds the
-- score, comment and the teams the person was on, with a random id and no time or person, so
-- no answer can be traced back to who gave it.
CREATE TABLE internal_nps_rounds (
    id BLOB PRIMARY KEY NOT NULL,
    period_key TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    opened_by BLOB REFERENCES users (id),
    opened_at TEXT NOT NULL
);

CREATE TABLE internal_nps_respondents (
    round_id BLOB NOT NULL REFERENCES internal_nps_rounds (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, user_id)
);

CREATE TABLE internal_nps_answers (
    id BLOB PRIMARY KEY NOT NULL,
    round_id BLOB NOT NULL REFERENCES internal_nps_rounds (id),
    score BIGINT NOT NULL,
    comment TEXT NOT NULL,
    -- The answering person's team keys at the time, comma-separated ("" for none).
    teams TEXT NOT NULL
);
CREATE INDEX internal_nps_answers_round ON internal_nps_answers (round_id);
