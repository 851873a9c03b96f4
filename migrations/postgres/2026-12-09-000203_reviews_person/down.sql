DROP INDEX reviews_person;
