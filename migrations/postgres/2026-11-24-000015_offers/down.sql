DROP TABLE offer_sources;
DROP TABLE offers;
