ALTER TABLE profiles DROP COLUMN purge_warned_at;
