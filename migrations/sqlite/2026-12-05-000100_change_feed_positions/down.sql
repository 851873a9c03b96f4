ALTER TABLE changes DROP COLUMN remit;
DROP INDEX changes_position;
ALTER TABLE changes DROP COLUMN xid;
