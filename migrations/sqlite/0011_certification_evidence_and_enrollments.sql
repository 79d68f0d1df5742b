-- Evidence for a certification record (a link or file reference), and enrollments: a person
-- working towards a certification, with the catalog requirements met so far (a JSON list of
-- requirement texts). An enrollment ends when the certification is earned.
ALTER TABLE certification_records ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
CREATE TABLE certification_enrollments (
    id BLOB PRIMARY KEY NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    contact_id BLOB NOT NULL REFERENCES contacts (id),
    certification TEXT NOT NULL,
    started_on TEXT NOT NULL,
    requirements_done TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (contact_id, certification)
);
CREATE INDEX certification_enrollments_partner ON certification_enrollments (partner_id);
