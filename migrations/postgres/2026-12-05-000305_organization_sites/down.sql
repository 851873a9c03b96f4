DROP TABLE organization_sites;
