-- Leads by the month they came in: the dashboard's month-over-month figure and the marketing
-- home read a month of leads, not every lead.
CREATE INDEX leads_created ON leads (created_at);
