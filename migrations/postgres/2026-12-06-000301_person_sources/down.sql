DROP TABLE person_source_lines;
DROP TABLE person_sources;
