//! The access journal's group commit: concurrent reads share one commit, yet each read has its
//! own entry, and no read is answered before its entry is durable — when the journal refuses
//! the entries, or when the database connections die in the middle of the batches.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use diesel::{Connection, PgConnection, RunQueryDsl};
use plateforme_server::config::Config;
use plateforme_store::access::journal::{self, JournalFilter};
use plateforme_store::{Backend, PageRequest};

use crate::dossier::{france_travail, person, register_person};
use crate::helpers::{TestApp, TestClient, assert_problem, header};
use crate::on_both_backends;

on_both_backends!(concurrent_reads_are_each_journaled_once, a_read_whose_entry_cannot_be_written_is_not_answered);

const READERS: usize = 16;

/// Registers `count` persons as France Travail; their ids.
async fn persons(app: &TestApp, ft: &TestClient, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..count {
        let created =
            register_person(app, ft, &person(&format!("Groupe {}", ["A", "B", "C", "D"][n % 4]), false)).await;
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    ids
}

/// `READERS` clients reading `reads` dossiers each, all at once, round the `ids`: each
/// answer's status and request id.
async fn read_concurrently(app: &TestApp, ft: &TestClient, ids: &[String], reads: usize) -> Vec<(u16, String)> {
    let mut readers = Vec::new();
    for reader in 0..READERS {
        let (client, base, token, ids) = (app.client.clone(), app.address.clone(), ft.token.clone(), ids.to_vec());
        readers.push(actix_web::rt::spawn(async move {
            let mut answers = Vec::new();
            for n in 0..reads {
                let url = format!("{base}/v1/persons/{}", ids[(reader + n) % ids.len()]);
                match client.get(url).bearer_auth(&token).send().await {
                    Ok(response) => {
                        let id = header(&response, "x-request-id").unwrap_or_default();
                        answers.push((response.status().as_u16(), id));
                    }
                    // The server closed the connection: no answer, nothing to check.
                    Err(_) => answers.push((0, String::new())),
                }
            }
            answers
        }));
    }
    let mut answers = Vec::new();
    for reader in readers {
        answers.extend(reader.await.expect("a reader"));
    }
    answers
}

/// The request ids of the `read` entries of these persons' journal.
async fn journaled_reads(app: &TestApp, ids: &[String]) -> Vec<String> {
    let mut reads = Vec::new();
    for id in ids {
        let filter = JournalFilter { person_id: Some(id.parse().expect("uuid")), ..JournalFilter::default() };
        let page = app
            .store
            .run(move |conn| journal::list(conn, &filter, &PageRequest::first(100)))
            .await
            .expect("the journal");
        assert!(page.next_cursor.is_none(), "one page holds the test's entries");
        reads.extend(
            page.items
                .into_iter()
                .filter(|entry| entry.access.action == "read")
                .map(|entry| entry.access.request_id.expect("a request id")),
        );
    }
    reads
}

async fn concurrent_reads_are_each_journaled_once(app: TestApp) {
    let ft = france_travail(&app).await;
    let ids = persons(&app, &ft, 4).await;
    let answers = read_concurrently(&app, &ft, &ids, 8).await;
    assert_eq!(answers.len(), READERS * 8);
    assert!(answers.iter().all(|(status, _)| *status == 200), "{answers:?}");
    let answered: BTreeSet<String> = answers.into_iter().map(|(_, id)| id).collect();
    assert_eq!(answered.len(), READERS * 8, "each answer has a request id of its own");

    let journaled = journaled_reads(&app, &ids).await;
    assert_eq!(journaled.len(), READERS * 8, "one entry per read, none lost or doubled in a batch");
    assert_eq!(journaled.into_iter().collect::<BTreeSet<_>>(), answered);
}

/// Makes every insert into the journal fail (a trigger), or lifts that.
async fn refuse_journal_entries(app: &TestApp, refuse: bool) {
    let statements: &[&str] = match (app.store.backend(), refuse) {
        (Backend::Postgres, true) => &[
            "CREATE FUNCTION refuse_journal() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'the journal refuses entries'; END $$",
            "CREATE TRIGGER refuse_journal BEFORE INSERT ON access_journal \
             FOR EACH ROW EXECUTE FUNCTION refuse_journal()",
        ],
        (Backend::Sqlite, true) => &["CREATE TRIGGER refuse_journal BEFORE INSERT ON access_journal \
                                      BEGIN SELECT RAISE(ABORT, 'the journal refuses entries'); END"],
        (Backend::Postgres, false) => &["DROP TRIGGER refuse_journal ON access_journal"],
        (Backend::Sqlite, false) => &["DROP TRIGGER refuse_journal"],
    };
    app.store
        .run(move |conn| {
            for statement in statements {
                diesel::sql_query(*statement).execute(conn)?;
            }
            Ok(())
        })
        .await
        .expect("the trigger");
}

async fn a_read_whose_entry_cannot_be_written_is_not_answered(app: TestApp) {
    let ft = france_travail(&app).await;
    let ids = persons(&app, &ft, 2).await;
    refuse_journal_entries(&app, true).await;

    let answers = read_concurrently(&app, &ft, &ids, 2).await;
    assert!(answers.iter().all(|(status, _)| *status == 503), "no read answered unjournaled: {answers:?}");
    let refused = app.client.get(app.url(&format!("/v1/persons/{}", ids[0]))).bearer_auth(&ft.token).send().await;
    assert_problem(refused.expect("GET"), 503, "service_unavailable").await;

    // The writer goes on once the journal takes entries again.
    refuse_journal_entries(&app, false).await;
    let answers = read_concurrently(&app, &ft, &ids, 1).await;
    assert!(answers.iter().all(|(status, _)| *status == 200), "{answers:?}");
    assert_eq!(journaled_reads(&app, &ids).await.len(), READERS, "only the answered reads are journaled");
}

/// PostgreSQL: the server's connections are killed (`pg_terminate_backend`) every 20 ms
/// while 16 clients read — in the middle of reads and of journal batches. Reads fail then, but
/// every read that was answered has its entry.
#[actix_web::test]
async fn no_read_is_answered_before_its_entry_is_durable_when_connections_die() {
    let Some(app) = TestApp::postgres_with(Config::default()).await else { return };
    let ft = france_travail(&app).await;
    let ids = persons(&app, &ft, 4).await;

    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicUsize::new(0));
    let killer = {
        let (stop, killed, url) = (stop.clone(), killed.clone(), app.database_url.clone());
        std::thread::spawn(move || {
            let mut conn = PgConnection::establish(&url).expect("a connection of the test's own");
            while !stop.load(Ordering::Relaxed) {
                #[derive(diesel::QueryableByName)]
                struct Killed {
                    #[diesel(sql_type = diesel::sql_types::Bool)]
                    #[expect(dead_code, reason = "the rows are counted")]
                    done: bool,
                }
                let rows: Vec<Killed> = diesel::sql_query(
                    "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .load(&mut conn)
                .expect("terminate the server's connections");
                killed.fetch_add(rows.len(), Ordering::Relaxed);
                // Long enough for the pool to open new connections and some reads to get through.
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    // Rounds of reads until enough got through between the kills (how many do depends on the
    // machine's load), at most ten.
    let mut answers = Vec::new();
    for _ in 0..10 {
        answers.extend(read_concurrently(&app, &ft, &ids, 12).await);
        if answers.iter().filter(|(status, _)| *status == 200).count() >= 32 {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    killer.join().expect("the killer");

    assert!(killed.load(Ordering::Relaxed) > 0, "connections were killed during the reads");
    let answered: BTreeSet<String> =
        answers.iter().filter(|(status, _)| *status == 200).map(|(_, id)| id.clone()).collect();
    assert!(
        answers.iter().all(|(status, _)| matches!(status, 200 | 500 | 503)),
        "a read either answers or fails: {answers:?}"
    );
    // The journal, read on a connection of the test's own (the pool's may have been killed).
    let mut conn = PgConnection::establish(&app.database_url).expect("connect");
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        request_id: Option<String>,
    }
    let entries: Vec<Entry> = diesel::sql_query("SELECT request_id FROM access_journal WHERE action = 'read'")
        .load(&mut conn)
        .expect("the journal");
    let journaled: BTreeSet<String> = entries.into_iter().filter_map(|entry| entry.request_id).collect();
    let unjournaled: Vec<&String> = answered.difference(&journaled).collect();
    assert!(unjournaled.is_empty(), "answered without a durable entry: {unjournaled:?}");
    assert!(!answered.is_empty(), "some reads got through between the kills");
}
