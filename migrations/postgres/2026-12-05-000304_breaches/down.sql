DROP TABLE breaches;
