-- The pipeline's sums, kept current in the transaction of every write that changes what a
-- registration adds (store::rollups::apply) and verified by `partneros check rollups`.
-- Money in hundredths of the deal's currency; weighted in hundredths × percent.

-- Open registrations per partner, currency, quarter of expected close, forecast category and
-- status; `out_of_program` repeats the partner's state (archived or exited) for the program
-- rows below.
CREATE TABLE pipeline_open (
    partner_id BLOB NOT NULL,
    currency TEXT NOT NULL,
    quarter TEXT NOT NULL,
    forecast_category TEXT NOT NULL,
    status TEXT NOT NULL,
    out_of_program INTEGER NOT NULL,
    deals INTEGER NOT NULL,
    value_minor INTEGER NOT NULL,
    weighted INTEGER NOT NULL,
    PRIMARY KEY (partner_id, currency, quarter, forecast_category, status)
) WITHOUT ROWID;

-- The same, program-wide: whether the partner is out of the program instead of which.
CREATE TABLE pipeline_open_program (
    out_of_program INTEGER NOT NULL,
    currency TEXT NOT NULL,
    quarter TEXT NOT NULL,
    forecast_category TEXT NOT NULL,
    status TEXT NOT NULL,
    deals INTEGER NOT NULL,
    value_minor INTEGER NOT NULL,
    weighted INTEGER NOT NULL,
    PRIMARY KEY (out_of_program, currency, quarter, forecast_category, status)
) WITHOUT ROWID;

-- Won registrations per partner, currency, close day ('YYYY-MM-DD') and confirmation, with
-- the days from registration to close of those with a close day.
CREATE TABLE pipeline_won (
    partner_id BLOB NOT NULL,
    currency TEXT NOT NULL,
    closed_on TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    deals INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    velocity_deals INTEGER NOT NULL,
    velocity_days INTEGER NOT NULL,
    PRIMARY KEY (partner_id, currency, closed_on, confirmed)
) WITHOUT ROWID;

CREATE TABLE pipeline_won_program (
    currency TEXT NOT NULL,
    closed_on TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    deals INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    velocity_deals INTEGER NOT NULL,
    velocity_days INTEGER NOT NULL,
    PRIMARY KEY (currency, closed_on, confirmed)
) WITHOUT ROWID;

-- Open registrations program-wide by the day they were last touched (stale deals).
CREATE TABLE pipeline_touched (
    touched_on TEXT NOT NULL PRIMARY KEY,
    deals INTEGER NOT NULL
) WITHOUT ROWID;

-- Filled from the registrations by the first start after this migration (days and quarters
-- are computed in Rust, not SQL).
INSERT INTO settings (name, value) VALUES ('pipeline_rollups', 'rebuild');
