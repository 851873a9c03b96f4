DROP TABLE person_sources;
