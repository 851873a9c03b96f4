DROP INDEX changes_subject;
ALTER TABLE changes DROP COLUMN subject_id;
