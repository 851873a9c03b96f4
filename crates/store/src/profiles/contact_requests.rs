//! Queries of `contact_requests`: a recruiter organization's requests to contact the person
//! behind a profile. One pending request per organization and profile (a unique index, so a
//! race answers `Conflict` naming the pending one); the requests pending when the profile goes
//! (deleted, consent withdrawn) are cancelled in the same transaction; the dossier's erasure
//! removes them all.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::contact_request::ContactRequestStatus;
use plateforme_model::ids::now;
use uuid::Uuid;

use crate::schema::contact_requests;
use crate::timestamps::{from_db, to_db};
use crate::{DbConnection, Page, PageRequest, StoreError};

/// A contact request as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredContactRequest {
    pub id: Uuid,
    pub person_id: Uuid,
    pub organization_id: Uuid,
    pub client_id: String,
    pub offer_id: Option<Uuid>,
    pub message: Option<String>,
    pub status: ContactRequestStatus,
    pub share_email: bool,
    pub share_phone: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// What a recruiter sends.
#[derive(Debug, Clone)]
pub struct NewContactRequest {
    pub person_id: Uuid,
    pub organization_id: Uuid,
    pub client_id: String,
    pub offer_id: Option<Uuid>,
    pub message: Option<String>,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = contact_requests, treat_none_as_default_value = false)]
struct ContactRequestRow {
    id: String,
    person_id: String,
    organization_id: String,
    client_id: String,
    offer_id: Option<String>,
    message: Option<String>,
    status: String,
    share_email: bool,
    share_phone: bool,
    version: i64,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
}

/// Records a pending request. Another pending request of the same organization for the same
/// person is a `Conflict` naming it.
pub fn create(conn: &mut DbConnection, new: NewContactRequest) -> Result<StoredContactRequest, StoreError> {
    let request = StoredContactRequest {
        id: plateforme_model::ids::new_id(),
        person_id: new.person_id,
        organization_id: new.organization_id,
        client_id: new.client_id,
        offer_id: new.offer_id,
        message: new.message,
        status: ContactRequestStatus::Pending,
        share_email: false,
        share_phone: false,
        version: 1,
        created_at: now(),
        decided_at: None,
    };
    let row = row_of(&request);
    // A savepoint, so the transaction stays usable to read the pending request that won.
    let inserted = conn.transaction(|conn| diesel::insert_into(contact_requests::table).values(&row).execute(conn));
    match inserted.map_err(StoreError::from) {
        Ok(_) => Ok(request),
        Err(error) if error.is_unique_violation() => {
            let pending = pending_of(conn, request.organization_id, request.person_id)?;
            Err(StoreError::Conflict {
                detail: "your organization has a pending contact request for this profile already".into(),
                existing_id: pending.map(|pending| pending.id),
            })
        }
        Err(error) => Err(error),
    }
}

/// The request, if it exists.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredContactRequest>, StoreError> {
    let row: Option<ContactRequestRow> = contact_requests::table.find(id.to_string()).first(conn).optional()?;
    row.map(request_of_row).transpose()
}

/// The organization's pending request for the person, if any.
fn pending_of(
    conn: &mut DbConnection,
    organization_id: Uuid,
    person_id: Uuid,
) -> Result<Option<StoredContactRequest>, StoreError> {
    let row: Option<ContactRequestRow> = contact_requests::table
        .filter(contact_requests::organization_id.eq(organization_id.to_string()))
        .filter(contact_requests::person_id.eq(person_id.to_string()))
        .filter(contact_requests::status.eq(ContactRequestStatus::Pending.as_str()))
        .first(conn)
        .optional()?;
    row.map(request_of_row).transpose()
}

/// How many requests the organization sent since `since`, and when the oldest of them was sent
/// (when the count goes down again).
pub fn sent_since(
    conn: &mut DbConnection,
    organization_id: Uuid,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    let (count, oldest): (i64, Option<NaiveDateTime>) = contact_requests::table
        .filter(contact_requests::organization_id.eq(organization_id.to_string()))
        .filter(contact_requests::created_at.ge(to_db(since)))
        .select((diesel::dsl::count_star(), diesel::dsl::min(contact_requests::created_at)))
        .first(conn)?;
    Ok((count, oldest.map(from_db)))
}

/// Whose requests a list reads.
#[derive(Debug, Clone, Copy)]
pub enum Whose {
    /// The requests an organization sent, in one status or all.
    SentBy { organization_id: Uuid, status: Option<ContactRequestStatus> },
    /// The requests a person received.
    ReceivedBy { person_id: Uuid },
}

/// One page of the requests, newest first: ids are UUIDv7, so descending id order is
/// descending creation order, and the cursor is the last id seen.
pub fn list(
    conn: &mut DbConnection,
    whose: Whose,
    page: &PageRequest,
) -> Result<Page<StoredContactRequest>, StoreError> {
    let mut query = contact_requests::table.order(contact_requests::id.desc()).limit(page.fetch_limit()).into_boxed();
    query = match whose {
        Whose::SentBy { organization_id, status } => {
            let query = query.filter(contact_requests::organization_id.eq(organization_id.to_string()));
            match status {
                Some(status) => query.filter(contact_requests::status.eq(status.as_str())),
                None => query,
            }
        }
        Whose::ReceivedBy { person_id } => query.filter(contact_requests::person_id.eq(person_id.to_string())),
    };
    if let Some(after) = &page.after {
        query = query.filter(contact_requests::id.lt(after.clone()));
    }
    let rows: Vec<ContactRequestRow> = query.load(conn)?;
    Page::from_rows(rows, page, |row| row.id.clone()).try_map(request_of_row)
}

/// Records the person's answer on a pending request still at `expected_version`; a request
/// answered meanwhile is a `VersionMismatch`.
pub fn decide(
    conn: &mut DbConnection,
    current: &StoredContactRequest,
    status: ContactRequestStatus,
    share_email: bool,
    share_phone: bool,
) -> Result<StoredContactRequest, StoreError> {
    let decided = StoredContactRequest {
        status,
        share_email,
        share_phone,
        version: current.version + 1,
        decided_at: Some(now()),
        ..current.clone()
    };
    let written = diesel::update(contact_requests::table.find(current.id.to_string()))
        .filter(contact_requests::version.eq(current.version))
        .set((
            contact_requests::status.eq(status.as_str()),
            contact_requests::share_email.eq(share_email),
            contact_requests::share_phone.eq(share_phone),
            contact_requests::version.eq(decided.version),
            contact_requests::decided_at.eq(decided.decided_at.map(to_db)),
        ))
        .execute(conn)?;
    if written == 0 {
        let found = find(conn, current.id)?.ok_or(StoreError::NotFound)?;
        return Err(StoreError::VersionMismatch { current: found.version });
    }
    Ok(decided)
}

/// Cancels the person's pending requests: their profile is gone.
pub fn cancel_pending(conn: &mut DbConnection, person_id: Uuid) -> Result<usize, StoreError> {
    Ok(diesel::update(contact_requests::table)
        .filter(contact_requests::person_id.eq(person_id.to_string()))
        .filter(contact_requests::status.eq(ContactRequestStatus::Pending.as_str()))
        .set((
            contact_requests::status.eq(ContactRequestStatus::Cancelled.as_str()),
            contact_requests::version.eq(contact_requests::version + 1),
            contact_requests::decided_at.eq(Some(to_db(now()))),
        ))
        .execute(conn)?)
}

/// Removes every request of the person: the dossier is erased, or the profile purged.
pub fn forget(conn: &mut DbConnection, person_id: Uuid) -> Result<(), StoreError> {
    diesel::delete(contact_requests::table.filter(contact_requests::person_id.eq(person_id.to_string())))
        .execute(conn)?;
    Ok(())
}

fn row_of(request: &StoredContactRequest) -> ContactRequestRow {
    ContactRequestRow {
        id: request.id.to_string(),
        person_id: request.person_id.to_string(),
        organization_id: request.organization_id.to_string(),
        client_id: request.client_id.clone(),
        offer_id: request.offer_id.map(|id| id.to_string()),
        message: request.message.clone(),
        status: request.status.as_str().to_owned(),
        share_email: request.share_email,
        share_phone: request.share_phone,
        version: request.version,
        created_at: to_db(request.created_at),
        decided_at: request.decided_at.map(to_db),
    }
}

fn request_of_row(row: ContactRequestRow) -> Result<StoredContactRequest, StoreError> {
    let id = |text: &str| text.parse::<Uuid>().map_err(StoreError::corrupt);
    Ok(StoredContactRequest {
        id: id(&row.id)?,
        person_id: id(&row.person_id)?,
        organization_id: id(&row.organization_id)?,
        client_id: row.client_id,
        offer_id: row.offer_id.as_deref().map(id).transpose()?,
        message: row.message,
        status: ContactRequestStatus::parse(&row.status)
            .ok_or_else(|| StoreError::corrupt(format!("unknown contact request status {}", row.status)))?,
        share_email: row.share_email,
        share_phone: row.share_phone,
        version: row.version,
        created_at: from_db(row.created_at),
        decided_at: row.decided_at.map(from_db),
    })
}
