-- Certifications people hold (issue 5). Dates are 'YYYY-MM-DD' (calendar days, no time zone);
-- a person earns a certification once per date, so re-importing the same completion is a no-op.
CREATE TABLE certification_records (
    id BLOB PRIMARY KEY NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    contact_id BLOB NOT NULL REFERENCES contacts (id),
    certification TEXT NOT NULL,
    earned_on TEXT NOT NULL,
    expires_on TEXT,
    score TEXT NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0,
    last_reminder INTEGER,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (contact_id, certification, earned_on)
);
CREATE INDEX certification_records_partner ON certification_records (partner_id, certification);
