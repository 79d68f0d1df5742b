-- Each partner's health score as the daily job computed it: one row per partner and day
-- (a second run the same day inserts nothing), kept as history. Components and flags are
-- JSON (domain::insight::{Component, Flag}); score and band are NULL when no component had
-- data.
CREATE TABLE partner_health (
    partner_id BLOB NOT NULL REFERENCES partners (id),
    computed_on TEXT NOT NULL,
    score INTEGER,
    band TEXT,
    components TEXT NOT NULL,
    flags TEXT NOT NULL,
    program_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, computed_on)
);
-- The latest run's rows, worst first (the at-risk list, band counts).
CREATE INDEX partner_health_day ON partner_health (computed_on, score, partner_id);
