-- Calendar days become DATE and yes/no flags BOOLEAN (they were 'YYYY-MM-DD' TEXT and 0/1
-- BIGINT, as on SQLite). An empty string never meant a day: where a column may be empty it
-- becomes NULL. A flag's default is dropped before its type changes (0/1 does not cast to
-- BOOLEAN) and set again as FALSE/TRUE. Indexes over the columns (deal_registrations_status,
-- deal_activities_deal, forecast_snapshots_quarter, the certification records' unique key,
-- the exchange rates' primary key) are rebuilt by PostgreSQL with the new types.
ALTER TABLE deal_registrations
    ALTER COLUMN partner_sourced DROP DEFAULT,
    ALTER COLUMN deal_desk_review DROP DEFAULT;
ALTER TABLE deal_registrations
    ALTER COLUMN expected_close TYPE DATE USING expected_close::date,
    ALTER COLUMN registered_on TYPE DATE USING registered_on::date,
    ALTER COLUMN decision_due TYPE DATE USING NULLIF(decision_due, '')::date,
    ALTER COLUMN protected_until TYPE DATE USING NULLIF(protected_until, '')::date,
    ALTER COLUMN next_action_on TYPE DATE USING NULLIF(next_action_on, '')::date,
    ALTER COLUMN closed_on TYPE DATE USING NULLIF(closed_on, '')::date,
    ALTER COLUMN partner_sourced TYPE BOOLEAN USING partner_sourced <> 0,
    ALTER COLUMN deal_desk_review TYPE BOOLEAN USING deal_desk_review <> 0;
ALTER TABLE deal_registrations
    ALTER COLUMN partner_sourced SET DEFAULT TRUE,
    ALTER COLUMN deal_desk_review SET DEFAULT FALSE;

ALTER TABLE deal_activities ALTER COLUMN joint DROP DEFAULT;
ALTER TABLE deal_activities
    ALTER COLUMN occurred_on TYPE DATE USING occurred_on::date,
    ALTER COLUMN joint TYPE BOOLEAN USING joint <> 0,
    ALTER COLUMN by_partner TYPE BOOLEAN USING by_partner <> 0;
ALTER TABLE deal_activities ALTER COLUMN joint SET DEFAULT FALSE;

ALTER TABLE leads
    ALTER COLUMN overdue_flagged DROP DEFAULT,
    ALTER COLUMN counts_against_quota DROP DEFAULT;
ALTER TABLE leads
    ALTER COLUMN overdue_flagged TYPE BOOLEAN USING overdue_flagged <> 0,
    ALTER COLUMN counts_against_quota TYPE BOOLEAN USING counts_against_quota <> 0;
ALTER TABLE leads
    ALTER COLUMN overdue_flagged SET DEFAULT FALSE,
    ALTER COLUMN counts_against_quota SET DEFAULT FALSE;

ALTER TABLE certification_records ALTER COLUMN retired DROP DEFAULT;
ALTER TABLE certification_records
    ALTER COLUMN earned_on TYPE DATE USING earned_on::date,
    ALTER COLUMN expires_on TYPE DATE USING NULLIF(expires_on, '')::date,
    ALTER COLUMN retired TYPE BOOLEAN USING retired <> 0;
ALTER TABLE certification_records ALTER COLUMN retired SET DEFAULT FALSE;

ALTER TABLE certification_enrollments
    ALTER COLUMN started_on TYPE DATE USING started_on::date;

ALTER TABLE onboarding_items
    ALTER COLUMN due_on TYPE DATE USING due_on::date;

ALTER TABLE forecast_snapshots
    ALTER COLUMN taken_on TYPE DATE USING taken_on::date;

ALTER TABLE exchange_rates
    ALTER COLUMN effective_on TYPE DATE USING effective_on::date;
