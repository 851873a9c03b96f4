ALTER TABLE persons DROP COLUMN limited_at;
