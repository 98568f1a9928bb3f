//! Replay and redelivery protection.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;

/// Replay and redelivery protection. Webhooks are delivered **at least once**: a receiver
/// that must act once per event asks the store before acting.
///
/// Call [`first_seen`](Self::first_seen) after verification; process only when it returns
/// `true`; if processing then fails, call [`forget`](Self::forget) so the vendor's retry is
/// processed. A store shared by several receiver instances (a database table with a unique
/// key) gives the same guarantee across instances; [`InMemoryDedupe`] is per process.
pub trait DedupeStore: Send + Sync {
    /// Records `(provider, event_key)` and returns `true` if it was not recorded before.
    fn first_seen(&self, provider: &str, event_key: &str) -> bool;

    /// Forgets `(provider, event_key)`, so its next delivery counts as first seen.
    fn forget(&self, provider: &str, event_key: &str);
}

type DedupeKey = (String, String);

struct Lru {
    /// key → the stamp of its newest entry in `order`.
    stamps: HashMap<DedupeKey, u64>,
    /// Keys oldest first; an entry whose stamp is not the key's current stamp is stale.
    order: VecDeque<(DedupeKey, u64)>,
    next: u64,
}

/// An in-memory, least-recently-seen-evicting [`DedupeStore`] holding at most `capacity`
/// event keys. Per process and lost on restart: size it to cover the vendor's retry window
/// (Decoda retries for about 30 minutes).
pub struct InMemoryDedupe {
    capacity: usize,
    inner: Mutex<Lru>,
}

impl InMemoryDedupe {
    /// A store remembering the `capacity` most recently seen keys (at least 1).
    pub fn new(capacity: usize) -> InMemoryDedupe {
        InMemoryDedupe {
            capacity: capacity.max(1),
            inner: Mutex::new(Lru {
                stamps: HashMap::new(),
                order: VecDeque::new(),
                next: 0,
            }),
        }
    }

    /// How many keys it holds now.
    pub fn len(&self) -> usize {
        self.lock().stamps.len()
    }

    /// `true` when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        // A panic while holding the lock leaves the maps consistent (every step is a single
        // insert/remove), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for InMemoryDedupe {
    /// 10 000 keys.
    fn default() -> Self {
        InMemoryDedupe::new(10_000)
    }
}

impl fmt::Debug for InMemoryDedupe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryDedupe")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl DedupeStore for InMemoryDedupe {
    fn first_seen(&self, provider: &str, event_key: &str) -> bool {
        let mut lru = self.lock();
        let key = (provider.to_owned(), event_key.to_owned());
        let stamp = lru.next;
        lru.next += 1;
        let first = lru.stamps.insert(key.clone(), stamp).is_none();
        lru.order.push_back((key, stamp));
        while lru.stamps.len() > self.capacity {
            let Some((old, old_stamp)) = lru.order.pop_front() else {
                break;
            };
            if lru.stamps.get(&old) == Some(&old_stamp) {
                lru.stamps.remove(&old);
            }
        }
        // Drop stale entries so `order` stays within twice the capacity.
        if lru.order.len() > 2 * self.capacity {
            let Lru { stamps, order, .. } = &mut *lru;
            order.retain(|(k, s)| stamps.get(k) == Some(s));
        }
        first
    }

    fn forget(&self, provider: &str, event_key: &str) {
        let mut lru = self.lock();
        lru.stamps
            .remove(&(provider.to_owned(), event_key.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_evicts_least_recently_seen() {
        let store = InMemoryDedupe::new(2);
        assert!(store.first_seen("decoda", "a"));
        assert!(store.first_seen("decoda", "b"));
        assert!(!store.first_seen("decoda", "a")); // a is now newest
        assert!(store.first_seen("decoda", "c")); // evicts b
        assert_eq!(store.len(), 2);
        assert!(!store.first_seen("decoda", "a"));
        assert!(store.first_seen("decoda", "b"));
        // provider is part of the key
        assert!(store.first_seen("carevalidate", "b"));
    }

    #[test]
    fn lru_order_stays_bounded() {
        let store = InMemoryDedupe::new(3);
        for _ in 0..1000 {
            store.first_seen("p", "same");
        }
        assert!(store.lock().order.len() <= 6);
        assert_eq!(store.len(), 1);
    }

    /// Stale entries are dropped only once the queue holds more than twice the capacity
    /// (so the cost of compacting is amortized over `capacity` calls), and compacting keeps
    /// every live key in its place.
    #[test]
    fn compaction_waits_for_twice_the_capacity_and_keeps_live_keys() {
        let store = InMemoryDedupe::new(3);
        let mut longest = 0;
        for _ in 0..20 {
            store.first_seen("p", "same");
            longest = longest.max(store.lock().order.len());
        }
        assert_eq!(longest, 6);
        // After compactions, the live key is still the oldest and is evicted first.
        assert!(store.first_seen("p", "b"));
        assert!(store.first_seen("p", "c"));
        assert!(store.first_seen("p", "d"));
        assert_eq!(store.len(), 3);
        assert!(!store.first_seen("p", "d"));
        assert!(!store.first_seen("p", "c"));
        assert!(!store.first_seen("p", "b"));
        assert!(store.first_seen("p", "same"));
    }

    #[test]
    fn forget_allows_reprocessing() {
        let store = InMemoryDedupe::new(10);
        assert!(store.first_seen("p", "e"));
        store.forget("p", "e");
        assert!(store.first_seen("p", "e"));
    }
}
