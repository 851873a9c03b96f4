//! Queries of `reviews` (points d'étape of a contract). A review is recorded once and never
//! changed, so it has one version and no update.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use plateforme_model::ids::{new_id, now};
use plateforme_model::person::contract::{Review, ReviewRecord};
use uuid::Uuid;

use crate::pagination::{date_then_id_key, find_child};
use crate::schema::reviews;
use crate::timestamps::{from_db, to_db};
use crate::write::{self, Action, Mutation, WriteContext};
use crate::{DbConnection, Page, PageRequest, StoreError};

pub const RESOURCE_TYPE: &str = "review";

/// A review as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReview {
    pub id: Uuid,
    pub person_id: Uuid,
    pub contract_id: Uuid,
    pub record: ReviewRecord,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl StoredReview {
    /// The review as the API answers it.
    pub fn view(&self) -> Review {
        let review = self;
        let record = &review.record;
        Review {
            id: review.id,
            person_id: review.person_id,
            contract_id: review.contract_id,
            held_on: record.held_on,
            participants: record.participants.clone(),
            outcome: record.outcome.clone(),
            next_steps: record.next_steps.clone(),
            organization_id: record.organization_id,
            version: review.version,
            created_at: review.created_at,
        }
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = reviews)]
struct ReviewRow {
    id: String,
    person_id: String,
    contract_id: String,
    held_on: String,
    organization_id: String,
    record: String,
    version: i64,
    created_at: NaiveDateTime,
}

/// Records a review of a person's contract.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    person_id: Uuid,
    contract_id: Uuid,
    record: ReviewRecord,
) -> Result<StoredReview, StoreError> {
    let review = StoredReview { id: new_id(), person_id, contract_id, record, version: 1, created_at: now() };
    let row = row_of(&review)?;
    diesel::insert_into(reviews::table).values(&row).execute(conn)?;
    let changes = serde_json::to_value(&review.record).map_err(StoreError::corrupt)?;
    write::record(
        conn,
        context,
        &Mutation::new(RESOURCE_TYPE, review.id, 1, Action::Created, changes).of_person(person_id),
    )?;
    Ok(review)
}

/// The review `id` of the contract; `None` when it does not exist or is another contract's.
pub fn find(conn: &mut DbConnection, contract_id: Uuid, id: Uuid) -> Result<Option<StoredReview>, StoreError> {
    find_child!(conn, reviews::contract_id == contract_id, id, ReviewRow, review_of_row)
}

/// A review of the person's dossier found by its id alone (as the change feed names it), if any.
pub fn find_in_dossier(conn: &mut DbConnection, person_id: Uuid, id: Uuid) -> Result<Option<StoredReview>, StoreError> {
    find_child!(conn, reviews::person_id == person_id, id, ReviewRow, review_of_row)
}

/// The contract's reviews in the order they were held (then recorded).
pub fn list(conn: &mut DbConnection, contract_id: Uuid, page: &PageRequest) -> Result<Page<StoredReview>, StoreError> {
    let mut query = reviews::table
        .filter(reviews::contract_id.eq(contract_id.to_string()))
        .order((reviews::held_on.asc(), reviews::id.asc()))
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some((date, id)) = page.after_date_then_id()? {
        query = query.filter(reviews::held_on.gt(date.clone()).or(reviews::held_on.eq(date).and(reviews::id.gt(id))));
    }
    let rows: Vec<ReviewRow> = query.load(conn)?;
    Page::from_rows(rows, page, |row| date_then_id_key(&row.held_on, &row.id)).try_map(review_of_row)
}

fn row_of(review: &StoredReview) -> Result<ReviewRow, StoreError> {
    Ok(ReviewRow {
        id: review.id.to_string(),
        person_id: review.person_id.to_string(),
        contract_id: review.contract_id.to_string(),
        // ISO 8601 dates sort as text.
        held_on: review.record.held_on.to_string(),
        organization_id: review.record.organization_id.to_string(),
        record: serde_json::to_string(&review.record).map_err(StoreError::corrupt)?,
        version: review.version,
        created_at: to_db(review.created_at),
    })
}

fn review_of_row(row: ReviewRow) -> Result<StoredReview, StoreError> {
    Ok(StoredReview {
        id: row.id.parse().map_err(StoreError::corrupt)?,
        person_id: row.person_id.parse().map_err(StoreError::corrupt)?,
        contract_id: row.contract_id.parse().map_err(StoreError::corrupt)?,
        record: serde_json::from_str(&row.record).map_err(StoreError::corrupt)?,
        version: row.version,
        created_at: from_db(row.created_at),
    })
}
