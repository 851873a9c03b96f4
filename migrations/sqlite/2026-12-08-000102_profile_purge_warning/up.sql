-- When the person was warned that their profile, untouched for 23 months, will be purged at 24
-- (the profile bank's retention); any write of the profile clears it.
ALTER TABLE profiles ADD COLUMN purge_warned_at TIMESTAMP;
