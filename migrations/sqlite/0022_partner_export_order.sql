-- A partner's registrations and leads in the order their exports page through them
-- (keyset pages: partner_id = ? AND number > ? ORDER BY number; leads by id descending),
-- so each page reads only its rows instead of sorting all of the partner's.
CREATE INDEX deal_registrations_partner_number ON deal_registrations (partner_id, number);
CREATE INDEX leads_partner_id ON leads (partner_id, id);
