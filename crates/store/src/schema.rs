//! The diesel schema, written once for both backends: only types both share (Text, BigInt,
//! Integer, Timestamp) appear here. UUIDs and JSON are stored as text.

diesel::table! {
    history (resource_type, resource_id, version) {
        resource_type -> Text,
        resource_id -> Text,
        version -> BigInt,
        action -> Text,
        actor -> Text,
        actor_organization -> Nullable<Text>,
        request_id -> Nullable<Text>,
        changed_at -> Timestamp,
        changes -> Text,
    }
}

diesel::table! {
    change_sequence (id) {
        id -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        resource_type -> Text,
        resource_id -> Text,
        version -> BigInt,
        action -> Text,
        actor -> Text,
        actor_organization -> Nullable<Text>,
        occurred_at -> Timestamp,
        subject_id -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (caller, idempotency_key) {
        caller -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Integer,
        headers -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        siret -> Text,
        territory -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Text,
        updated_by -> Text,
    }
}

diesel::table! {
    oauth_clients (client_id) {
        client_id -> Text,
        organization_id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        enabled -> Bool,
        demo -> Bool,
        rate_limit_per_minute -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        private_key_pem -> Text,
        public_jwk -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    access_journal (id) {
        id -> Text,
        occurred_at -> Timestamp,
        client_id -> Text,
        organization_id -> Nullable<Text>,
        person_id -> Text,
        section -> Text,
        action -> Text,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    persons (id) {
        id -> Text,
        nir_hash -> Nullable<Text>,
        match_key -> Text,
        identity_key -> Text,
        registered_by -> Text,
        registered_on -> Text,
        oriented_to -> Nullable<Text>,
        rsa_beneficiary -> Bool,
        residence_departement -> Nullable<Text>,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        person_id -> Text,
        kind -> Text,
        partner_organization_id -> Nullable<Text>,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        recorded_by -> Text,
        version -> BigInt,
    }
}

diesel::joinable!(oauth_clients -> organizations (organization_id));
diesel::joinable!(consents -> persons (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    history,
    change_sequence,
    changes,
    idempotency_keys,
    organizations,
    oauth_clients,
    signing_keys,
    access_journal,
    persons,
    consents,
);
