//! Queries of `persons`. The record is stored as JSON, its disability recognition
//! (`statuses.rqth`) sealed under the key-encryption key (`crate::sensitive`); the indexed
//! columns beside it are derived from the record on every write, so they never disagree with it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};
use plateforme_model::ids::now;
use plateforme_model::person::co_accompaniment::CoAccompanimentRole;
use plateforme_model::person::{Person, PersonRecord};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::changes::RemitChange;
use crate::connection::MultiBackend;
use crate::pagination::date_then_id_key;
use crate::schema::{consents, persons};
use crate::sensitive::{self, Place};
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "person";

/// A person as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPerson {
    pub id: Uuid,
    pub record: PersonRecord,
    pub has_nir: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Since when the processing of the dossier is limited (RGPD article 18), if it is.
    pub limited_at: Option<DateTime<Utc>>,
}

impl StoredPerson {
    pub fn times(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.created_at, self.updated_at)
    }

    /// The dossier as the API answers it on `today`, its sensitive parts (the RQTH) only for a
    /// caller that `sees_sensitive` (scope `dossier.social:read`): the one view of a person,
    /// for its own read and for the change feed's embedding.
    pub fn view(&self, sees_sensitive: bool, today: NaiveDate) -> Person {
        let view = self.record.view(self.id, self.has_nir, self.version, self.times(), today);
        if sees_sensitive { view } else { view.withhold_sensitive() }
    }

    /// What the record alone says of who may read it: its remit, but the consents to share.
    pub fn remit(&self) -> PersonRemit {
        let record = &self.record;
        PersonRemit {
            registered_by: Some(record.registration.registered_by),
            oriented_to: record.orientation.as_ref().map(|orientation| orientation.referent_organization_id),
            rsa_beneficiary: record.statuses.rsa_beneficiary,
            residence_departement: record.contact.residence_departement().map(|code| code.to_string()),
            shared_with: Vec::new(),
            co_accompanied_by: Vec::new(),
        }
    }
}

/// What the access policy reads of a person to decide who may touch the dossier (its *remit*),
/// as the store knows it: the columns derived from the record, the partners the person shares
/// the dossier with, and the organizations co-accompanying the person today. The policy turns it into its own `PersonAccess`; the change feed
/// records it before and after the writes that change it (`changes::RemitChange`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRemit {
    /// The organization that registered the person.
    pub registered_by: Option<Uuid>,
    /// The referent organization (orientation), if the person is oriented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oriented_to: Option<Uuid>,
    #[serde(default)]
    pub rsa_beneficiary: bool,
    /// The INSEE code of the département of residence, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence_departement: Option<String>,
    /// The partners the person consented to share the dossier with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_with: Vec<Uuid>,
    /// The organizations co-accompanying the person today, with their role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_accompanied_by: Vec<(Uuid, CoAccompanimentRole)>,
}

/// The remit of a person, consents to share and co-accompaniments included; `None` when there
/// is no such person.
pub fn remit(conn: &mut DbConnection, id: Uuid) -> Result<Option<PersonRemit>, StoreError> {
    Ok(remits(conn, &[id])?.remove(&id))
}

/// The remit of a person already read: its record's, with the consents to share and the
/// co-accompaniments of today (what every read and write of the dossier is judged by).
pub fn remit_of(conn: &mut DbConnection, person: &StoredPerson) -> Result<PersonRemit, StoreError> {
    let mut remits = HashMap::from([(person.id, person.remit())]);
    add_relations(conn, &[person.id.to_string()], &mut remits)?;
    remits.remove(&person.id).ok_or(StoreError::NotFound)
}

/// The remits of these persons, consents to share and co-accompaniments included, in three
/// queries: what the change feed judges a page of events by. Persons that do not exist (erased)
/// are missing.
pub fn remits(conn: &mut DbConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, PersonRemit>, StoreError> {
    type RemitRow = (String, String, Option<String>, bool, Option<String>);
    let mut remits = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(crate::bulk::ROWS_PER_STATEMENT) {
        let keys: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        let rows: Vec<RemitRow> = persons::table
            .filter(persons::id.eq_any(&keys))
            .select((
                persons::id,
                persons::registered_by,
                persons::oriented_to,
                persons::rsa_beneficiary,
                persons::residence_departement,
            ))
            .load(conn)?;
        for (id, registered_by, oriented_to, rsa_beneficiary, residence_departement) in rows {
            let remit = PersonRemit {
                registered_by: Some(parse_id(&registered_by)?),
                oriented_to: oriented_to.as_deref().map(parse_id).transpose()?,
                rsa_beneficiary,
                residence_departement,
                shared_with: Vec::new(),
                co_accompanied_by: Vec::new(),
            };
            remits.insert(parse_id(&id)?, remit);
        }
        add_relations(conn, &keys, &mut remits)?;
    }
    Ok(remits)
}

/// Adds to the remits of the persons `keys` the partners they share their dossier with and the
/// organizations co-accompanying them today.
fn add_relations(
    conn: &mut DbConnection,
    keys: &[String],
    remits: &mut HashMap<Uuid, PersonRemit>,
) -> Result<(), StoreError> {
    let shares: Vec<(String, Option<String>)> = consents::table
        .filter(consents::person_id.eq_any(keys))
        .filter(consents::kind.eq(SHARING))
        .filter(consents::withdrawn_at.is_null())
        .select((consents::person_id, consents::partner_organization_id))
        .load(conn)?;
    for (person_id, partner) in shares {
        let (Some(remit), Some(partner)) = (remits.get_mut(&parse_id(&person_id)?), partner) else { continue };
        remit.shared_with.push(parse_id(&partner)?);
    }
    let today = now().date_naive();
    for (person_id, organization, role) in super::co_accompaniments::active_among(conn, keys, today)? {
        if let Some(remit) = remits.get_mut(&person_id) {
            remit.co_accompanied_by.push((organization, role));
        }
    }
    Ok(())
}

fn parse_id(text: &str) -> Result<Uuid, StoreError> {
    text.parse::<Uuid>().map_err(StoreError::corrupt)
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = persons, treat_none_as_default_value = false)]
pub(crate) struct PersonRow {
    id: String,
    nir_hash: Option<String>,
    match_key: String,
    identity_key: String,
    registered_by: String,
    registered_on: String,
    oriented_to: Option<String>,
    rsa_beneficiary: bool,
    residence_departement: Option<String>,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    limited_at: Option<NaiveDateTime>,
}

/// Which persons a list may show. The policy derives it from its person rule
/// (`plateforme_auth::policy::person_filter`); the store only turns it into SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every person.
    All,
    /// The persons meeting any of these criteria: nobody when there are none.
    AnyOf(Vec<PersonCriterion>),
}

/// One condition a person may meet, as the policy states it and SQL checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonCriterion {
    /// Registered by the organization.
    RegisteredBy(Uuid),
    /// Oriented to the organization (it is the referent).
    OrientedTo(Uuid),
    /// Sharing their dossier with the organization by an active consent.
    SharedWith(Uuid),
    /// Co-accompanied by the organization today.
    CoAccompaniedBy(Uuid),
    /// RSA beneficiaries resident in one of these départements (INSEE codes).
    RsaResidentIn(Vec<String>),
}

/// Registers a person. The NIR hash and the identity key are unique: registering a person
/// already known answers `Conflict` naming the existing record.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    record: PersonRecord,
    nir_hash: Option<String>,
) -> Result<StoredPerson, StoreError> {
    let time = now();
    let person = StoredPerson {
        id: plateforme_model::ids::new_id(),
        record,
        has_nir: nir_hash.is_some(),
        version: 1,
        created_at: time,
        updated_at: time,
        limited_at: None,
    };
    let row = row_of(&person, nir_hash.clone())?;
    let inserted = conn.transaction(|conn| diesel::insert_into(persons::table).values(&row).execute(conn));
    if let Err(error) = inserted {
        let error = StoreError::from(error);
        if !error.is_unique_violation() {
            return Err(error);
        }
        let existing = find_existing(conn, nir_hash.as_deref(), &person.record.identity.identity_key())?;
        return Err(StoreError::Conflict {
            detail: "this person is registered already; use the existing dossier".into(),
            existing_id: existing,
        });
    }
    let changes = serde_json::to_value(&person.record).map_err(StoreError::corrupt)?;
    write::record(conn, context, &mutation(person.id, 1, Action::Created, changes, None))?;
    Ok(person)
}

fn mutation(
    id: Uuid,
    version: i64,
    action: Action,
    changes: serde_json::Value,
    remit: Option<RemitChange>,
) -> Mutation {
    Mutation::new(RESOURCE_TYPE, id, version, action, changes).of_person(id).changing_remit(remit)
}

/// What an update changed of the person's remit, if anything: the orientation, the RSA status
/// or the residence. The consents to share and the co-accompaniments are the same before and
/// after, read only then.
fn remit_change(
    conn: &mut DbConnection,
    current: &StoredPerson,
    updated: &StoredPerson,
) -> Result<Option<RemitChange>, StoreError> {
    if current.remit() == updated.remit() {
        return Ok(None);
    }
    let after = remit_of(conn, updated)?;
    let before = PersonRemit {
        shared_with: after.shared_with.clone(),
        co_accompanied_by: after.co_accompanied_by.clone(),
        ..current.remit()
    };
    Ok(RemitChange::between(before, Some(after)))
}

/// The person holding this NIR hash or identity key.
fn find_existing(
    conn: &mut DbConnection,
    nir_hash: Option<&str>,
    identity_key: &str,
) -> Result<Option<Uuid>, StoreError> {
    let mut query = persons::table.select(persons::id).into_boxed();
    query = match nir_hash {
        Some(hash) => query.filter(persons::nir_hash.eq(hash).or(persons::identity_key.eq(identity_key))),
        None => query.filter(persons::identity_key.eq(identity_key)),
    };
    let id: Option<String> = query.first(conn).optional()?;
    id.map(|id| id.parse().map_err(StoreError::corrupt)).transpose()
}

/// The person with this id, if any.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredPerson>, StoreError> {
    let row: Option<PersonRow> = persons::table.find(id.to_string()).first(conn).optional()?;
    row.map(person_of_row).transpose()
}

/// Persons matching a NIR hash, or else an identity: the match key, narrowed by the birth
/// place when it is known. A dossier whose processing is limited is not matched: it is not
/// processed until the limitation is lifted.
pub fn matching(
    conn: &mut DbConnection,
    nir_hash: Option<&str>,
    match_key: &str,
    identity_key: Option<&str>,
) -> Result<Vec<(StoredPerson, &'static str)>, StoreError> {
    if let Some(hash) = nir_hash {
        let row: Option<PersonRow> = persons::table
            .filter(persons::nir_hash.eq(hash))
            .filter(persons::limited_at.is_null())
            .first(conn)
            .optional()?;
        if let Some(row) = row {
            return Ok(vec![(person_of_row(row)?, "nir")]);
        }
    }
    let unlimited = persons::table.filter(persons::limited_at.is_null());
    let rows: Vec<PersonRow> = match identity_key {
        Some(key) => unlimited.filter(persons::identity_key.eq(key)).limit(10).load(conn)?,
        None => unlimited.filter(persons::match_key.eq(match_key)).order(persons::id.asc()).limit(10).load(conn)?,
    };
    rows.into_iter().map(|row| Ok((person_of_row(row)?, "identity"))).collect()
}

/// Writes a new version of the record if it is still at `expected_version` and the processing
/// of the dossier is not limited: the statement refuses both itself, so a write needs no read of
/// the person in its transaction ([`limited_version`]); when it refuses, the person is read to
/// say why (`ProcessingLimited`, or `VersionMismatch` with the current version).
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredPerson,
    expected_version: i64,
    record: PersonRecord,
    changes: serde_json::Value,
) -> Result<StoredPerson, StoreError> {
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    let updated = StoredPerson { record, version: current.version + 1, updated_at: now(), ..current.clone() };
    let row = row_of(&updated, None)?;
    let statement = diesel::update(persons::table.find(updated.id.to_string()))
        .filter(persons::version.eq(expected_version))
        .filter(persons::limited_at.is_null())
        .set((
            persons::match_key.eq(&row.match_key),
            persons::identity_key.eq(&row.identity_key),
            persons::oriented_to.eq(&row.oriented_to),
            persons::rsa_beneficiary.eq(row.rsa_beneficiary),
            persons::residence_departement.eq(&row.residence_departement),
            persons::record.eq(&row.record),
            persons::version.eq(row.version),
            persons::updated_at.eq(row.updated_at),
        ));
    // Only a new identity can collide with another dossier's. Then the statement runs in a
    // savepoint, so that PostgreSQL's transaction survives the unique violation to name the
    // other dossier; any other update spares the savepoint's two round trips.
    let written = match row.identity_key == current.record.identity.identity_key() {
        true => statement.execute(conn),
        false => conn.transaction(|conn| statement.execute(conn)),
    };
    match written {
        Ok(0) => return Err(refused_update(conn, updated.id)?),
        Ok(_) => {}
        Err(error) => {
            let error = StoreError::from(error);
            if !error.is_unique_violation() {
                return Err(error);
            }
            let existing = find_existing(conn, None, &row.identity_key)?;
            return Err(StoreError::Conflict {
                detail: "another dossier has this identity already".into(),
                existing_id: existing,
            });
        }
    }
    let remit = remit_change(conn, current, &updated)?;
    write::record(conn, context, &mutation(updated.id, updated.version, Action::Updated, changes, remit))?;
    Ok(updated)
}

/// Why an update conditioned on the version and on an unlimited dossier wrote nothing: the
/// dossier's processing is limited, or it is at another version (or gone).
fn refused_update(conn: &mut DbConnection, id: Uuid) -> Result<StoreError, StoreError> {
    Ok(match version_and_limitation(conn, id)? {
        Some((current, Some(_))) => StoreError::ProcessingLimited { current },
        found => write::lost_race(found.map(|(version, _)| version)),
    })
}

/// The person's version if the processing of their dossier is limited, `None` if it is not (or
/// there is no such person): what a write checks in its transaction without reading the record.
pub fn limited_version(conn: &mut DbConnection, id: Uuid) -> Result<Option<i64>, StoreError> {
    let row = version_and_limitation(conn, id)?;
    Ok(row.and_then(|(version, limited_at)| limited_at.map(|_| version)))
}

/// The person's version and since when their dossier's processing is limited, without the record.
fn version_and_limitation(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<(i64, Option<NaiveDateTime>)>, StoreError> {
    Ok(persons::table.find(id.to_string()).select((persons::version, persons::limited_at)).first(conn).optional()?)
}

/// Limits the processing of the dossier (`limited` true) or lifts the limitation, if the person is
/// still at `expected_version`: a new version of the person, whose history and change event say
/// `{"limited_at": …}`, so partners' mirrors learn it. A dossier already in the state asked for
/// is answered as it is, with no new version.
pub fn set_limitation(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &StoredPerson,
    expected_version: i64,
    limited: bool,
) -> Result<StoredPerson, StoreError> {
    if current.version != expected_version {
        return Err(StoreError::VersionMismatch { current: current.version });
    }
    if current.limited_at.is_some() == limited {
        return Ok(current.clone());
    }
    let time = now();
    let limited_at = limited.then_some(time);
    let updated = StoredPerson { version: current.version + 1, updated_at: time, limited_at, ..current.clone() };
    let written = diesel::update(persons::table.find(updated.id.to_string()))
        .filter(persons::version.eq(expected_version))
        .set((
            persons::limited_at.eq(limited_at.map(to_db)),
            persons::version.eq(updated.version),
            persons::updated_at.eq(to_db(time)),
        ))
        .execute(conn)?;
    if written == 0 {
        return Err(write::lost_race(find(conn, updated.id)?.map(|found| found.version)));
    }
    let changes = serde_json::json!({ "limited_at": limited_at });
    write::record(conn, context, &mutation(updated.id, updated.version, Action::Updated, changes, None))?;
    Ok(updated)
}

/// Visible persons registered on or before `registered_before` and not oriented yet, oldest
/// registration first; a dossier whose processing is limited is not listed for action.
pub fn unoriented(
    conn: &mut DbConnection,
    visibility: &Visibility,
    registered_before: NaiveDate,
    page: &PageRequest,
) -> Result<Page<StoredPerson>, StoreError> {
    let mut query = persons::table
        .filter(persons::oriented_to.is_null())
        .filter(persons::limited_at.is_null())
        .filter(persons::registered_on.le(registered_before.to_string()))
        .order((persons::registered_on.asc(), persons::id.asc()))
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some((date, id)) = page.after_date_then_id()? {
        query = query.filter(
            persons::registered_on.gt(date.clone()).or(persons::registered_on.eq(date).and(persons::id.gt(id))),
        );
    }
    if let Visibility::AnyOf(criteria) = visibility {
        let Some(visible) = meeting_any(conn, criteria)? else {
            return Ok(Page { items: Vec::new(), next_cursor: None });
        };
        query = query.filter(visible);
    }
    let rows: Vec<PersonRow> = query.load(conn)?;
    Page::from_rows(rows, page, |row| date_then_id_key(&row.registered_on, &row.id)).try_map(person_of_row)
}

/// A condition on a row of `persons`, built at run time.
type PersonPredicate = Box<dyn BoxableExpression<persons::table, MultiBackend, SqlType = Nullable<Bool>>>;

/// The SQL of "meets any of `criteria`"; `None` when there are none, as nobody does.
fn meeting_any(conn: &mut DbConnection, criteria: &[PersonCriterion]) -> Result<Option<PersonPredicate>, StoreError> {
    let mut predicates = Vec::with_capacity(criteria.len());
    for criterion in criteria {
        predicates.push(meeting(conn, criterion)?);
    }
    Ok(predicates.into_iter().reduce(|either, or| Box::new(either.or(or))))
}

/// The SQL of one criterion, over the columns derived from the record on every write.
fn meeting(conn: &mut DbConnection, criterion: &PersonCriterion) -> Result<PersonPredicate, StoreError> {
    Ok(match criterion {
        PersonCriterion::RegisteredBy(organization_id) => {
            Box::new(persons::registered_by.eq(organization_id.to_string()).nullable())
        }
        PersonCriterion::OrientedTo(organization_id) => Box::new(persons::oriented_to.eq(organization_id.to_string())),
        // Dossiers shared by consent are few per organization: read their ids first, as boxed
        // subqueries do not compose over both backends.
        PersonCriterion::SharedWith(organization_id) => {
            Box::new(persons::id.eq_any(shared_persons(conn, *organization_id)?).nullable())
        }
        PersonCriterion::CoAccompaniedBy(organization_id) => {
            let today = plateforme_model::ids::now().date_naive();
            Box::new(
                persons::id.eq_any(super::co_accompaniments::persons_of(conn, *organization_id, today)?).nullable(),
            )
        }
        PersonCriterion::RsaResidentIn(departements) => {
            Box::new(persons::rsa_beneficiary.eq(true).and(persons::residence_departement.eq_any(departements.clone())))
        }
    })
}

/// The persons who currently share their dossier with an organization.
fn shared_persons(conn: &mut DbConnection, organization_id: Uuid) -> Result<Vec<String>, StoreError> {
    Ok(consents::table
        .select(consents::person_id)
        .filter(consents::kind.eq(SHARING))
        .filter(consents::partner_organization_id.eq(organization_id.to_string()))
        .filter(consents::withdrawn_at.is_null())
        .load(conn)?)
}

/// The consent kind that opens a dossier to a partner.
pub const SHARING: &str = "dossier_sharing";

pub(crate) fn row_of(person: &StoredPerson, nir_hash: Option<String>) -> Result<PersonRow, StoreError> {
    let record = &person.record;
    Ok(PersonRow {
        id: person.id.to_string(),
        nir_hash,
        match_key: record.identity.match_key(),
        identity_key: record.identity.identity_key(),
        registered_by: record.registration.registered_by.to_string(),
        registered_on: record.registration.registered_on.to_string(),
        oriented_to: record.orientation.as_ref().map(|orientation| orientation.referent_organization_id.to_string()),
        rsa_beneficiary: record.statuses.rsa_beneficiary,
        residence_departement: record.contact.residence_departement().map(|code| code.to_string()),
        record: sealed_record(record, &person.id.to_string())?,
        version: person.version,
        created_at: to_db(person.created_at),
        updated_at: to_db(person.updated_at),
        limited_at: person.limited_at.map(to_db),
    })
}

/// The record as its column holds it: RQTH sealed.
fn sealed_record(record: &PersonRecord, id: &str) -> Result<String, StoreError> {
    let mut document = serde_json::to_value(record).map_err(StoreError::corrupt)?;
    sensitive::seal_members(&mut document, Place::Row { resource_type: RESOURCE_TYPE, resource_id: id })?;
    Ok(document.to_string())
}

/// The record from its column: RQTH opened (or as it is, in a row written before sealing).
fn opened_record(stored: &str, id: &str) -> Result<PersonRecord, StoreError> {
    sensitive::open_into(stored, Place::Row { resource_type: RESOURCE_TYPE, resource_id: id })
}

fn person_of_row(row: PersonRow) -> Result<StoredPerson, StoreError> {
    Ok(StoredPerson {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        record: opened_record(&row.record, &row.id)?,
        has_nir: row.nir_hash.is_some(),
        version: row.version,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
        limited_at: row.limited_at.map(from_db),
    })
}
