-- One meeting of a kind per period (issue 15): a second weekly standup for the same week was
-- recorded silently. The period is derived from the kind and the day (Monday of the week, first
-- of the month, first of the quarter: domain::rhythm::period), so the unique index is on that
-- expression, not on a copied column. Services insert conditionally; the index answers the
-- insert that raced past the check.
--
-- Meetings recorded twice before are folded into the first of their period (the lowest id,
-- UUID v7: the oldest): their attendees, decisions and action items move to it.
CREATE TEMP TABLE meeting_folds ON COMMIT DROP AS
SELECT m.id AS duplicate,
       (SELECT k.id FROM meetings k
        WHERE k.kind = m.kind
          AND CASE k.kind
                WHEN 'weekly_standup' THEN date_trunc('week', CAST(k.held_on AS timestamp))
                WHEN 'monthly_sync' THEN date_trunc('month', CAST(k.held_on AS timestamp))
                ELSE date_trunc('quarter', CAST(k.held_on AS timestamp))
              END
            = CASE m.kind
                WHEN 'weekly_standup' THEN date_trunc('week', CAST(m.held_on AS timestamp))
                WHEN 'monthly_sync' THEN date_trunc('month', CAST(m.held_on AS timestamp))
                ELSE date_trunc('quarter', CAST(m.held_on AS timestamp))
              END
        ORDER BY k.id LIMIT 1) AS keeper
FROM meetings m;
DELETE FROM meeting_folds WHERE duplicate = keeper;

INSERT INTO meeting_attendees (meeting_id, user_id)
SELECT f.keeper, a.user_id FROM meeting_attendees a JOIN meeting_folds f ON f.duplicate = a.meeting_id
ON CONFLICT DO NOTHING;
DELETE FROM meeting_attendees WHERE meeting_id IN (SELECT duplicate FROM meeting_folds);
UPDATE meeting_decisions d SET meeting_id = f.keeper FROM meeting_folds f WHERE f.duplicate = d.meeting_id;
UPDATE meeting_actions a SET meeting_id = f.keeper FROM meeting_folds f WHERE f.duplicate = a.meeting_id;
DELETE FROM meetings WHERE id IN (SELECT duplicate FROM meeting_folds);

CREATE UNIQUE INDEX meetings_kind_period ON meetings (
    kind,
    (CASE kind
        WHEN 'weekly_standup' THEN date_trunc('week', CAST(held_on AS timestamp))
        WHEN 'monthly_sync' THEN date_trunc('month', CAST(held_on AS timestamp))
        ELSE date_trunc('quarter', CAST(held_on AS timestamp))
    END)
);
