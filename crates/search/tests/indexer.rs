//! The indexer's thread lives as long as a handle to it: once the server that used it stopped
//! (its last `Indexer` dropped), the thread ends and lets go of the index folder and of its
//! database connections — a process that starts and stops servers (the tests, a supervisor
//! restarting one in place) does not pile up threads polling the database.

use std::time::{Duration, Instant};

use plateforme_search::indexer::IndexerOptions;
use plateforme_search::{Document, Indexer, Kind, Source};
use plateforme_store::{DbConnection, Store, StoreError, StoreOptions};
use uuid::Uuid;

/// A kind with nothing to index: the test is about the thread, not the documents.
struct Nothing;

impl Source for Nothing {
    fn kind(&self) -> Kind {
        Kind::new("nothing", "nothing", 1).text("title", 1.0)
    }

    fn load(&self, _: &mut DbConnection, ids: &[Uuid]) -> Result<Vec<(Uuid, Option<Document>)>, StoreError> {
        Ok(ids.iter().map(|id| (*id, None)).collect())
    }

    fn page(&self, _: &mut DbConnection, _: Option<Uuid>, _: usize) -> Result<Vec<Document>, StoreError> {
        Ok(Vec::new())
    }
}

#[test]
fn the_thread_ends_with_the_last_handle_and_frees_the_folder() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", folder.path().join("test.db").display());
    let store = Store::connect(&url, &StoreOptions::default()).expect("open the database");
    store.migrate().expect("migrate");
    let index = folder.path().join("search");
    let options = IndexerOptions { poll: Duration::from_millis(50), ..IndexerOptions::default() };

    let first = Indexer::start(&index, store.clone(), Nothing, options.clone()).expect("the first start");
    let copy = first.clone();
    // The thread holds the folder once it has built the (empty) index.
    let deadline = Instant::now() + Duration::from_secs(10);
    while first.progress().rebuilding {
        assert!(Instant::now() < deadline, "the index is not built within 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        Indexer::start(&index, store.clone(), Nothing, options.clone()).is_err(),
        "the folder is held while an indexer runs"
    );
    drop(first);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        Indexer::start(&index, store.clone(), Nothing, options.clone()).is_err(),
        "a handle is left: the thread still runs"
    );

    drop(copy);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match Indexer::start(&index, store.clone(), Nothing, options.clone()) {
            Ok(_) => return,
            Err(error) if Instant::now() > deadline => {
                panic!("the folder is still held after the last handle: {error}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
