DROP TABLE changes;
DROP TABLE change_sequence;
DROP TABLE history;
