-- Reception sites of the organizations: the record is JSON (name, address, opening hours,
-- accessibility); the position beside it is what the "nearest organization" search's bounding
-- box reads.
CREATE TABLE organization_sites (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    latitude DOUBLE NOT NULL,
    longitude DOUBLE NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_sites_organization ON organization_sites (organization_id, id);
CREATE INDEX organization_sites_position ON organization_sites (latitude, longitude);
