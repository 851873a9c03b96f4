DROP TABLE indicator_live_follower;
DROP TABLE indicator_live_groups;
DROP TABLE indicator_live_contributions;
