-- What the system tells one person: renewal reminders, tiers at risk, decisions waiting,
-- protections about to expire. Ids are UUID v7, so newest first is id order.
CREATE TABLE notifications (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    partner_id UUID REFERENCES partners (id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id);
