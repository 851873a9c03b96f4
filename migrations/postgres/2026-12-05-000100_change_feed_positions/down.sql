CREATE TABLE change_sequence (
    id INTEGER PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO change_sequence (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM changes;
ALTER TABLE changes DROP COLUMN remit;
DROP INDEX changes_position;
ALTER TABLE changes DROP COLUMN xid;
DROP SEQUENCE changes_seq;
