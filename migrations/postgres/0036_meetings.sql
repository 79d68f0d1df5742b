-- The communication rhythm (issue 15): weekly partner standups, monthly cross-functional syncs
-- and quarterly executive reviews. A meeting keeps its kind and day; the period its pack
-- covers (the day's week, month or quarter) and the pack itself are derived when read, never
-- stored. Lists are newest first by id (UUID v7, time-ordered).
CREATE TABLE meetings (
    id UUID PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    held_on DATE NOT NULL,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_kind ON meetings (kind, id);
CREATE INDEX meetings_kind_held_on ON meetings (kind, held_on);

CREATE TABLE meeting_attendees (
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    user_id UUID NOT NULL REFERENCES users (id),
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE meeting_decisions (
    id UUID PRIMARY KEY NOT NULL,
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    body TEXT NOT NULL,
    recorded_by UUID NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id, recorded_at, id);

-- An action item is done once: "UPDATE … WHERE done_at IS NULL", so of two people ticking it
-- one wins. Open items of earlier meetings of the same kind come up in the next pack.
CREATE TABLE meeting_actions (
    id UUID PRIMARY KEY NOT NULL,
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    body TEXT NOT NULL,
    owner_id UUID NOT NULL REFERENCES users (id),
    due_on DATE NOT NULL,
    done_at TIMESTAMPTZ,
    done_by UUID REFERENCES users (id),
    recorded_by UUID NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id, recorded_at, id);
CREATE INDEX meeting_actions_open ON meeting_actions (done_at, due_on);
