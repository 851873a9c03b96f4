-- The change feed numbers its events without a lock every writer shares (issue 12, item 2).
-- A plain sequence gives each event its number, taken without waiting; each event records the
-- id of the transaction that wrote it, so that a reader serves only the events of transactions
-- that have ended: those below the oldest transaction still running (its snapshot's xmin). A
-- transaction still open holds the feed back at its own position, never makes a reader skip it.
CREATE SEQUENCE changes_seq;
SELECT setval('changes_seq', GREATEST(last_seq, 1), last_seq > 0) FROM change_sequence WHERE id = 1;
-- The events written before this migration committed long ago: transaction 0 orders them first.
ALTER TABLE changes ADD COLUMN xid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE changes ALTER COLUMN xid SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX changes_position ON changes (xid, seq);
-- What the policy knew of the subject before and after the write, on the writes that changed it
-- (an orientation, a consent to share, an erasure): JSON, null on the others.
ALTER TABLE changes ADD COLUMN remit TEXT;
DROP TABLE change_sequence;
