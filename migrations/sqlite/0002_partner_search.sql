-- Substring search over partner names and domains without scanning the table:
-- an FTS5 trigram index over partners.search_text, kept in step by triggers.
CREATE VIRTUAL TABLE partners_fts USING fts5(
    search_text,
    content = 'partners',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO partners_fts (partners_fts) VALUES ('rebuild');

CREATE TRIGGER partners_fts_insert AFTER INSERT ON partners BEGIN
    INSERT INTO partners_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER partners_fts_delete AFTER DELETE ON partners BEGIN
    INSERT INTO partners_fts (partners_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER partners_fts_update AFTER UPDATE OF search_text ON partners BEGIN
    INSERT INTO partners_fts (partners_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO partners_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
