-- "My work" (issue 15) lists a person's open meeting action items and the open remediation
-- actions of the escalation cases they own, read where those features keep them. These
-- partial indexes find one person's open ones without reading every action or case.
CREATE INDEX meeting_actions_open_owner ON meeting_actions (owner_id) WHERE done_at IS NULL;
CREATE INDEX escalation_cases_open_owner ON escalation_cases (owner_id) WHERE state <> 'closed';
