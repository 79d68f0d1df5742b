-- One meeting of a kind per period (issue 15): a second weekly standup for the same week was
-- recorded silently. The period is derived from the kind and the day (Monday of the week, first
-- of the month, first of the quarter: domain::rhythm::period), so the unique index is on that
-- expression, not on a copied column. Services insert conditionally; the index answers the
-- insert that raced past the check.
--
-- Meetings recorded twice before are folded into the first of their period (the lowest id,
-- UUID v7: the oldest): their attendees, decisions and action items move to it.
CREATE TEMP TABLE meeting_folds AS
SELECT m.id AS duplicate,
       (SELECT k.id FROM meetings k
        WHERE k.kind = m.kind
          AND CASE k.kind
                WHEN 'weekly_standup' THEN date(k.held_on, 'weekday 0', '-6 days')
                WHEN 'monthly_sync' THEN date(k.held_on, 'start of month')
                ELSE date(k.held_on, 'start of month',
                          '-' || ((CAST(strftime('%m', k.held_on) AS INTEGER) - 1) % 3) || ' months')
              END
            = CASE m.kind
                WHEN 'weekly_standup' THEN date(m.held_on, 'weekday 0', '-6 days')
                WHEN 'monthly_sync' THEN date(m.held_on, 'start of month')
                ELSE date(m.held_on, 'start of month',
                          '-' || ((CAST(strftime('%m', m.held_on) AS INTEGER) - 1) % 3) || ' months')
              END
        ORDER BY k.id LIMIT 1) AS keeper
FROM meetings m;
DELETE FROM meeting_folds WHERE duplicate = keeper;

INSERT OR IGNORE INTO meeting_attendees (meeting_id, user_id)
SELECT f.keeper, a.user_id FROM meeting_attendees a JOIN meeting_folds f ON f.duplicate = a.meeting_id;
DELETE FROM meeting_attendees WHERE meeting_id IN (SELECT duplicate FROM meeting_folds);
UPDATE meeting_decisions
SET meeting_id = (SELECT f.keeper FROM meeting_folds f WHERE f.duplicate = meeting_decisions.meeting_id)
WHERE meeting_id IN (SELECT duplicate FROM meeting_folds);
UPDATE meeting_actions
SET meeting_id = (SELECT f.keeper FROM meeting_folds f WHERE f.duplicate = meeting_actions.meeting_id)
WHERE meeting_id IN (SELECT duplicate FROM meeting_folds);
DELETE FROM meetings WHERE id IN (SELECT duplicate FROM meeting_folds);
DROP TABLE meeting_folds;

CREATE UNIQUE INDEX meetings_kind_period ON meetings (
    kind,
    CASE kind
        WHEN 'weekly_standup' THEN date(held_on, 'weekday 0', '-6 days')
        WHEN 'monthly_sync' THEN date(held_on, 'start of month')
        ELSE date(held_on, 'start of month',
                  '-' || ((CAST(strftime('%m', held_on) AS INTEGER) - 1) % 3) || ' months')
    END
);
