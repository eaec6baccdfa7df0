//! Order-keeping parallel work with scoped threads: batch queries need a
//! map over a slice in input order, indexing a pipeline that stores its
//! results in input order without waiting on its slowest item.

use std::collections::{BTreeMap, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;

/// `f` applied to every item on up to `threads` threads; results in item
/// order. `done` is called once per item as it finishes (progress bars).
pub fn map<T: Sync, R: Send + Sync>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
    done: impl Fn() + Sync,
) -> Vec<R> {
    let slots: Vec<OnceLock<R>> = items.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let _ = slots[i].set(f(item));
                done();
            });
        }
    });
    slots.into_iter().map(|s| s.into_inner().expect("every slot is filled")).collect()
}

/// Cores to use: all of them, at most `max`.
pub fn cores(max: usize) -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, max)
}

/// Runs `prepare` on `threads` threads, which live for the whole run, over
/// the jobs that `job` makes of `items` (`None`: nothing to prepare), and
/// hands each result to `store` strictly in job order, as soon as every
/// earlier one is stored. At most `ahead` jobs are out beyond the next one to
/// store: memory stays bounded while one job is slow, and the other threads
/// go on with the jobs after it.
///
/// `job` and `store` run on the calling thread, in item order, with `state`.
/// A panic in `prepare` reaches `store` as `Err` for that job. The first
/// error from `store` stops the run: jobs not yet begun are dropped, and the
/// error is returned once the threads have finished what they held.
pub fn ordered_pipeline<S, I, J, R, E>(
    state: &mut S,
    items: impl IntoIterator<Item = I>,
    threads: usize,
    ahead: usize,
    job: impl FnMut(&mut S, I) -> Option<J>,
    prepare: impl Fn(&J) -> R + Sync,
    store: impl FnMut(&mut S, &J, thread::Result<R>) -> Result<(), E>,
) -> Result<(), E>
where
    J: Send + Sync,
    R: Send,
{
    let (to_threads, jobs) = mpsc::channel::<(usize, Arc<J>)>();
    let (done, results) = mpsc::channel::<(usize, thread::Result<R>)>();
    let jobs = Mutex::new(jobs);
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let (done, jobs, stop, prepare) = (done.clone(), &jobs, &stop, &prepare);
            scope.spawn(move || loop {
                let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok((seq, job)) = next else { break };
                if stop.load(Ordering::Acquire) {
                    break;
                }
                let out = panic::catch_unwind(AssertUnwindSafe(|| prepare(&job)));
                // The caller stores from its own handle to the job.
                drop(job);
                if done.send((seq, out)).is_err() {
                    break;
                }
            });
        }
        drop(done);
        let mut order = Reorder { to_threads, results, out: VecDeque::new(), ready: BTreeMap::new(), stored: 0 };
        let fed = order.feed(state, items, ahead.max(1), job, store);
        // Threads leave instead of preparing what is left, and the scope
        // waits for them.
        stop.store(true, Ordering::Release);
        drop(order);
        fed
    })
}

/// The calling thread's side of [`ordered_pipeline`]: jobs out, in order,
/// and the results that came back before their turn.
struct Reorder<J, R> {
    to_threads: Sender<(usize, Arc<J>)>,
    results: Receiver<(usize, thread::Result<R>)>,
    /// Jobs handed out and not yet stored; the first is number `stored`.
    out: VecDeque<Arc<J>>,
    ready: BTreeMap<usize, thread::Result<R>>,
    stored: usize,
}

impl<J, R> Reorder<J, R> {
    fn feed<S, I, E>(
        &mut self,
        state: &mut S,
        items: impl IntoIterator<Item = I>,
        ahead: usize,
        mut job: impl FnMut(&mut S, I) -> Option<J>,
        mut store: impl FnMut(&mut S, &J, thread::Result<R>) -> Result<(), E>,
    ) -> Result<(), E> {
        for item in items {
            let Some(job) = job(state, item) else { continue };
            while self.out.len() >= ahead {
                self.take(state, &mut store)?;
            }
            let job = Arc::new(job);
            // A job that cannot be sent is taken as lost below.
            let _ = self.to_threads.send((self.stored + self.out.len(), Arc::clone(&job)));
            self.out.push_back(job);
        }
        while !self.out.is_empty() {
            self.take(state, &mut store)?;
        }
        Ok(())
    }

    /// Waits for one result, then stores every result whose turn has come.
    fn take<S, E>(
        &mut self,
        state: &mut S,
        store: &mut impl FnMut(&mut S, &J, thread::Result<R>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self.results.recv() {
            Ok((seq, out)) => {
                self.ready.insert(seq, out);
            }
            // Every thread is gone (which a caught panic cannot cause): what
            // they held counts as panicked, not as a wait without end.
            Err(_) => {
                for seq in self.stored..self.stored + self.out.len() {
                    self.ready.entry(seq).or_insert_with(|| Err(Box::new("thread gone")));
                }
            }
        }
        while let Some(out) = self.ready.remove(&self.stored) {
            let Some(job) = self.out.pop_front() else { break };
            self.stored += 1;
            store(state, &job, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_visits_each_item_once() {
        let items: Vec<u32> = (0..1000).collect();
        let count = std::sync::atomic::AtomicUsize::new(0);
        let out = super::map(
            &items,
            4,
            |x| x * 2,
            || {
                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
        );
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(count.into_inner(), 1000);
    }
}

#[cfg(test)]
mod pipeline_tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{mpsc, Mutex};
    use std::time::Duration;

    use super::ordered_pipeline;

    /// Stores go in item order and skip what `job` declined; no job is
    /// prepared further than `ahead` beyond the next one to store, and no
    /// more than `threads` are prepared at once.
    #[test]
    fn stores_in_order_within_the_bound() {
        let (threads, ahead) = (4, 8);
        let stored = AtomicUsize::new(0);
        let (running, most_running, furthest) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
        let mut out: Vec<u32> = Vec::new();
        let result: Result<(), ()> = ordered_pipeline(
            &mut out,
            0..2000u32,
            threads,
            ahead,
            |_, i| (i % 7 != 3).then_some(i),
            |&i| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most_running.fetch_max(now, Ordering::SeqCst);
                // Jobs before this one that are not stored yet, this one included.
                let position = (0..=i).filter(|j| j % 7 != 3).count();
                furthest.fetch_max(position - stored.load(Ordering::SeqCst), Ordering::SeqCst);
                std::thread::yield_now();
                running.fetch_sub(1, Ordering::SeqCst);
                i * 2
            },
            |out, &i, doubled| {
                assert_eq!(doubled.ok(), Some(i * 2));
                out.push(i);
                stored.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(out, (0..2000).filter(|i| i % 7 != 3).collect::<Vec<_>>());
        assert!(furthest.into_inner() <= ahead);
        assert!(most_running.into_inner() <= threads);
    }

    /// While the first job is held up, the other threads prepare the jobs
    /// after it up to the bound, and none beyond it.
    #[test]
    fn a_slow_job_does_not_hold_up_the_others() {
        let (threads, ahead) = (3, 40);
        let (finished, finishes) = mpsc::channel::<u32>();
        let finishes = Mutex::new(finishes);
        let beyond = AtomicBool::new(false);
        let seen_while_held = AtomicUsize::new(0);
        let mut out: Vec<u32> = Vec::new();
        let result: Result<(), ()> = ordered_pipeline(
            &mut out,
            0..200u32,
            threads,
            ahead,
            |_, i| Some(i),
            |&i| {
                if i == 0 {
                    let finishes = finishes.lock().unwrap();
                    // Every other job that fits in the bound: 1..ahead. The
                    // timeout only keeps a broken pipeline from hanging the test.
                    let seen =
                        (1..ahead).take_while(|_| finishes.recv_timeout(Duration::from_secs(60)).is_ok()).count();
                    seen_while_held.store(seen, Ordering::SeqCst);
                    assert!(!beyond.load(Ordering::SeqCst));
                } else {
                    if i as usize >= ahead {
                        beyond.store(true, Ordering::SeqCst);
                    }
                    let _ = finished.send(i);
                }
                i
            },
            |out, &i, got| {
                assert_eq!(got.ok(), Some(i));
                out.push(i);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen_while_held.into_inner(), ahead - 1);
        assert_eq!(out, (0..200).collect::<Vec<_>>());
    }

    /// The first store error ends the run: nothing after it is stored, few
    /// jobs past it are prepared, and the threads leave (no hang).
    #[test]
    fn a_store_error_stops_the_run() {
        let (threads, ahead) = (2, 16);
        let prepared = AtomicUsize::new(0);
        let mut out: Vec<u32> = Vec::new();
        let result = ordered_pipeline(
            &mut out,
            0..100_000u32,
            threads,
            ahead,
            |_, i| Some(i),
            |&i| {
                prepared.fetch_add(1, Ordering::SeqCst);
                i
            },
            |out, &i, _| {
                if i == 5 {
                    return Err(format!("full at {i}"));
                }
                out.push(i);
                Ok(())
            },
        );
        assert_eq!(result, Err("full at 5".to_string()));
        assert_eq!(out, vec![0, 1, 2, 3, 4]);
        assert!(prepared.into_inner() <= 6 + ahead);
    }

    /// A panic while preparing one job reaches `store` as that job's error;
    /// the rest go on, in order.
    #[test]
    fn a_panic_costs_its_job_only() {
        let mut out: Vec<Option<u32>> = Vec::new();
        let result: Result<(), ()> = ordered_pipeline(
            &mut out,
            0..50u32,
            4,
            8,
            |_, i| Some(i),
            |&i| {
                assert_ne!(i, 17, "injected");
                i
            },
            |out, _, got| {
                out.push(got.ok());
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(out, (0..50).map(|i| (i != 17).then_some(i)).collect::<Vec<_>>());
    }
}
