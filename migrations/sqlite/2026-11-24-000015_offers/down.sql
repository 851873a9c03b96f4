DROP TABLE offer_sources;
DROP TABLE offers_fts;
DROP TABLE offers;
