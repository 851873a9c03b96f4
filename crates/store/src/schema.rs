//! The diesel schema, written once for both backends and private to the store: every table is
//! declared here and nowhere else, and nothing outside the store names a table or a column
//! (other crates go through the store's functions). Only types both backends share (Text,
//! BigInt, Integer, Double, Bool, Timestamp) appear here; UUIDs and JSON are stored as text.

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
        counsellor -> Nullable<Text>,
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
        xid -> BigInt,
        remit -> Nullable<Text>,
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
    rate_limit_windows (bucket, window_start) {
        bucket -> Text,
        window_start -> BigInt,
        reserved -> BigInt,
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
        tokens_valid_after -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        private_key -> Text,
        public_jwk -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        kek_id -> Nullable<Text>,
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
        purpose -> Nullable<Text>,
        stated_purpose -> Nullable<Text>,
        counsellor -> Nullable<Text>,
        acting_for -> Nullable<Text>,
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
        limited_at -> Nullable<Timestamp>,
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

diesel::table! {
    person_access_codes (code_hash) {
        code_hash -> Text,
        person_id -> Text,
        issued_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contracts (id) {
        id -> Text,
        person_id -> Text,
        organization_id -> Text,
        status -> Text,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        signed_on -> Nullable<Text>,
    }
}

diesel::table! {
    diagnostics (person_id) {
        person_id -> Text,
        professional -> Text,
        social -> Nullable<Text>,
        provenance -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reviews (id) {
        id -> Text,
        person_id -> Text,
        contract_id -> Text,
        held_on -> Text,
        organization_id -> Text,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    offers (id) {
        id -> Text,
        status -> Text,
        title -> Text,
        rome_code -> Text,
        contract_type -> Text,
        commune -> Text,
        departement -> Text,
        region -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        monthly_salary -> Nullable<Double>,
        disability_committed -> Bool,
        without_cv -> Bool,
        open_to_iae -> Bool,
        quality_score -> Integer,
        published_at -> Timestamp,
        expires_at -> Timestamp,
        dedup_siret -> Nullable<Text>,
        dedup_name -> Nullable<Text>,
        fingerprint -> Nullable<Text>,
        owner_organization_id -> Text,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offer_sources (organization_id, system, reference) {
        organization_id -> Text,
        system -> Text,
        reference -> Text,
        offer_id -> Text,
        content_hash -> Text,
        first_published_at -> Timestamp,
        last_changed_at -> Timestamp,
    }
}

diesel::table! {
    delegations (id) {
        id -> Text,
        kind -> Text,
        from_organization_id -> Text,
        to_organization_id -> Text,
        since -> Text,
        until -> Nullable<Text>,
        scope -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    co_accompaniments (id) {
        id -> Text,
        person_id -> Text,
        organization_id -> Text,
        since -> Text,
        until -> Nullable<Text>,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    breaches (id) {
        id -> Text,
        person_id -> Text,
        contract_id -> Text,
        status -> Text,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_sites (id) {
        id -> Text,
        organization_id -> Text,
        latitude -> Double,
        longitude -> Double,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

// Inbound sync (POST /v1/persons/batch): a partner system's reference of a person.
diesel::table! {
    person_sources (organization_id, system, reference) {
        organization_id -> Text,
        system -> Text,
        reference -> Text,
        person_id -> Text,
        first_seen_at -> Timestamp,
    }
}

diesel::table! {
    person_source_lines (organization_id, system, reference, content_hash) {
        organization_id -> Text,
        system -> Text,
        reference -> Text,
        content_hash -> Text,
        person_id -> Text,
        version -> BigInt,
        applied_at -> Timestamp,
    }
}

diesel::joinable!(organization_sites -> organizations (organization_id));
diesel::joinable!(oauth_clients -> organizations (organization_id));
diesel::joinable!(consents -> persons (person_id));
diesel::joinable!(offer_sources -> offers (offer_id));

diesel::allow_tables_to_appear_in_same_query!(
    history,
    change_sequence,
    changes,
    exports,
    export_chunks,
    idempotency_keys,
    rate_limit_windows,
    organizations,
    delegations,
    organization_sites,
    co_accompaniments,
    breaches,
    oauth_clients,
    signing_keys,
    access_journal,
    persons,
    consents,
    person_access_codes,
    contracts,
    reviews,
    diagnostics,
    offers,
    offer_sources,
    // Inbound sync.
    person_sources,
    person_source_lines,
);

// Webhooks (issue 12, item 3).
diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        client_id -> Text,
        url -> Text,
        event_types -> Text,
        filter -> Nullable<Text>,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_id -> Text,
        event_xid -> BigInt,
        event_seq -> BigInt,
        event_time -> Timestamp,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        replay -> Bool,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status -> Nullable<Integer>,
        duration_ms -> BigInt,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_fanout (id) {
        id -> Integer,
        xid -> BigInt,
        seq -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(webhook_subscriptions, webhook_deliveries, webhook_attempts);

// Bulk exports (crates/store/src/exports.rs).
diesel::table! {
    exports (id) {
        id -> Text,
        client_id -> Text,
        types -> Text,
        since -> Nullable<Timestamp>,
        status -> Text,
        feed_cursor -> Nullable<Text>,
        transaction_time -> Nullable<Timestamp>,
        counts -> Nullable<Text>,
        error -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    export_chunks (export_id, file, chunk) {
        export_id -> Text,
        file -> Text,
        chunk -> BigInt,
        lines -> Text,
    }
}

// The profile bank (crates/store/src/profiles).
diesel::table! {
    profiles (person_id) {
        person_id -> Text,
        fields -> Text,
        provenance -> Text,
        paused -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        purge_warned_at -> Nullable<Timestamp>,
    }
}

// The profile bank's contact requests (crates/store/src/profiles/contact_requests.rs).
diesel::table! {
    contact_requests (id) {
        id -> Text,
        person_id -> Text,
        organization_id -> Text,
        client_id -> Text,
        offer_id -> Nullable<Text>,
        message -> Nullable<Text>,
        status -> Text,
        share_email -> Bool,
        share_phone -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

// The training catalogue (crates/store/src/training).
diesel::table! {
    trainings (id) {
        id -> Text,
        organization_id -> Text,
        numero -> Text,
        status -> Text,
        title -> Text,
        region -> Text,
        content_hash -> Text,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

// A person's positionings on training sessions (crates/store/src/training/positionings.rs).
diesel::table! {
    training_positionings (id) {
        id -> Text,
        person_id -> Text,
        training_id -> Text,
        session_id -> Text,
        provider_id -> Text,
        funding_region -> Nullable<Text>,
        status -> Text,
        record -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(trainings, training_positionings);
// The providers' list leaves out the persons whose processing is limited.
diesel::allow_tables_to_appear_in_same_query!(persons, training_positionings);

// Orientation decisions for the employment committees (crates/store/src/indicators/).
diesel::table! {
    orientation_decisions (id) {
        id -> Text,
        decided_on -> Text,
        decided_month -> Text,
        requested_on -> Text,
        days_to_decision -> Integer,
        days_from_registration -> Integer,
        first_orientation -> Bool,
        path_type -> Text,
        intensive -> Bool,
        deciding_kind -> Text,
        referent_kind -> Text,
        basis -> Text,
        delegated -> Bool,
        rsa_beneficiary -> Bool,
        commune -> Nullable<Text>,
        departement -> Nullable<Text>,
        region -> Nullable<Text>,
        employment_situation -> Nullable<Text>,
        qualification -> Nullable<Text>,
        aspiration -> Nullable<Text>,
        difficulty_health -> Bool,
        difficulty_housing -> Bool,
        difficulty_mobility -> Bool,
        difficulty_childcare -> Bool,
        difficulty_carer -> Bool,
        difficulty_other -> Bool,
        recorded_at -> Timestamp,
        counted_live -> Bool,
    }
}

// The indicators' vintages (crates/store/src/indicators/vintages.rs).
diesel::table! {
    indicator_vintages (id) {
        id -> Text,
        as_of -> Text,
        revision -> Integer,
        content_hash -> Text,
        cell_count -> BigInt,
        computed_at -> Timestamp,
    }
}

diesel::table! {
    indicator_vintage_cells (vintage_id, indicator) {
        vintage_id -> Text,
        indicator -> Text,
        cell_count -> BigInt,
        cells -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(indicator_vintages, indicator_vintage_cells);

// The indicators' live figures (crates/store/src/indicators/live.rs).
diesel::table! {
    indicator_live_contributions (subject, measure, commune, departement, month, category) {
        subject -> Text,
        measure -> Text,
        commune -> Text,
        departement -> Text,
        month -> Text,
        category -> Text,
        units -> BigInt,
        quantity -> Double,
    }
}

diesel::table! {
    indicator_live_groups (measure, commune, departement, month, category) {
        measure -> Text,
        commune -> Text,
        departement -> Text,
        month -> Text,
        category -> Text,
        units -> BigInt,
        quantity -> Double,
    }
}

diesel::table! {
    indicator_live_follower (id) {
        id -> Integer,
        xid -> BigInt,
        seq -> BigInt,
        as_of -> Nullable<Text>,
        fingerprint -> Text,
        built_at -> Nullable<Timestamp>,
    }
}
