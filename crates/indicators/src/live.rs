//! The live figures: every computed indicator as a full computation as of today would give
//! it, kept current from the change feed between two vintages (`store::indicators::live` keeps
//! the groups; this module runs the follower and turns the groups into cells). They are served
//! to the committees (`GET /v1/indicators/{code}?vintage=live`), never published as open data:
//! a published figure is a vintage.

use std::time::Duration;

use plateforme_store::changes;
use plateforme_store::indicators::live::{self, LiveState, Step};
use plateforme_store::indicators::vintages::Cell;
use plateforme_store::{DbConnection, Store, StoreError};

use crate::compute::{cells_from, cells_of};
use crate::definitions::Definition;

/// Events read, and decisions counted, per step of the follower.
pub const BATCH: i64 = 1_000;

/// How long the follower gathers the writes that follow a step which caught up, before its next
/// step. A step is a write transaction of its own (its position, the groups it moves) with its
/// commit: stepping at every commit of a busy server made a dossier update cost 50 % more
/// PostgreSQL CPU (1.45 against 0.97 ms) and 20 % of the updates per second
/// (docs/performance.md, "The live figures' follower, paced"). Gathering bounds the steps to a
/// few a second under any load — each then takes every write of the interval at once — and
/// delays the figures by this much at most; a step that finds a full batch waiting goes on at
/// once.
pub const GATHER: Duration = Duration::from_millis(200);

/// The follower of a replica: a step, then another at once while a full batch waited, or after
/// [`GATHER`] when it caught up; otherwise it waits for a write of this replica or `poll` (other
/// replicas' writes). Every replica runs one: a step finds the follower held by another replica
/// and does nothing.
pub async fn run(store: Store, poll: Duration) {
    loop {
        let today = plateforme_model::ids::now().date_naive();
        let step = move |conn: &mut DbConnection| {
            if !live::has_work(conn, today)? {
                return Ok(None);
            }
            live::step(conn, today, BATCH)
        };
        match store.run(step).await {
            Ok(Some(Step::Built)) => {
                tracing::info!(%today, "indicators: live figures built from the records");
                continue;
            }
            Ok(Some(Step::NewMonth)) => continue,
            Ok(Some(Step::Followed { events, decisions })) if events > 0 || decisions > 0 => {
                let full = usize::try_from(BATCH).unwrap_or(usize::MAX);
                if events < full && decisions < full {
                    actix_web::rt::time::sleep(GATHER).await;
                }
                continue;
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "indicators: a step of the live figures failed; trying again"),
        }
        changes::wait_for_appended(poll).await;
    }
}

/// Follows until nothing waits (for the command line and the tests): the figures as of today,
/// built when they must be. Answers whether they caught up; waits while another replica holds
/// the follower or a transaction still open holds the feed back, `patience` at most.
pub fn catch_up(conn: &mut DbConnection, patience: Duration) -> Result<bool, StoreError> {
    let started = std::time::Instant::now();
    loop {
        let today = plateforme_model::ids::now().date_naive();
        if !live::has_work(conn, today)? {
            return Ok(true);
        }
        if started.elapsed() > patience {
            return Ok(false);
        }
        match live::step(conn, today, BATCH)? {
            Some(Step::Followed { events: 0, decisions: 0 }) | None => std::thread::sleep(Duration::from_millis(20)),
            Some(_) => {}
        }
    }
}

/// The live cells of one computed indicator, with where the figures stand; `None` before they
/// are first built (or while they are built anew by another version of the code).
pub fn indicator_cells(
    conn: &mut DbConnection,
    definition: &Definition,
) -> Result<Option<(LiveState, Vec<Cell>)>, StoreError> {
    let state = live::state(conn)?;
    let Some(computation) = definition.computation.filter(|_| state.current && state.as_of.is_some()) else {
        return Ok(None);
    };
    let groups = live::groups(conn, computation.measure)?;
    Ok(Some((state, cells_of(definition, &groups))))
}

/// The live cells of every computed indicator, as [`crate::compute::compute_cells`] answers a
/// full computation's.
pub fn all_cells(conn: &mut DbConnection) -> Result<Vec<Cell>, StoreError> {
    cells_from(|measure| live::groups(conn, measure))
}
