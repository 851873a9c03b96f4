//! The one write of a profile's fields, for the person and for their counsellor: it needs the
//! person's `profile_bank` consent standing, keeps who set each field last, and answers 201 for
//! the first profile, 200 for a replacement (or an unchanged one).

use plateforme_api::{ApiError, ErrorCode, IfMatch};
use plateforme_auth::Caller;
use plateforme_model::FieldError;
use plateforme_model::ids::now;
use plateforme_model::person::Provenance;
use plateforme_model::profile::{ProfileInput, ProfileRecord, changed_fields};
use plateforme_store::dossier::persons::StoredPerson;
use plateforme_store::profiles::{self, StoredProfile};
use plateforme_store::write::WriteContext;
use plateforme_store::{DbConnection, StoreError};
use uuid::Uuid;

use crate::access::{PERSON_CLIENT, person_context};

/// Who writes: the person themselves, or an organization following them.
pub enum Writer<'a> {
    Person,
    Organization(&'a Caller),
}

impl Writer<'_> {
    fn context(&self) -> WriteContext {
        match self {
            Writer::Person => person_context(),
            Writer::Organization(caller) => caller.write_context(),
        }
    }

    fn provenance(&self) -> Provenance {
        let (organization_id, client_id) = match self {
            Writer::Person => (None, PERSON_CLIENT.to_owned()),
            Writer::Organization(caller) => (Some(caller.principal().organization_id), caller.client_id().to_owned()),
        };
        Provenance { organization_id, client_id, at: now(), system: None }
    }
}

/// What the write is based on. The extractor cannot tell a missing `If-Match` from one that
/// does not match, and the first profile is written without one.
pub struct Precondition {
    pub sent: bool,
    pub if_match: IfMatch,
}

/// Checks what the model alone cannot: the ROME codes and the commune exist in the referentials.
pub fn check_references(input: &ProfileInput) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (index, job) in input.target_jobs.iter().enumerate() {
        if plateforme_reference_data::rome(job.rome.as_str()).is_none() {
            errors.push(FieldError::new(
                format!("target_jobs[{index}].rome"),
                "rome.unknown",
                format!("{} is not a code of the ROME referential", job.rome.as_str()),
            ));
        }
    }
    if plateforme_reference_data::commune(input.commune.as_str()).is_none() {
        errors.push(FieldError::new(
            "commune",
            "commune.unknown",
            format!("{} is not a current commune of the code officiel géographique", input.commune.as_str()),
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
}

/// Creates or replaces the profile in the caller's transaction. A broken precondition or rule is
/// the inner error: nothing was written then. Answers the profile and whether it was created.
pub fn save(
    conn: &mut DbConnection,
    writer: &Writer,
    person: &StoredPerson,
    precondition: &Precondition,
    input: ProfileInput,
) -> Result<Result<(StoredProfile, bool), ApiError>, StoreError> {
    if !profiles::has_bank_consent(conn, person.id)? {
        return Ok(Err(no_consent(person.id)));
    }
    let current = profiles::find(conn, person.id)?;
    if let Err(error) = check_disability_flag(writer, person, current.as_ref(), &input) {
        return Ok(Err(error));
    }
    let expected = match &current {
        // RFC 9110: If-Match is false when there is no current representation.
        None if precondition.sent => {
            return Ok(Err(ApiError::new(
                ErrorCode::PreconditionFailed,
                format!(
                    "person {} has no profile yet, so If-Match cannot match; write the first one without it",
                    person.id
                ),
            )));
        }
        None => None,
        Some(current) => match precondition.if_match.check(current.version) {
            Ok(version) => Some(version),
            Err(error) => return Ok(Err(error)),
        },
    };
    let mut provenance = current.as_ref().map(|current| current.record.provenance.clone()).unwrap_or_default();
    let stamp = writer.provenance();
    for field in changed_fields(current.as_ref().map(|current| &current.record.fields), &input) {
        provenance.insert(field, stamp.clone());
    }
    let record = ProfileRecord { fields: input, provenance };
    let context = writer.context();
    Ok(Ok(match current.zip(expected) {
        None => (profiles::create(conn, &context, person.id, record)?, true),
        // A write that changes nothing makes no version.
        Some((current, _)) if current.record.fields == record.fields => (current, false),
        Some((current, expected)) => {
            let paused = current.paused;
            (profiles::replace(conn, &context, &current, expected, record, paused)?, false)
        }
    }))
}

/// The disability recognition is shown only when the person chooses it (a counsellor cannot
/// change the choice) and only when the dossier records it.
fn check_disability_flag(
    writer: &Writer,
    person: &StoredPerson,
    current: Option<&StoredProfile>,
    input: &ProfileInput,
) -> Result<(), ApiError> {
    let chosen = current.is_some_and(|current| current.record.fields.show_disability_recognition);
    if matches!(writer, Writer::Organization(_)) && input.show_disability_recognition != chosen {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "only the person chooses whether recruiters see their disability recognition: send \
                 show_disability_recognition as it is ({chosen})"
            ),
        ));
    }
    if input.show_disability_recognition && !person.record.statuses.rqth {
        return Err(ApiError::validation(vec![FieldError::new(
            "show_disability_recognition",
            "show_disability_recognition.not_recognized",
            "the dossier records no disability recognition (RQTH) to show",
        )]));
    }
    Ok(())
}

/// The profile exists only while the person's `profile_bank` consent stands.
pub fn no_consent(person_id: Uuid) -> ApiError {
    let detail = format!(
        "person {person_id} has no active profile_bank consent: a profile exists only while it stands \
         (record it with POST /v1/persons/{person_id}/consents {{\"kind\": \"profile_bank\"}})"
    );
    ApiError::new(ErrorCode::InvalidTransition, detail.clone()).with_errors(vec![FieldError::new(
        "body",
        "profile_bank_consent.missing",
        detail,
    )])
}
