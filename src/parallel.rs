//! Order-keeping parallel map over a slice with scoped threads: batch
//! queries and indexing both need results in input order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

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
