//! Searches take turns on the machine's cores. A search is pure CPU over the mmap'd index, so
//! running more of them at once than there are cores only slices the cores finer: every search
//! in flight then takes as long as the slowest share allows, and the tail latency grows with
//! the spread of their costs. Here at most one search per core runs at a time and the others
//! wait their turn in arrival order (a fair semaphore), as search servers size a search thread
//! pool by the cores: the same throughput, a shorter tail (docs/performance.md, "Searches take
//! turns").

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use crate::SearchError;

/// One turn per core of the process, for every kind's searches together: they share the cores.
fn turns() -> &'static Semaphore {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from)))
}

/// Runs `search` (an [`Engine`](crate::Engine) search or completion) off the async workers once
/// its turn comes, in the order the searches arrived.
pub async fn in_turn<T, F>(search: F) -> Result<T, SearchError>
where
    F: FnOnce() -> Result<T, SearchError> + Send + 'static,
    T: Send + 'static,
{
    // The semaphore is never closed: a failed acquire cannot happen, and would only mean no turn.
    let _turn = turns().acquire().await.map_err(|_| SearchError::Interrupted)?;
    tokio::task::spawn_blocking(search).await.map_err(|_| SearchError::Interrupted)?
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn no_more_searches_run_at_once_than_there_are_turns() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let searches: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(in_turn(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                }))
            })
            .collect();
        for search in searches {
            search.await.expect("task").expect("search");
        }
        let turns = std::thread::available_parallelism().map_or(2, usize::from);
        assert!(most.load(Ordering::SeqCst) <= turns, "{} searches ran at once", most.load(Ordering::SeqCst));
        assert_eq!(running.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_search_that_panics_fails_alone_and_gives_its_turn_back() {
        let turns = std::thread::available_parallelism().map_or(2, usize::from);
        for _ in 0..turns + 1 {
            let failed = in_turn::<(), _>(|| panic!("a search that breaks")).await;
            assert!(matches!(failed, Err(SearchError::Interrupted)));
        }
        assert_eq!(in_turn(|| Ok(7)).await.expect("the turns are all free again"), 7);
    }
}
