-- The pipeline's sums, kept current in the transaction of every write that changes what a
-- registration adds (store::rollups::apply) and verified by `partneros check rollups`.
-- Money in hundredths of the deal's currency; weighted in hundredths × percent.

-- Open registrations per partner, currency, quarter of expected close, forecast category and
-- status; `out_of_program` repeats the partner's state (archived or exited) for the program
-- rows below.
CREATE TABLE pipeline_open (
    partner_id UUID NOT NULL,
    currency TEXT NOT NULL,
    quarter TEXT NOT NULL,
    forecast_category TEXT NOT NULL,
    status TEXT NOT NULL,
    out_of_program BOOLEAN NOT NULL,
    deals BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    weighted BIGINT NOT NULL,
    PRIMARY KEY (partner_id, currency, quarter, forecast_category, status)
);

-- The same, program-wide: whether the partner is out of the program instead of which.
CREATE TABLE pipeline_open_program (
    out_of_program BOOLEAN NOT NULL,
    currency TEXT NOT NULL,
    quarter TEXT NOT NULL,
    forecast_category TEXT NOT NULL,
    status TEXT NOT NULL,
    deals BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    weighted BIGINT NOT NULL,
    PRIMARY KEY (out_of_program, currency, quarter, forecast_category, status)
);

-- Won registrations per partner, currency, close day and confirmation, with
-- the days from registration to close of those with a close day.
CREATE TABLE pipeline_won (
    partner_id UUID NOT NULL,
    currency TEXT NOT NULL,
    closed_on DATE NOT NULL,
    confirmed BOOLEAN NOT NULL,
    deals BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    velocity_deals BIGINT NOT NULL,
    velocity_days BIGINT NOT NULL,
    PRIMARY KEY (partner_id, currency, closed_on, confirmed)
);

CREATE TABLE pipeline_won_program (
    currency TEXT NOT NULL,
    closed_on DATE NOT NULL,
    confirmed BOOLEAN NOT NULL,
    deals BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    velocity_deals BIGINT NOT NULL,
    velocity_days BIGINT NOT NULL,
    PRIMARY KEY (currency, closed_on, confirmed)
);

-- Open registrations program-wide by the day they were last touched (stale deals).
CREATE TABLE pipeline_touched (
    touched_on DATE NOT NULL PRIMARY KEY,
    deals BIGINT NOT NULL
);

-- Filled from the registrations by the first start after this migration (days and quarters
-- are computed in Rust, not SQL).
INSERT INTO settings (name, value) VALUES ('pipeline_rollups', 'rebuild');
