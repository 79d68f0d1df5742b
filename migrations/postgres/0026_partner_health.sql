-- Each partner's health score as the daily job computed it: one row per partner and day
-- (a second run the same day inserts nothing), kept as history. Components and flags are
-- JSON (domain::insight::{Component, Flag}); score and band are NULL when no component had
-- data.
CREATE TABLE partner_health (
    partner_id UUID NOT NULL REFERENCES partners (id),
    computed_on DATE NOT NULL,
    score BIGINT,
    band TEXT,
    components TEXT NOT NULL,
    flags TEXT NOT NULL,
    program_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partner_id, computed_on)
);
-- The latest run's rows, worst first (the at-risk list, band counts).
CREATE INDEX partner_health_day ON partner_health (computed_on, score, partner_id);
