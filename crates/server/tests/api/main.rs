//! Integration tests: the real server on a random port, a fresh database per test, and the
//! same test body on SQLite and, when `DATABASE_URL` names a PostgreSQL server, on PostgreSQL.

mod helpers;

mod contract;
mod organization_errors;
mod organizations;
