-- Resolving an escalation case is refused while a remediation action is open (issue 15), but
-- cases resolved or closed before that rule may still hold open actions: nobody works them,
-- yet "My work" lists them to the case's owner and the packs count them overdue. Each is
-- closed as of the case's last resolution (else its closing, else its last change; never
-- before the action was recorded), and an internal note beside it says that PartnerOS closed
-- it, not a person, so our people can check it was carried out. Packs of days before that
-- instant still count it, as it was open then.
CREATE TABLE left_open_actions AS
SELECT e.id, e.case_id, e.body, MAX(e.at, COALESCE(
    (SELECT MAX(s.at) FROM escalation_entries s
     WHERE s.case_id = c.id AND s.kind = 'state_change' AND s.state = 'resolved'),
    (SELECT MAX(s.at) FROM escalation_entries s
     WHERE s.case_id = c.id AND s.kind = 'state_change' AND s.state = 'closed'),
    c.updated_at)) AS closed_at
FROM escalation_entries e JOIN escalation_cases c ON c.id = e.case_id
WHERE e.kind = 'remediation' AND e.done_at IS NULL AND c.state IN ('resolved', 'closed');

INSERT INTO escalation_entries (id, case_id, kind, body, state, author_id, visible_to_partner, at)
SELECT randomblob(16), case_id, 'internal_note',
    'Closed by PartnerOS on upgrading, not by a person: the remediation action “' || body ||
    '” was still open when the case was resolved (before resolving required every action done). Check that it was carried out.',
    NULL, NULL, 0, closed_at
FROM left_open_actions;

UPDATE escalation_entries SET done_at = (
    SELECT l.closed_at FROM left_open_actions l WHERE l.id = escalation_entries.id)
WHERE id IN (SELECT id FROM left_open_actions);

DROP TABLE left_open_actions;
