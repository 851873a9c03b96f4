-- PostgreSQL only (LZ4 compression of a vintage's cells); kept so that both backends share their
-- migration versions.
SELECT 1;
