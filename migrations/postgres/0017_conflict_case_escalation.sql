-- Conflict cases are worked through (investigating) and climb the escalation ladder
-- (partner manager -> VP -> executives) while unresolved; the level reached is kept so each
-- step is announced once.
ALTER TABLE conflict_cases ADD COLUMN investigating_at TIMESTAMPTZ;
ALTER TABLE conflict_cases ADD COLUMN investigated_by TEXT;
ALTER TABLE conflict_cases ADD COLUMN escalation_level BIGINT NOT NULL DEFAULT 0;
