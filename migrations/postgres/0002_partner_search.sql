-- Substring search over partner names and domains without scanning the table:
-- a trigram GIN index serves `search_text LIKE '%term%'`.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX partners_search_trgm ON partners USING gin (search_text gin_trgm_ops);
