-- PostgreSQL only (room left on the persons' pages for HOT updates); kept so that both backends
-- share their migration versions.
SELECT 1;
