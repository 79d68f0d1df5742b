-- Escalation cases (issue 15): a partner's or our people's problem worked by an owner to a
-- resolution the partner confirms. The log (escalation_entries) holds every update, internal
-- note, remediation action and state change; the SLA clocks and their pauses while waiting on
-- the partner are derived from the state-change entries, so nothing here stores a due time.
-- Lists are newest first by id (UUID v7, time-ordered).
-- version grows with every change of the case row: each move is written
-- "WHERE state = <read> AND version = <read>", so of two racing moves one wins.
INSERT INTO counters (name, value) VALUES ('escalation_case', 0);

CREATE TABLE escalation_cases (
    id UUID PRIMARY KEY NOT NULL,
    number BIGINT NOT NULL UNIQUE,
    partner_id UUID NOT NULL REFERENCES partners (id),
    submitted_by UUID NOT NULL REFERENCES users (id),
    owner_id UUID REFERENCES users (id),
    issue TEXT NOT NULL,
    category TEXT NOT NULL,
    urgency TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    first_response_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX escalation_cases_partner ON escalation_cases (partner_id, id);
CREATE INDEX escalation_cases_state ON escalation_cases (state, id);

-- kind: update (seen by the partner), internal_note, remediation (an action with an optional
-- due day, done once), state_change (the state the case entered, in `state`).
CREATE TABLE escalation_entries (
    id UUID PRIMARY KEY NOT NULL,
    case_id UUID NOT NULL REFERENCES escalation_cases (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT,
    due_on DATE,
    done_at TIMESTAMPTZ,
    author_id UUID REFERENCES users (id),
    visible_to_partner BOOLEAN NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX escalation_entries_case ON escalation_entries (case_id, at, id);
