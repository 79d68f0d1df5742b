-- IPP assessments used to copy their score into the typed facts of the quarter they were made
-- in, creating an all-zero typed quarter where none was typed. Such a row says nothing typed
-- but zeros, and as a typed quarter it stopped earlier typed stocks from carrying forward.
-- The score now comes from the assessments themselves, so the copies go.
DELETE FROM partner_quarter_facts f
WHERE f.sourced_revenue_minor = 0 AND f.qbrs = 0 AND f.co_marketing = 0 AND f.certified_people = 0
  AND f.advanced_certified_people = 0 AND f.customer_references = 0
  AND f.executive_sponsor = 'none' AND f.certifications = '{}' AND f.ipp_score <> 0
  AND EXISTS (
      SELECT 1 FROM ipp_assessments a
      WHERE a.partner_id = f.partner_id
        AND to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY"-Q"Q') = f.quarter
  );
