//! The thread pool compiled parallel loops run on.
//!
//! A backend that parallelizes an `scf.parallel` outlines its body into a
//! function `body(ctx, lo, hi)` running iterations `lo..hi` and calls
//! [`_tessera_parallel_for`], which splits the iteration range into chunks
//! and runs them on a rayon pool of the requested size. Iterations of a
//! parallel loop without reductions are independent, so the result does
//! not depend on the number of threads or on how the range is split.
//!
//! Pools are made on first use and kept for the life of the process, one
//! per thread count, so a call costs a dispatch, not a thread start.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::ThreadPool;
use rayon::prelude::*;

/// The symbol generated code calls [`_tessera_parallel_for`] by.
pub const PARALLEL_FOR: &str = "_tessera_parallel_for";

/// The outlined body of a parallel loop: runs iterations `lo..hi` with the
/// captured values at `ctx`.
pub type ParallelBody = extern "C" fn(ctx: *mut u8, lo: i64, hi: i64);

thread_local! {
    /// How many calls of [`_tessera_parallel_for`] made on this thread went
    /// to a pool.
    static POOL_RUNS: Cell<u64> = const { Cell::new(0) };
}

/// How many parallel loops the calling thread has run on a thread pool
/// (rather than by itself): a statistic, and how tests see that compiled
/// code really uses the pool. Per thread, so concurrent callers do not
/// disturb each other's counts.
pub fn pool_runs() -> u64 {
    POOL_RUNS.with(Cell::get)
}

/// Chunks per worker: more than one, so a slow chunk (a busy core) does
/// not hold up the others for long.
const CHUNKS_PER_THREAD: i64 = 4;

/// The pool of `threads` workers, made on first use; `None` if rayon
/// cannot start one (the caller then runs sequentially).
fn pool(threads: usize) -> Option<Arc<ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(|| Mutex::new(HashMap::new()));
    // A poisoned lock only means another caller panicked while holding
    // it; the map itself is always consistent.
    let mut pools = pools.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = pools.get(&threads) {
        return Some(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("tessera-worker-{i}"))
            .build()
            .ok()?,
    );
    pools.insert(threads, p.clone());
    Some(p)
}

/// Runs `body(ctx, a, b)` over chunks `[a, b)` covering `[lo, hi)` on a
/// pool of `threads` workers, returning when all are done. With
/// `threads <= 1`, fewer than two iterations, or no pool, it calls
/// `body(ctx, lo, hi)` on the calling thread.
///
/// `body` must be safe to run concurrently on disjoint ranges with the
/// same `ctx` (generated code only reads the captured values there).
pub extern "C" fn _tessera_parallel_for(
    body: ParallelBody,
    ctx: *mut u8,
    lo: i64,
    hi: i64,
    threads: i64,
) {
    let n = hi.saturating_sub(lo);
    if threads <= 1 || n < 2 {
        if n > 0 {
            body(ctx, lo, hi);
        }
        return;
    }
    let Some(pool) = pool(threads as usize) else {
        body(ctx, lo, hi);
        return;
    };
    POOL_RUNS.with(|c| c.set(c.get() + 1));
    let chunks = n.min(threads.saturating_mul(CHUNKS_PER_THREAD));
    // Raw pointers are not `Send`; the address crosses threads as an
    // integer and is only read through `body`.
    let ctx_addr = ctx as usize;
    pool.install(|| {
        (0..chunks).into_par_iter().for_each(|c| {
            // Chunk c is [lo + n*c/chunks, lo + n*(c+1)/chunks): sizes
            // differ by at most one. i128 keeps n*c from overflowing.
            let at = |c: i64| lo + ((n as i128 * c as i128) / chunks as i128) as i64;
            body(ctx_addr as *mut u8, at(c), at(c + 1));
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::thread::ThreadId;

    /// Adds every index of its range to the counter at `ctx` and marks it.
    extern "C" fn mark(ctx: *mut u8, lo: i64, hi: i64) {
        // SAFETY: the tests pass a pointer to a live `Marks`.
        let marks = unsafe { &*(ctx as *const Marks) };
        for i in lo..hi {
            marks.seen[i as usize].fetch_add(1, Ordering::Relaxed);
        }
    }

    struct Marks {
        seen: Vec<AtomicI64>,
    }

    fn run(lo: i64, hi: i64, threads: i64) -> Vec<i64> {
        let marks = Marks {
            seen: (0..hi.max(0) + 1).map(|_| AtomicI64::new(0)).collect(),
        };
        _tessera_parallel_for(mark, &marks as *const Marks as *mut u8, lo, hi, threads);
        marks
            .seen
            .iter()
            .map(|a| a.load(Ordering::Relaxed))
            .collect()
    }

    #[test]
    fn every_iteration_runs_exactly_once() {
        for threads in [1, 2, 3, 8] {
            for (lo, hi) in [(0, 1), (0, 2), (3, 10), (0, 1000), (5, 5), (7, 3)] {
                let seen = run(lo, hi, threads);
                for (i, &s) in seen.iter().enumerate() {
                    let expected = i64::from((lo..hi).contains(&(i as i64)));
                    assert_eq!(
                        s, expected,
                        "index {i} of [{lo}, {hi}) on {threads} threads"
                    );
                }
            }
        }
    }

    /// Records the thread it runs on, slowly enough that one worker
    /// cannot take every chunk before the others start.
    extern "C" fn record_thread(ctx: *mut u8, _lo: i64, _hi: i64) {
        // SAFETY: the test passes a pointer to a live mutex.
        let ids = unsafe { &*(ctx as *const Mutex<HashSet<ThreadId>>) };
        ids.lock().unwrap().insert(std::thread::current().id());
        std::thread::sleep(std::time::Duration::from_millis(5));
    }

    #[test]
    fn chunks_run_on_the_pool_workers() {
        let ids: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
        let before = pool_runs();
        let ctx = &ids as *const Mutex<HashSet<ThreadId>> as *mut u8;
        _tessera_parallel_for(record_thread, ctx, 0, 16, 2);
        let ids = ids.into_inner().unwrap();
        assert!(pool_runs() > before);
        assert_eq!(ids.len(), 2, "both workers ran chunks");
        assert!(!ids.contains(&std::thread::current().id()));
    }

    #[test]
    fn pools_are_cached_per_thread_count() {
        let a = pool(3).unwrap();
        let b = pool(3).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.current_num_threads(), 3);
        assert_eq!(pool(2).unwrap().current_num_threads(), 2);
    }
}
