-- RGPD article 18: while an organization examines a request to restrict the processing of a
-- dossier, it is kept but neither read nor written by organizations. Null: not limited.
ALTER TABLE persons ADD COLUMN limited_at TIMESTAMP;
