-- The escalation sweep (issue 15). A case's first response, resolution and closing instants
-- are read from its state-change entries (the one source of its SLA clocks), so the copies
-- on the case row go.
ALTER TABLE escalation_cases DROP COLUMN first_response_at;
ALTER TABLE escalation_cases DROP COLUMN resolved_at;
ALTER TABLE escalation_cases DROP COLUMN closed_at;

-- sweep_mark: what the sweep recorded with an entry, once per case: 'step:1'…'step:3' (the
-- escalation ladder's steps) and 'due_soon:response' / 'due_soon:resolution' (the owner's
-- warnings). The unique index makes the write conditional: of two racing sweeps one inserts
-- and notifies, the other inserts nothing.
ALTER TABLE escalation_entries ADD COLUMN sweep_mark TEXT;
CREATE UNIQUE INDEX escalation_entries_sweep_mark ON escalation_entries (case_id, sweep_mark)
    WHERE sweep_mark IS NOT NULL;

-- Who holds each title of [escalation_paths] besides partner_manager (the partner's own
-- manager): one of our people, named by an administrator. A title without a row is unfilled
-- and reaches the administrators. version grows with every edit: an edit is written
-- "WHERE version = <read>", so of two racing edits one wins.
CREATE TABLE escalation_title_holders (
    title TEXT PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The sweep reads the cases not closed, by id in batches: without this the (state, id) index
-- gathers and sorts every open case for each batch.
CREATE INDEX escalation_cases_open ON escalation_cases (id) WHERE state <> 'closed';
