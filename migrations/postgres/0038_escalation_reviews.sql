-- Post-resolution reviews of escalation cases (issue 15): what happened, its root cause, what
-- was learned and how to avoid it again, written by the case's owner or an admin once the
-- case is resolved. Internal only: no partner-facing read selects this table. One review a
-- case (its primary key); version grows with every edit, each edit written
-- "WHERE version = <read>", so of two racing edits one wins.
CREATE TABLE escalation_reviews (
    case_id UUID PRIMARY KEY NOT NULL REFERENCES escalation_cases (id),
    what_happened TEXT NOT NULL,
    root_cause TEXT NOT NULL,
    lessons TEXT NOT NULL,
    prevention TEXT NOT NULL,
    follow_ups TEXT NOT NULL,
    author_id UUID NOT NULL REFERENCES users (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The quarterly trends read the cases submitted in a quarter.
CREATE INDEX escalation_cases_created ON escalation_cases (created_at, id);
