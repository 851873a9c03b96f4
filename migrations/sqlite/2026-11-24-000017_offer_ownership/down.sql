DROP INDEX offers_live_fingerprint;
ALTER TABLE offers DROP COLUMN fingerprint;
ALTER TABLE offers DROP COLUMN owner_organization_id;
