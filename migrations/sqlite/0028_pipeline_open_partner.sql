-- Open registrations per partner and currency, whatever their quarter, forecast category or
-- status: what the program pipeline's partner table and the dashboard's per-partner figures
-- read, so that neither sums the much longer `pipeline_open` on every request. Kept by the
-- same writer path as the other rollups (store::rollups) and verified with them.
CREATE TABLE pipeline_open_partner (
    partner_id BLOB NOT NULL,
    currency TEXT NOT NULL,
    out_of_program INTEGER NOT NULL,
    deals INTEGER NOT NULL,
    value_minor INTEGER NOT NULL,
    weighted INTEGER NOT NULL,
    PRIMARY KEY (partner_id, currency)
) WITHOUT ROWID;

-- Filled from the verified `pipeline_open`, whose rows of a partner all carry its state.
INSERT INTO pipeline_open_partner (partner_id, currency, out_of_program, deals, value_minor, weighted)
SELECT partner_id, currency, MAX(out_of_program), SUM(deals), SUM(value_minor), SUM(weighted)
FROM pipeline_open GROUP BY partner_id, currency HAVING SUM(deals) <> 0;
