-- The instant before which a client's access tokens are refused: set when the client is
-- disabled or its secret rotated, so that tokens issued before stop working on every replica.
ALTER TABLE oauth_clients ADD COLUMN tokens_valid_after TIMESTAMP;
-- Clients disabled before this column existed: their tokens stop now (timestamps are UTC).
UPDATE oauth_clients SET tokens_valid_after = CURRENT_TIMESTAMP AT TIME ZONE 'UTC' WHERE enabled = FALSE;
