-- Versions of the partner program definition (program.toml). The active program is the
-- highest version whose effective date has come; before any, the shipped default applies.
CREATE TABLE program_versions (
    id UUID PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    author_id UUID,
    author_label TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    effective_from TIMESTAMPTZ NOT NULL
);
CREATE INDEX program_versions_effective ON program_versions (effective_from, version);
