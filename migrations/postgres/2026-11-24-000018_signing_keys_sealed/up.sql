-- Private signing keys are sealed at rest with the key-encryption key (KEK) of the
-- configuration: `private_key` holds the sealed key and `kek_id` the fingerprint of the KEK that
-- sealed it, so that the KEK can rotate. A row from before (its `kek_id` NULL) holds the PEM in
-- clear: the server seals it on its next start.
ALTER TABLE signing_keys RENAME COLUMN private_key_pem TO private_key;
ALTER TABLE signing_keys ADD COLUMN kek_id TEXT;
