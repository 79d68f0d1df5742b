-- IPP assessments used to copy their score into the typed facts of the quarter they were made
-- in, creating an all-zero typed quarter where none was typed. Such a row says nothing typed
-- but zeros, and as a typed quarter it stopped earlier typed stocks from carrying forward.
-- The score now comes from the assessments themselves, so the copies go.
DELETE FROM partner_quarter_facts
WHERE sourced_revenue_minor = 0 AND qbrs = 0 AND co_marketing = 0 AND certified_people = 0
  AND advanced_certified_people = 0 AND customer_references = 0
  AND executive_sponsor = 'none' AND certifications = '{}' AND ipp_score <> 0
  AND EXISTS (
      SELECT 1 FROM ipp_assessments a
      WHERE a.partner_id = partner_quarter_facts.partner_id
        AND substr(a.created_at, 1, 4) || '-Q' || ((CAST(substr(a.created_at, 6, 2) AS INTEGER) + 2) / 3)
            = partner_quarter_facts.quarter
  );
