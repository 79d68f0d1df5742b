-- What the system tells one person: renewal reminders, tiers at risk, decisions waiting,
-- protections about to expire. Ids are UUID v7, so newest first is id order.
CREATE TABLE notifications (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    partner_id BLOB REFERENCES partners (id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
