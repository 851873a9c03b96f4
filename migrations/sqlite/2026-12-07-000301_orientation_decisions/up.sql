-- The orientation decisions as statistical records, for the employment committees (CNE, CRPE,
-- CDPE): one row per decision, written in the transaction of the orientation, with the criteria
-- of the arrêté of 21 November 2024. No person id: the committees read these rows only as
-- counts per territory and period, and the dossier keeps the decision itself.
CREATE TABLE orientation_decisions (
    id TEXT PRIMARY KEY,
    decided_on TEXT NOT NULL,
    decided_month TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    days_to_decision INTEGER NOT NULL,
    days_from_registration INTEGER NOT NULL,
    first_orientation BOOLEAN NOT NULL,
    path_type TEXT NOT NULL,
    intensive BOOLEAN NOT NULL,
    deciding_kind TEXT NOT NULL,
    referent_kind TEXT NOT NULL,
    basis TEXT NOT NULL,
    delegated BOOLEAN NOT NULL,
    rsa_beneficiary BOOLEAN NOT NULL,
    commune TEXT,
    departement TEXT,
    region TEXT,
    employment_situation TEXT,
    qualification TEXT,
    aspiration TEXT,
    difficulty_health BOOLEAN NOT NULL,
    difficulty_housing BOOLEAN NOT NULL,
    difficulty_mobility BOOLEAN NOT NULL,
    difficulty_childcare BOOLEAN NOT NULL,
    difficulty_carer BOOLEAN NOT NULL,
    difficulty_other BOOLEAN NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX orientation_decisions_month ON orientation_decisions (decided_month, departement);
