DROP TABLE co_accompaniments;
