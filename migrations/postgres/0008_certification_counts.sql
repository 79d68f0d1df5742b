-- People holding each certification of the program's catalog at quarter end, as JSON
-- ({"technical_advanced": 2}); tier criteria may ask for them by key.
ALTER TABLE partner_quarter_facts ADD COLUMN certifications TEXT NOT NULL DEFAULT '{}';
