DROP TABLE persons;
