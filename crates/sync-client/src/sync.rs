//! The run: the export first (once), then the feed, as the mirror's state says.

use std::time::Duration;

use plateforme_client::{ChangeEvent, ChangesRequest, Client, ClientConfig, ExportRequest};

use crate::Args;
use crate::mirror::{Change, Mirror};
use crate::progress::{Progress, bar};

/// Lines loaded per local transaction, events read per page.
const LOAD_BATCH: usize = 500;
const PAGE: u32 = 500;
/// The long-poll of a follower that runs for ever.
const WAIT: Duration = Duration::from_secs(30);
/// How often a running export is polled.
const POLL: Duration = Duration::from_millis(200);

pub async fn run(args: &Args) -> Result<(), String> {
    let mut mirror = Mirror::open(&args.database)?;
    let client = Client::new(ClientConfig::new(&args.base_url, &args.client_id, &args.client_secret))
        .map_err(|error| error.to_string())?;
    let mut progress = Progress::new();
    let state = mirror.state().map_err(db)?;
    let cursor = match state.feed_cursor {
        Some(cursor) => cursor,
        None => load_export(&client, &mut mirror, args, state.export_id, &mut progress).await?,
    };
    follow(&client, &mut mirror, cursor, args.once, &mut progress).await
}

fn db(error: diesel::result::Error) -> String {
    format!("the mirror: {error}")
}

/// Loads the export (asking for one unless a stopped run had), then keeps its cursor: answers it.
async fn load_export(
    client: &Client,
    mirror: &mut Mirror,
    args: &Args,
    kept: Option<String>,
    progress: &mut Progress,
) -> Result<String, String> {
    let id = match kept {
        Some(id) => {
            id.parse::<uuid::Uuid>().map_err(|_| format!("the mirror keeps an export id that is not one: {id}"))?
        }
        None => {
            let request = ExportRequest { types: args.types.clone(), since: None };
            let export = client.create_export(&request).await.map_err(|error| error.to_string())?;
            mirror.set_export(Some(&export.id.to_string())).map_err(db)?;
            export.id
        }
    };
    let export = loop {
        let export = client.export(id).await.map_err(|error| error.to_string());
        match export {
            Ok(export) if export.status == "done" => break export,
            Ok(export) if export.status == "failed" => {
                mirror.set_export(None).map_err(db)?;
                return Err(format!("export {id} failed: {}; run again", export.error.unwrap_or_default()));
            }
            Ok(export) => progress.show(&format!("export {id}: {}", export.status), false),
            // Expired or forgotten: ask for a new one next run.
            Err(error) => {
                mirror.set_export(None).map_err(db)?;
                return Err(format!("export {id}: {error}; run again"));
            }
        }
        tokio::time::sleep(POLL).await;
    };
    let total: usize = export.files.iter().map(|file| usize::try_from(file.count).unwrap_or(0)).sum();
    let mut loaded = 0;
    for file in &export.files {
        let mut lines = client.export_file(file).await.map_err(|error| error.to_string())?;
        let mut batch = Vec::with_capacity(LOAD_BATCH);
        loop {
            let line = lines.next_line().await.map_err(|error| error.to_string())?;
            if let Some(line) = &line {
                batch.push(record_of(&file.file_type, line)?);
            }
            if batch.len() == LOAD_BATCH || (line.is_none() && !batch.is_empty()) {
                mirror.load(&batch).map_err(db)?;
                loaded += batch.len();
                batch.clear();
                progress.show(&format!("export: {} records loaded", bar(loaded, total)), false);
            }
            if line.is_none() {
                break;
            }
        }
    }
    progress.show(&format!("export: {} records loaded", bar(loaded, total)), true);
    let cursor = export.cursor.ok_or_else(|| format!("export {id} is done without a cursor"))?;
    mirror.apply(&[], &cursor).map_err(db)?;
    Ok(cursor)
}

fn record_of(resource_type: &str, line: &serde_json::Value) -> Result<Change, String> {
    let text = |field: &str| line[field].as_str().map(str::to_owned);
    Ok(Change::Upsert {
        resource_type: resource_type.to_owned(),
        id: text("id").ok_or_else(|| format!("an export line without id: {line}"))?,
        version: line["version"].as_i64().ok_or_else(|| format!("an export line without version: {line}"))?,
        person_id: text("person_id"),
        body: line["resource"].to_string(),
    })
}

/// Follows the feed from `cursor`, a page per local transaction.
async fn follow(
    client: &Client,
    mirror: &mut Mirror,
    mut cursor: String,
    once: bool,
    progress: &mut Progress,
) -> Result<(), String> {
    let mut applied = 0_u64;
    loop {
        let request = ChangesRequest {
            after: Some(cursor.clone()),
            limit: Some(PAGE),
            wait: (!once).then_some(WAIT),
            embed: true,
            ..ChangesRequest::default()
        };
        let page = client.changes(&request).await.map_err(|error| error.to_string())?;
        if page.events.is_empty() && once {
            progress.show(&format!("feed: {applied} events applied, caught up"), true);
            progress.finish();
            return Ok(());
        }
        let changes: Vec<(String, String, Change)> =
            page.events.iter().map(|event| (event.id.clone(), event.sequence.clone(), change_of(event))).collect();
        mirror.apply(&changes, &page.cursor).map_err(db)?;
        applied += changes.len() as u64;
        cursor = page.cursor;
        let last = page.events.last().map_or("", |event| event.time.as_str());
        progress.show(&format!("feed: {applied} events applied, at {last}"), false);
    }
}

/// What an event does to the mirror.
fn change_of(event: &ChangeEvent) -> Change {
    let data = &event.data;
    let (resource_type, id) = (data.resource_type.clone(), data.resource_id.to_string());
    match (data.action.as_str(), &data.resource) {
        ("left_remit", _) => Change::DropDossier { person_id: id },
        ("created" | "updated", Some(resource)) => Change::Upsert {
            resource_type,
            id,
            version: data.version,
            person_id: data.person_id.map(|person| person.to_string()),
            body: resource.to_string(),
        },
        // Deleted, or no longer readable as it stands (a limited dossier).
        _ => Change::Delete { resource_type, id },
    }
}
