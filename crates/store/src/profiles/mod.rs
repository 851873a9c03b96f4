//! Queries of `profiles`: one profile per person in the profile bank (banque de profils), keyed
//! by the person's id. A profile exists only while the person's `profile_bank` consent stands:
//! it is created only under an active consent ([`has_bank_consent`]), and the consent's
//! withdrawal deletes it in the same transaction ([`delete_on_withdrawal`]).

pub mod contact_requests;
pub mod retention;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::now;
use plateforme_model::person::consent::ConsentKind;
use plateforme_model::profile::{Profile, ProfileInput, ProfileRecord};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::schema::{consents, history, profiles};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, StoreError};

pub const RESOURCE_TYPE: &str = "profile";

/// A profile as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProfile {
    pub person_id: Uuid,
    pub record: ProfileRecord,
    pub paused: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredProfile {
    /// The profile as its owner and the counsellors following the person read it.
    pub fn view(&self) -> Profile {
        Profile {
            person_id: self.person_id,
            fields: self.record.fields.clone(),
            paused: self.paused,
            provenance: self.record.provenance.clone(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = profiles, treat_none_as_default_value = false)]
struct ProfileRow {
    person_id: String,
    fields: String,
    provenance: String,
    paused: bool,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    purge_warned_at: Option<NaiveDateTime>,
}

/// Whether the person's `profile_bank` consent stands now.
pub fn has_bank_consent(conn: &mut DbConnection, person_id: Uuid) -> Result<bool, StoreError> {
    let active: i64 = consents::table
        .filter(consents::person_id.eq(person_id.to_string()))
        .filter(consents::kind.eq(ConsentKind::ProfileBank.as_str()))
        .filter(consents::withdrawn_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(active > 0)
}

/// The person's profile, if they have one.
pub fn find(conn: &mut DbConnection, person_id: Uuid) -> Result<Option<StoredProfile>, StoreError> {
    let row: Option<ProfileRow> = profiles::table.find(person_id.to_string()).first(conn).optional()?;
    row.map(profile_of_row).transpose()
}

/// Creates the person's profile. When another request created one meanwhile, the answer is
/// `VersionMismatch` with its version: this write was not based on it.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    record: ProfileRecord,
) -> Result<StoredProfile, StoreError> {
    let time = now();
    // A profile deleted before (by the person, or with the consent) keeps its versions in the
    // history: a new one continues after them.
    let version = last_version(conn, person_id)?.unwrap_or(0) + 1;
    let profile = StoredProfile { person_id, record, paused: false, version, created_at: time, updated_at: time };
    let row = row_of(&profile)?;
    // A savepoint, so the transaction stays usable to read the profile that won.
    let inserted = conn.transaction(|conn| diesel::insert_into(profiles::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        let error = StoreError::from(error);
        if !error.is_unique_violation() {
            return Err(error);
        }
        let current = find(conn, person_id)?.map_or(version, |winner| winner.version);
        return Err(StoreError::VersionMismatch { current });
    }
    write::record(conn, context, &mutation(person_id, version, Action::Created, document(&profile)?))?;
    Ok(profile)
}

/// The last version the history records of the person's profile, deleted or not.
fn last_version(conn: &mut DbConnection, person_id: Uuid) -> Result<Option<i64>, StoreError> {
    Ok(history::table
        .filter(history::resource_type.eq(RESOURCE_TYPE))
        .filter(history::resource_id.eq(person_id.to_string()))
        .select(diesel::dsl::max(history::version))
        .first(conn)?)
}

/// Replaces the profile (its fields, or whether it is paused) if it is still at
/// `expected_version`; the history records what changed as a merge patch.
pub fn replace(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredProfile,
    expected_version: i64,
    record: ProfileRecord,
    paused: bool,
) -> Result<StoredProfile, StoreError> {
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    let updated = StoredProfile { record, paused, version: current.version + 1, updated_at: now(), ..current.clone() };
    let changes = plateforme_model::merge_patch::diff(&document(current)?, &document(&updated)?);
    let row = row_of(&updated)?;
    let written = diesel::update(profiles::table.find(&row.person_id))
        .filter(profiles::version.eq(expected_version))
        .set((
            profiles::fields.eq(&row.fields),
            profiles::provenance.eq(&row.provenance),
            profiles::paused.eq(row.paused),
            profiles::version.eq(row.version),
            profiles::updated_at.eq(row.updated_at),
            // Touched: the retention's two years start again, and a warning with them.
            profiles::purge_warned_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, current.person_id)?.map(|found| found.version)));
    }
    write::record(conn, context, &mutation(updated.person_id, updated.version, Action::Updated, changes))?;
    Ok(updated)
}

/// Deletes the profile if it is still at `expected_version` (the person deletes it): a
/// `deleted` version in its history and a `deleted` event on the change feed. The contact
/// requests still pending are cancelled: no one is put in touch through a profile gone.
pub fn delete(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    expected_version: i64,
) -> Result<(), StoreError> {
    let written = diesel::delete(profiles::table.find(person_id.to_string()))
        .filter(profiles::version.eq(expected_version))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, person_id)?.map(|found| found.version)));
    }
    contact_requests::cancel_pending(conn, person_id)?;
    write::record(conn, context, &mutation(person_id, expected_version + 1, Action::Deleted, Value::Null))?;
    Ok(())
}

/// Deletes the profile, whatever its version, because the `profile_bank` consent was withdrawn
/// (in the withdrawal's transaction); nothing when the person has none.
pub fn delete_on_withdrawal(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
) -> Result<(), StoreError> {
    match find(conn, person_id)? {
        Some(current) => delete(conn, context, person_id, current.version),
        None => Ok(()),
    }
}

/// Removes the profile and its contact requests with no event of its own: the erasure of the whole dossier records the
/// `deleted` version of each of its parts itself.
pub fn forget(conn: &mut DbConnection, person_id: Uuid) -> Result<(), StoreError> {
    contact_requests::forget(conn, person_id)?;
    diesel::delete(profiles::table.find(person_id.to_string())).execute(conn)?;
    Ok(())
}

/// The profile is a part of the person's data: its events are on the person's timeline, and
/// the change feed shows them only to whom may read the person.
fn mutation(person_id: Uuid, version: i64, action: Action, changes: Value) -> Mutation {
    Mutation::new(RESOURCE_TYPE, person_id, version, action, changes).of_person(person_id)
}

/// The profile as one document, which the history diffs.
fn document(profile: &StoredProfile) -> Result<Value, StoreError> {
    let mut fields = serde_json::to_value(&profile.record.fields).map_err(StoreError::corrupt)?;
    if let Some(object) = fields.as_object_mut() {
        object.insert("paused".into(), json!(profile.paused));
    }
    Ok(fields)
}

fn row_of(profile: &StoredProfile) -> Result<ProfileRow, StoreError> {
    Ok(ProfileRow {
        person_id: profile.person_id.to_string(),
        fields: serde_json::to_string(&profile.record.fields).map_err(StoreError::corrupt)?,
        provenance: serde_json::to_string(&profile.record.provenance).map_err(StoreError::corrupt)?,
        paused: profile.paused,
        version: profile.version,
        created_at: to_db(profile.created_at),
        updated_at: to_db(profile.updated_at),
        purge_warned_at: None,
    })
}

fn profile_of_row(row: ProfileRow) -> Result<StoredProfile, StoreError> {
    Ok(StoredProfile {
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        record: ProfileRecord {
            fields: serde_json::from_str(&row.fields).map_err(StoreError::corrupt)?,
            provenance: serde_json::from_str(&row.provenance).map_err(StoreError::corrupt)?,
        },
        paused: row.paused,
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}

/// The profiles among `ids` that recruiters may find now (not paused), in person id order.
/// The consent's withdrawal deletes the profile, so every profile kept stands on its consent.
pub fn visible_among(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<StoredProfile>, StoreError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<ProfileRow> = profiles::table
        .filter(profiles::person_id.eq_any(ids))
        .filter(is_visible())
        .order(profiles::person_id.asc())
        .load(conn)?;
    rows.into_iter().map(profile_of_row).collect()
}

/// A visible profile as a recruiter's answer reads it: the fields alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownProfile {
    pub person_id: Uuid,
    pub fields: ProfileInput,
}

/// The fields of the profiles among `ids` that recruiters may find now, in person id order:
/// [`visible_among`] without the provenance, which no recruiter sees — the searches and the
/// rankings read up to hundreds of profiles per request, and the provenance is most of a row.
pub fn shown_among(conn: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<ShownProfile>, StoreError> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<(String, String)> = profiles::table
        .filter(profiles::person_id.eq_any(ids))
        .filter(is_visible())
        .order(profiles::person_id.asc())
        .select((profiles::person_id, profiles::fields))
        .load(conn)?;
    rows.into_iter()
        .map(|(person_id, fields)| {
            Ok(ShownProfile {
                person_id: person_id.parse().map_err(StoreError::corrupt)?,
                fields: serde_json::from_str(&fields).map_err(StoreError::corrupt)?,
            })
        })
        .collect()
}

/// What makes a profile visible to recruiters, beside its existence (which the consent decides).
fn is_visible() -> diesel::dsl::Eq<profiles::paused, bool> {
    profiles::paused.eq(false)
}

/// Up to `limit` visible profiles after `after`, in person id order: a rebuild of the search
/// index reads them all so.
pub fn visible_page(
    conn: &mut DbConnection,
    after: Option<Uuid>,
    limit: usize,
) -> Result<Vec<StoredProfile>, StoreError> {
    let mut query = profiles::table
        .filter(is_visible())
        .order(profiles::person_id.asc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(profiles::person_id.gt(after.to_string()));
    }
    let rows: Vec<ProfileRow> = query.load(conn)?;
    rows.into_iter().map(profile_of_row).collect()
}
