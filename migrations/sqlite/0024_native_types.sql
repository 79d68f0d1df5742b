-- PostgreSQL's 0024 turns calendar days into DATE and flags into BOOLEAN. SQLite has no DATE
-- type: days stay 'YYYY-MM-DD' TEXT (which sorts in time order) and flags INTEGER 0/1, both
-- as sqlx reads and writes time::Date and bool. Only an empty string, which never meant a
-- day, becomes NULL here as it does there, so the optional days read back alike.
UPDATE deal_registrations SET decision_due = NULL WHERE decision_due = '';
UPDATE deal_registrations SET protected_until = NULL WHERE protected_until = '';
UPDATE deal_registrations SET next_action_on = NULL WHERE next_action_on = '';
UPDATE deal_registrations SET closed_on = NULL WHERE closed_on = '';
UPDATE certification_records SET expires_on = NULL WHERE expires_on = '';
