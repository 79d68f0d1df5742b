-- Ideal Partner Profile assessments and 3C/4C evaluations, kept as history (never edited).
-- Each stores what was answered and what it computed under the program version named.
CREATE TABLE ipp_assessments (
    id BLOB PRIMARY KEY NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    answers TEXT NOT NULL,
    result TEXT NOT NULL,
    score TEXT NOT NULL,
    verdict TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    program_version INTEGER NOT NULL,
    created_by_label TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ipp_assessments_partner ON ipp_assessments (partner_id, created_at);

CREATE TABLE evaluations_3c4c (
    id BLOB PRIMARY KEY NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    capacity INTEGER NOT NULL,
    capability INTEGER NOT NULL,
    commitment INTEGER NOT NULL,
    customers INTEGER,
    capacity_notes TEXT NOT NULL DEFAULT '',
    capability_notes TEXT NOT NULL DEFAULT '',
    commitment_notes TEXT NOT NULL DEFAULT '',
    customers_notes TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    action_plan TEXT NOT NULL DEFAULT '',
    score TEXT NOT NULL,
    band TEXT NOT NULL,
    shared INTEGER NOT NULL,
    program_version INTEGER NOT NULL,
    created_by_label TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX evaluations_3c4c_partner ON evaluations_3c4c (partner_id, created_at);
