-- A disqualifying IPP red flag blocks tier upgrades until someone overrides it with a reason
-- (kept on the assessment it overrides; a new assessment needs its own override).
ALTER TABLE ipp_assessments ADD COLUMN red_flag_override TEXT NOT NULL DEFAULT '';
ALTER TABLE ipp_assessments ADD COLUMN red_flag_overridden_by TEXT NOT NULL DEFAULT '';
