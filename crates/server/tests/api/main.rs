//! Integration tests: the real server on a random port, a fresh database per test, and the
//! same test body on SQLite and, when `DATABASE_URL` names a PostgreSQL server, on PostgreSQL.

mod helpers;

mod access_matrix;
mod access_purpose;
mod admin_clients;
mod allocator_settings;
mod anonymous_buckets;
mod behind_a_proxy;
mod change_feed;
mod cli;
mod co_accompaniment;
mod consents_and_diagnostic;
mod contract;
mod contract_fuzz;
mod contract_rules;
mod contracts;
mod control_characters;
mod counsellor;
mod dataset;
mod delegations;
mod deprecations;
mod developer_portal;
mod dossier;
mod dossier_visibility;
mod duties;
mod erasure;
mod exports;
mod external_issuer;
mod graceful_stop;
mod head_requests;
mod idle_connections;
// Inbound sync.
mod inbound;
mod journal_group_commit;
mod journey;
mod limitation;
mod my_data;
mod offers;
mod offers_ownership;
mod organization_errors;
mod organizations;
mod portal;
mod portal_browser;
mod rate_limits;
mod read_replica;
mod referentials;
mod roles_journey;
mod rolling_restart;
mod route_table;
mod rsa_orientation;
mod search_engine;
mod sensitive_at_rest;
mod shadowed_paths;
mod signing_keys;
mod sites;
mod status_page;
mod strict_parsing;
mod token_revocation;
mod tokens;
mod upkeep;
mod webdriver;
// Webhooks (issue 12, item 3).
mod indicator_list;
mod indicator_vintages;
mod indicators;
mod indicators_live;
// The indicators' dashboard (issue 16, item 6).
mod dashboard;
mod dashboard_browser;
mod webhooks;
// The profile bank (issue 14).
mod profiles;
mod profiles_candidates;
mod profiles_contact;
mod profiles_retention;
mod profiles_search;
// The training catalogue (issue 15).
mod training;
mod training_positionings;
// Its guards: the places an acceptance takes, the limitation, the mandates, the feed's embed.
mod training_positioning_guards;
// The training catalogue's search (issue 15, item 4).
mod training_search;
