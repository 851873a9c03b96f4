DROP TABLE person_access_codes;
