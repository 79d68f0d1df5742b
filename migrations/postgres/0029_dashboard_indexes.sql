-- Leads by the month they came in: the dashboard's month-over-month figure and the marketing
-- home read a month of leads, not every lead.
CREATE INDEX leads_created ON leads (created_at);

-- Partners per health band of a run (the dashboard, the homes): counted from the index alone,
-- without reading each partner's explained components.
CREATE INDEX partner_health_band ON partner_health (computed_on, band);
