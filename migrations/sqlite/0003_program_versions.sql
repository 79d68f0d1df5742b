-- Versions of the partner program definition (program.toml). The active program is the
-- highest version whose effective date has come; before any, the shipped default applies.
CREATE TABLE program_versions (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL UNIQUE,
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    author_id BLOB,
    author_label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    effective_from TEXT NOT NULL
);
CREATE INDEX program_versions_effective ON program_versions (effective_from, version);
