//! hyper's header-read timer at a coarse resolution.
//!
//! hyper arms its header-read timeout anew for every request head it waits for. With
//! `hyper_util`'s `TokioTimer` that is a tokio timer registered and cancelled per request
//! (and, when no other timer is pending, a wake-up of the runtime's timer driver): about a
//! tenth of the sandbox's throughput (`sandbox_vs_raw_hyper` 1.12 with it, 1.01 without,
//! docs/performance.md). A header-read timeout needs no millisecond precision, so here
//! a waiting head costs a slot in one table, and one ticker task wakes every head whose
//! deadline has passed, `resolution` after it at the latest.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};

/// The deadlines being waited for: a slot per waiting sleep, reused once it is dropped.
#[derive(Default)]
struct Table {
    slots: Vec<Option<(Instant, Waker)>>,
    free: Vec<usize>,
}

#[derive(Default)]
struct Shared {
    table: Mutex<Table>,
}

impl Shared {
    fn table(&self) -> MutexGuard<'_, Table> {
        // A panic while holding the lock leaves the table consistent (every update is one
        // assignment): keep using it.
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A [`Timer`] for hyper whose sleeps end within one `resolution` after their deadline.
/// [`CoarseTimer::tick`] must run for any sleep to end after it was first polled.
#[derive(Clone)]
pub(crate) struct CoarseTimer {
    shared: Arc<Shared>,
    resolution: Duration,
}

impl CoarseTimer {
    /// A timer whose sleeps end at most `resolution` late (at least 1 ms).
    pub(crate) fn new(resolution: Duration) -> CoarseTimer {
        CoarseTimer {
            shared: Arc::default(),
            resolution: resolution.max(Duration::from_millis(1)),
        }
    }

    /// Wakes, every `resolution`, each sleep whose deadline has passed. Runs until dropped.
    pub(crate) async fn tick(self) {
        let mut ticks = tokio::time::interval(self.resolution);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut due = Vec::new();
        loop {
            ticks.tick().await;
            let now = now();
            due.extend(
                self.shared
                    .table()
                    .slots
                    .iter()
                    .flatten()
                    .filter(|(deadline, _)| *deadline <= now)
                    .map(|(_, waker)| waker.clone()),
            );
            // Woken outside the lock: a woken task may run (and poll its sleep) at once.
            due.drain(..).for_each(Waker::wake);
        }
    }
}

/// The clock of the runtime (tokio's, so that a paused test clock applies).
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

impl Timer for CoarseTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        Box::pin(CoarseSleep {
            deadline,
            shared: Arc::clone(&self.shared),
            slot: None,
        })
    }

    fn now(&self) -> Instant {
        now()
    }
}

/// One sleep: ready once its deadline has passed; while pending, its waker is in a slot.
struct CoarseSleep {
    deadline: Instant,
    shared: Arc<Shared>,
    slot: Option<usize>,
}

impl CoarseSleep {
    fn release(&mut self) {
        if let Some(i) = self.slot.take() {
            let mut table = self.shared.table();
            table.slots[i] = None;
            table.free.push(i);
        }
    }
}

impl std::future::Future for CoarseSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if now() >= this.deadline {
            this.release();
            return Poll::Ready(());
        }
        let mut table = this.shared.table();
        match this.slot {
            Some(i) => {
                if let Some((_, waker)) = &mut table.slots[i]
                    && !waker.will_wake(cx.waker())
                {
                    waker.clone_from(cx.waker());
                }
            }
            None => {
                let entry = Some((this.deadline, cx.waker().clone()));
                let i = match table.free.pop() {
                    Some(i) => {
                        table.slots[i] = entry;
                        i
                    }
                    None => {
                        table.slots.push(entry);
                        table.slots.len() - 1
                    }
                };
                this.slot = Some(i);
            }
        }
        Poll::Pending
    }
}

impl Drop for CoarseSleep {
    fn drop(&mut self) {
        self.release();
    }
}

impl Sleep for CoarseSleep {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_sleep_ends_after_its_deadline_within_one_tick() {
        let timer = CoarseTimer::new(Duration::from_millis(50));
        let ticker = tokio::spawn(timer.clone().tick());
        let started = tokio::time::Instant::now();
        timer.sleep(Duration::from_millis(120)).await;
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(120) && waited <= Duration::from_millis(170),
            "{waited:?}"
        );
        ticker.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn dropped_sleeps_free_their_slots_for_reuse() {
        let timer = CoarseTimer::new(Duration::from_millis(10));
        let ticker = tokio::spawn(timer.clone().tick());
        for _ in 0..100 {
            let sleep = timer.sleep(Duration::from_secs(30));
            // Polled once (registered), then dropped, as hyper does when a head arrives.
            assert!(
                tokio::time::timeout(Duration::from_millis(1), sleep)
                    .await
                    .is_err()
            );
        }
        {
            let table = timer.shared.table();
            assert_eq!(table.slots.len(), 1, "one slot, reused");
            assert!(table.slots.iter().all(Option::is_none));
        }
        // A sleep whose deadline already passed is ready without the ticker.
        ticker.abort();
        timer.sleep(Duration::ZERO).await;
    }

    #[tokio::test(start_paused = true)]
    async fn many_waiting_sleeps_all_end() {
        let timer = CoarseTimer::new(Duration::from_millis(20));
        let ticker = tokio::spawn(timer.clone().tick());
        let sleeps: Vec<_> = (1..=50_u64)
            .map(|i| tokio::spawn(timer.sleep(Duration::from_millis(3 * i))))
            .collect();
        for s in sleeps {
            s.await.unwrap();
        }
        assert!(timer.shared.table().slots.iter().all(Option::is_none));
        ticker.abort();
    }
}
