-- PostgreSQL only (LZ4 compression of large values); kept so that both backends share their
-- migration versions.
SELECT 1;
