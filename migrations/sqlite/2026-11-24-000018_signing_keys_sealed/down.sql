-- The code before this migration cannot open a sealed key: sealed rows are dropped (the server
-- creates a new key on its next start; tokens they signed are refused).
DELETE FROM signing_keys WHERE kek_id IS NOT NULL;
ALTER TABLE signing_keys DROP COLUMN kek_id;
ALTER TABLE signing_keys RENAME COLUMN private_key TO private_key_pem;
