DROP INDEX consents_active;
