-- The program-wide pipeline as it stood: taken at each quarter's end by the daily sweep and
-- on demand, so "what did we forecast at the end of Q2" can be answered later.
CREATE TABLE forecast_snapshots (
    id UUID PRIMARY KEY NOT NULL,
    quarter TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    taken_by TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX forecast_snapshots_quarter ON forecast_snapshots (quarter, taken_on);
