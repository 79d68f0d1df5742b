-- Who each step of the escalation ladder reached (issue 15): the people the sweep told of the
-- step, one row each, written in the step's own transaction beside its log entry (the
-- 'escalated' entry, whose words name the titles only). "My work"'s escalated scope reads the
-- cases from here, not from the notifications' wording, which a person may read or delete.
-- A step that reached only the case's owner ("already with the owner") has no row.
CREATE TABLE escalation_step_reached (
    entry_id BLOB NOT NULL REFERENCES escalation_entries (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (entry_id, user_id)
);
CREATE INDEX escalation_step_reached_user ON escalation_step_reached (user_id, entry_id);

-- Before this table the only trace of whom a step reached was the notice the sweep sent in
-- the step's transaction: kind 'escalation', "ESC-… escalated to you (step n of 3)", linked
-- to the case and written at the step's instant. The steps taken so far are read back from
-- the notices still kept (one read at migration time; nothing reads the wording afterwards).
INSERT INTO escalation_step_reached (entry_id, user_id)
SELECT DISTINCT e.id, n.user_id
FROM escalation_entries e
JOIN notifications n ON n.created_at = e.at
    AND n.kind = 'escalation'
    AND n.message LIKE '% escalated to you %'
    AND n.link = '/escalations/' || lower(
        substr(hex(e.case_id), 1, 8) || '-' || substr(hex(e.case_id), 9, 4) || '-' ||
        substr(hex(e.case_id), 13, 4) || '-' || substr(hex(e.case_id), 17, 4) || '-' ||
        substr(hex(e.case_id), 21, 12))
WHERE e.kind = 'escalated';
