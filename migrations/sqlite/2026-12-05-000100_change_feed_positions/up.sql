-- The change feed's position is (transaction, sequence) on both backends (issue 12, item 2).
-- SQLite has one writer at a time, which takes the next number from change_sequence when it
-- starts: numbers are in commit order already, and every event is of transaction 0.
ALTER TABLE changes ADD COLUMN xid BIGINT NOT NULL DEFAULT 0;
CREATE INDEX changes_position ON changes (xid, seq);
-- What the policy knew of the subject before and after the write, on the writes that changed it
-- (an orientation, a consent to share, an erasure): JSON, null on the others.
ALTER TABLE changes ADD COLUMN remit TEXT;
