-- The offer search moved to the search engine (crates/search), which follows the change feed:
-- what only the search needed leaves the database, so imports write less (docs/offers.md).
-- Kept: the key, the de-duplication indexes (by SIRET, by name, the unique live fingerprint)
-- and the expiry sweep's index. `search_rowid`, the table's integer key, stays: SQLite cannot
-- drop it, and it costs nothing.
DROP TABLE IF EXISTS offers_fts;
DROP INDEX IF EXISTS offers_open_published;
DROP INDEX IF EXISTS offers_open_rome;
DROP INDEX IF EXISTS offers_open_departement;
DROP INDEX IF EXISTS offers_open_position;
ALTER TABLE offers DROP COLUMN search_title;
ALTER TABLE offers DROP COLUMN search_skills;
ALTER TABLE offers DROP COLUMN search_body;
