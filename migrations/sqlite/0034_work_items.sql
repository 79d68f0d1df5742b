-- Work items (issue 15): work the system creates for our people — a team's manual onboarding
-- item, a submitted deal registration to decide, a partner's lead to accept — routed by the
-- RACI matrix to a team's queue. `source_id` names the record the item is about (the one
-- source of what it is); at most one open item per source (the partial unique index), closed
-- in the transaction that finishes its source. The due instant is derived at read time from
-- created_at and the kind's [slas] target, never stored. `warned` records which SLA warning
-- was sent (none, due_soon, breached) so a sweep warns once; `version` grows with every
-- change of the row: each write is "WHERE version = <read>", so of two racing writes one wins.
CREATE TABLE work_items (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    source_id BLOB NOT NULL,
    partner_id BLOB NOT NULL REFERENCES partners (id),
    title TEXT NOT NULL,
    team TEXT NOT NULL REFERENCES teams (key),
    assignee_id BLOB REFERENCES users (id),
    warned TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT
);
CREATE UNIQUE INDEX work_items_open_source ON work_items (kind, source_id)
    WHERE closed_at IS NULL;
-- "My work" and the team figure read a team's open items, the sweep in id order the open
-- ones it may still warn about (closed items and breaches warned of pile up; no read walks
-- them).
CREATE INDEX work_items_to_warn ON work_items (id)
    WHERE closed_at IS NULL AND warned <> 'breached';
CREATE INDEX work_items_open_team ON work_items (team, id) WHERE closed_at IS NULL;
CREATE INDEX work_items_open_assignee ON work_items (assignee_id, id) WHERE closed_at IS NULL;

CREATE TABLE work_item_comments (
    id BLOB PRIMARY KEY NOT NULL,
    item_id BLOB NOT NULL REFERENCES work_items (id),
    author_id BLOB NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX work_item_comments_item ON work_item_comments (item_id, id);
