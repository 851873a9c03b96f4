use std::collections::BTreeMap;
use std::time::Instant;

use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::FeedProblems;
use plateforme_api::{ApiError, ValidQuery};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::changes::{self, FeedPosition};
use plateforme_store::{Action, DbConnection, Store, StoreError, access::journal};
use uuid::Uuid;

use crate::FeedSettings;
use crate::embed::{self, Embedded};
use crate::event::{ChangePage, CloudEvent};
use crate::event_type::Happened;
use crate::judge;
use crate::query::{ChangesQuery, FeedRequest};

/// Events read from the store at a time, and at most per answer (whatever the caller receives
/// of them): a caller that may read little of the feed still gets an answer in bounded time, with
/// a cursor past what was read.
const READ_BATCH: i64 = 1000;
const MAX_READ_PER_ANSWER: usize = 20_000;

/// Read the change feed
///
/// Every change of the records you may read, in feed order, as CloudEvents 1.0: creations,
/// updates, deletions (erasures, withdrawals) of persons and their dossier's parts (diagnostic,
/// contracts, reviews, consents), offers and organizations. Keep the answer's `cursor` and pass
/// it as `after` to read on: no event is skipped, even one whose transaction commits after
/// later ones, and none is served twice for one cursor. The feed is **filtered by the access
/// policy as it stands now**: the events of a dossier reach you while you may read the person
/// (a département its RSA residents, a mission locale those registered by or oriented to it,
/// a partner those who share their dossier with it, a région none), and only with
/// `dossier:read` besides `changes:read` (they are personal data); when a dossier leaves your
/// remit you receive one `fr.plateforme.person.left_remit` event, then nothing more of it.
/// Events are thin (record, version, action); `embed=resource` adds the record as it stands
/// now, journaled for the person. With `wait`, an answer that would be empty waits up to that
/// many seconds and comes as soon as an event you may see is committed.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["changes:read"])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "The next events for you, and the cursor to read on.", body = ChangePage),
        FeedProblems
    )
)]
#[get("/changes")]
pub async fn get_changes(
    store: web::Data<Store>,
    settings: web::Data<FeedSettings>,
    caller: Caller,
    ValidQuery(query): ValidQuery<ChangesQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.check(&settings, chrono::Utc::now())?;
    let deadline = Instant::now() + request.wait;
    let mut position = request.after.position;
    let answer = loop {
        let (reader, wanted) = (caller.clone(), request.clone());
        let answer = store.run(move |conn| read_for(conn, &reader, &wanted, position)).await?;
        position = answer.position;
        let now = Instant::now();
        if !answer.events.is_empty() || now >= deadline {
            break answer;
        }
        // No connection is held while waiting: a write of this replica wakes the wait at once,
        // those of other replicas are seen at the next read.
        changes::wait_for_appended(settings.poll_interval.min(deadline - now)).await;
    };
    journal::append_durably(&store, answer.journal(&caller)).await?;
    let cursor = next_cursor(&request, &settings, answer.position);
    Ok(HttpResponse::Ok().json(ChangePage { events: answer.events, cursor }))
}

/// What one read found for the caller.
struct Answer {
    events: Vec<CloudEvent>,
    /// The last event read, served or passed over.
    position: FeedPosition,
    /// The persons whose dossier's parts were embedded, and whether a social part was.
    embedded: BTreeMap<Uuid, bool>,
}

impl Answer {
    /// One journal entry per person embedded, and one more where the social part was.
    fn journal(&self, caller: &Caller) -> Vec<plateforme_model::journal::Access> {
        let mut entries = Vec::new();
        for (person_id, social) in &self.embedded {
            entries.push(caller.access(*person_id, JournalSection::ChangeFeed, Operation::Read));
            if *social {
                entries.push(caller.access(*person_id, JournalSection::DiagnosticSocial, Operation::Read));
            }
        }
        entries
    }
}

/// Reads the feed after `position` until `limit` events for the caller, the end of what may be
/// served now, or the most one answer reads.
fn read_for(
    conn: &mut DbConnection,
    caller: &Caller,
    request: &FeedRequest,
    mut position: FeedPosition,
) -> Result<Answer, StoreError> {
    let mut answer = Answer { events: Vec::new(), position, embedded: BTreeMap::new() };
    let mut read = 0;
    while answer.events.len() < request.limit && read < MAX_READ_PER_ANSWER {
        let batch = changes::read(conn, position, READ_BATCH)?;
        let judged = judge::judge(conn, caller, &batch)?;
        for (event, event_type) in batch.iter().zip(judged) {
            if answer.events.len() == request.limit {
                break;
            }
            read += 1;
            position = event.position;
            answer.position = position;
            // From a bulk export's cursor: the export holds this transaction's events already.
            if request.after.exported(event.position.transaction) {
                continue;
            }
            let Some(event_type) =
                event_type.filter(|kind| request.types.as_ref().is_none_or(|types| types.contains(kind)))
            else {
                continue;
            };
            let mut cloud_event = CloudEvent::of(event, event_type);
            // A deleted record, or one that left the caller's remit, has nothing to embed.
            let present = matches!(event_type.happened, Happened::Written(Action::Created | Action::Updated));
            if request.embed && present {
                let (resource, embedded) = embed::representation(conn, caller, event)?;
                if let (Embedded::Dossier { social }, Some(person_id)) = (embedded, event.subject_id) {
                    *answer.embedded.entry(person_id).or_default() |= social;
                }
                cloud_event.data.resource = resource;
            }
            answer.events.push(cloud_event);
        }
        if batch.len() < usize::try_from(READ_BATCH).unwrap_or(usize::MAX) {
            break;
        }
    }
    Ok(answer)
}

/// The cursor after `position`: the one given, unchanged, when the feed did not move for the
/// caller (unless it is getting old), so that polling a quiet feed answers the same cursor.
fn next_cursor(request: &FeedRequest, settings: &FeedSettings, position: FeedPosition) -> String {
    let now = chrono::Utc::now();
    match &request.given_cursor {
        Some(given) if position == request.after.position && !request.after.stale(now, settings.retention) => {
            given.clone()
        }
        _ => request.after.moved_to(position, now).seal(),
    }
}
