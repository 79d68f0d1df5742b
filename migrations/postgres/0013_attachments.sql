-- Files partners and partner managers attach as evidence (signed agreements, certificates,
-- proof of performance). Kept in the database so every server behind a load balancer
-- serves them; size is capped by the application.
CREATE TABLE attachments (
    id UUID PRIMARY KEY NOT NULL,
    partner_id UUID NOT NULL REFERENCES partners (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_partner ON attachments (partner_id);
