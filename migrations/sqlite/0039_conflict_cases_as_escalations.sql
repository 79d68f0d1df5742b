-- Deal-registration conflict cases become escalation cases of the category channel_conflict
-- (issue 15): one code path for working, escalating and closing them. deal_id names the
-- registration whose conflict check was not clear (one case per registration);
-- conflict_outcome is how the conflict ended, recorded when the case is resolved.
ALTER TABLE escalation_cases ADD COLUMN deal_id BLOB REFERENCES deal_registrations (id);
ALTER TABLE escalation_cases ADD COLUMN conflict_outcome TEXT;
CREATE UNIQUE INDEX escalation_cases_deal ON escalation_cases (deal_id)
    WHERE deal_id IS NOT NULL;

-- Existing conflict cases move over, numbered after the escalation cases so far. The
-- submitter is the registering person when the registration names one of our users, else
-- the partner's manager, else the first administrator (a case always has a submitter). The
-- issue is the partner-safe text a new case gets (domain::deals::conflicts::case_issue):
-- partners never learn which verdict, other partner or registration was involved.
CREATE TEMPORARY TABLE moved_conflict_cases AS
SELECT c.id, c.deal_id, c.status, c.outcome, c.note, c.investigating_at, c.resolved_at,
       c.created_at, d.partner_id,
       (SELECT value FROM counters WHERE name = 'escalation_case')
           + ROW_NUMBER() OVER (ORDER BY c.created_at, c.id) AS number,
       COALESCE((SELECT u.id FROM users u WHERE u.email = d.created_by), p.owner_id,
                (SELECT a.id FROM users a WHERE a.role = 'admin' ORDER BY a.created_at LIMIT 1))
           AS submitted_by,
       p.owner_id,
       'Registration ' || d.reference || ' for ' || d.customer_name
           || ' needs a conflict review: we are checking whether another registration or one of our own customers overlaps with it.'
           AS issue
FROM conflict_cases c
JOIN deal_registrations d ON d.id = c.deal_id
JOIN partners p ON p.id = d.partner_id;

INSERT INTO escalation_cases (id, number, partner_id, submitted_by, owner_id, issue, category,
    urgency, occurred_on, state, version, created_at, updated_at, deal_id, conflict_outcome)
SELECT id, number, partner_id, submitted_by, owner_id, issue, 'channel_conflict', 'p3',
       substr(created_at, 1, 10),
       CASE status WHEN 'open' THEN 'open' WHEN 'investigating' THEN 'in_progress'
            ELSE 'resolved' END,
       CASE status WHEN 'open' THEN 1 WHEN 'investigating' THEN 3 ELSE 4 END,
       created_at, COALESCE(resolved_at, investigating_at, created_at), deal_id,
       NULLIF(outcome, '')
FROM moved_conflict_cases;

UPDATE counters SET value = value + (SELECT COUNT(*) FROM moved_conflict_cases)
WHERE name = 'escalation_case';

-- Their history as state changes (acknowledged and in progress when investigation started,
-- resolved when resolved); the note, written for our people, stays an internal note. Each
-- entry's id is its case's with the last hex digit a, b, c or d, so entries written at one
-- instant list in the order they happened (the log reads by at, then id).
INSERT INTO escalation_entries (id, case_id, kind, body, state, author_id, visible_to_partner, at)
SELECT CAST(substr(id, 1, 15) || X'0A' AS BLOB), id, 'state_change', '', 'acknowledged', NULL, 1,
       COALESCE(investigating_at, resolved_at)
FROM moved_conflict_cases WHERE status <> 'open'
UNION ALL
SELECT CAST(substr(id, 1, 15) || X'0B' AS BLOB), id, 'state_change', '', 'in_progress', NULL, 1,
       COALESCE(investigating_at, resolved_at)
FROM moved_conflict_cases WHERE status <> 'open'
UNION ALL
SELECT CAST(substr(id, 1, 15) || X'0C' AS BLOB), id, 'state_change', '', 'resolved', NULL, 1, resolved_at
FROM moved_conflict_cases WHERE status = 'resolved'
UNION ALL
SELECT CAST(substr(id, 1, 15) || X'0D' AS BLOB), id, 'internal_note', note, NULL, NULL, 0,
       COALESCE(resolved_at, investigating_at, created_at)
FROM moved_conflict_cases WHERE note <> '';

DROP TABLE moved_conflict_cases;
DROP TABLE conflict_cases;
