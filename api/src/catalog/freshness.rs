//! How the catalog cache knows its copies are fresh: the listening connection (`LISTEN
//! menu_changes`) turns each notification into "the catalog changed" or "this shop changed", and a
//! read waits for one round trip on that connection begun after it arrived (shared by every read
//! waiting then), since PostgreSQL sends a listener every notification committed before it
//! answers. A copy is trusted while the signals vouch for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Weak};
use std::time::Duration;

use diesel::prelude::*;
use uuid::Uuid;

/// The channel the catalog's triggers notify on: `catalog`, or a shop's id.
pub const MENU_CHANNEL: &str = "menu_changes";

/// Shops whose availability one instance keeps (the chain has 5; beyond the cap the least
/// recently read goes).
pub const SHOPS_KEPT: usize = 256;

/// When a copy was last known to match the database: the listener's connection it was checked
/// under and the count of notifications seen before that check.
#[derive(Clone, Copy, Debug)]
pub(super) struct Checked {
    pub(super) connection: u64,
    pub(super) seen: u64,
}

/// What the listener thread tells the readers.
#[derive(Default)]
pub(super) struct Signals {
    pub(super) connected: AtomicBool,
    /// Increases at each (re)connection: copies checked under an older one must be checked again.
    pub(super) connection: AtomicU64,
    /// Notifications seen so far.
    pub(super) seen: AtomicU64,
    /// When the catalog last changed, in `seen`'s count.
    pub(super) catalog_changed: AtomicU64,
    /// When each shop last changed; bounded: past the cap it is cleared and `all_changed` moves.
    pub(super) shops_changed: Mutex<HashMap<Uuid, u64>>,
    pub(super) all_changed: AtomicU64,
}

impl Signals {
    pub(super) fn now(&self) -> Checked {
        Checked {
            connection: if self.connected.load(Ordering::SeqCst) {
                self.connection.load(Ordering::SeqCst)
            } else {
                0
            },
            seen: self.seen.load(Ordering::SeqCst),
        }
    }

    /// Whether nothing of `shop` (or of the catalog when `None`) changed since `checked`.
    pub(super) fn vouches(&self, checked: Checked, shop: Option<Uuid>) -> bool {
        if checked.connection == 0
            || !self.connected.load(Ordering::SeqCst)
            || self.connection.load(Ordering::SeqCst) != checked.connection
            || self.catalog_changed.load(Ordering::SeqCst) > checked.seen
            || self.all_changed.load(Ordering::SeqCst) > checked.seen
        {
            return false;
        }
        match shop {
            None => true,
            Some(id) => self
                .shops_changed
                .lock()
                .map(|m| m.get(&id).is_none_or(|at| *at <= checked.seen))
                .unwrap_or(false),
        }
    }

    pub(super) fn changed(&self, payload: &str) {
        let at = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if payload == "catalog" {
            self.catalog_changed.store(at, Ordering::SeqCst);
            return;
        }
        match (Uuid::parse_str(payload), self.shops_changed.lock()) {
            (Ok(id), Ok(mut shops)) => {
                if shops.len() >= SHOPS_KEPT && !shops.contains_key(&id) {
                    shops.clear();
                    self.all_changed.store(at, Ordering::SeqCst);
                }
                shops.insert(id, at);
            }
            _ => self.all_changed.store(at, Ordering::SeqCst),
        }
    }
}

/// The listener's side of the cache: the signals, the connection that LISTENs, and the rounds
/// that make a read see every change committed before it began.
pub(super) struct Shared {
    pub(super) signals: Signals,
    /// Held by the background thread to poll and to run the rounds, by reads to drain it.
    pub(super) listener: Mutex<Option<PgConnection>>,
    /// A round is one round trip on the listening connection: PostgreSQL sends a listener every
    /// notification committed before it answers, so after a round that began once a read had
    /// arrived, the signals hold every change committed before that read. One round serves
    /// every read waiting for it: under load, many reads share one round trip.
    pub(super) rounds_started: AtomicU64,
    pub(super) rounds_wanted: AtomicU64,
    pub(super) round_done: tokio::sync::watch::Sender<u64>,
    pub(super) wake: (Mutex<()>, std::sync::Condvar),
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            signals: Signals::default(),
            listener: Mutex::new(None),
            rounds_started: AtomicU64::new(0),
            rounds_wanted: AtomicU64::new(0),
            round_done: tokio::sync::watch::Sender::new(0),
            wake: (Mutex::new(()), std::sync::Condvar::new()),
        }
    }
}

/// How long a read waits for its round before asking the database itself.
pub(super) const ROUND_PATIENCE: Duration = Duration::from_millis(500);

impl Shared {
    /// Takes in the notifications already arrived (a non-blocking read of the socket).
    pub(super) fn drain(&self) {
        let Ok(mut slot) = self.listener.lock() else {
            return;
        };
        Self::drain_slot(&self.signals, &mut slot);
    }

    pub(super) fn drain_slot(signals: &Signals, slot: &mut Option<PgConnection>) {
        let Some(conn) = slot.as_mut() else {
            return;
        };
        let mut lost = false;
        for notification in conn.notifications_iter() {
            match notification {
                Ok(n) => signals.changed(&n.payload),
                Err(e) => {
                    tracing::warn!(error = %e, "menu changes: connection lost, reconnecting");
                    lost = true;
                    break;
                }
            }
        }
        if lost {
            signals.connected.store(false, Ordering::SeqCst);
            *slot = None;
        }
    }

    /// Runs one round: a round trip on the listening connection, then what it brought.
    pub(super) fn round(&self) {
        let round = self.rounds_started.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut slot) = self.listener.lock() {
            if let Some(conn) = slot.as_mut() {
                if let Err(e) = diesel::sql_query("SELECT 1").execute(conn) {
                    tracing::warn!(error = %e, "menu changes: connection lost, reconnecting");
                    self.signals.connected.store(false, Ordering::SeqCst);
                    *slot = None;
                }
            }
            Self::drain_slot(&self.signals, &mut slot);
        }
        self.round_done.send_replace(round);
    }

    /// Waits for a round begun after this call; false when none came in time (listener down).
    pub(super) async fn caught_up(&self) -> bool {
        if !self.signals.connected.load(Ordering::SeqCst) {
            return false;
        }
        let target = self.rounds_started.load(Ordering::SeqCst) + 1;
        let mut done = self.round_done.subscribe();
        if self.rounds_wanted.fetch_max(target, Ordering::SeqCst) < target {
            let _guard = self.wake.0.lock();
            self.wake.1.notify_one();
        }
        let waited = tokio::time::timeout(ROUND_PATIENCE, done.wait_for(|d| *d >= target))
            .await
            .is_ok_and(|r| r.is_ok());
        waited
    }

    /// The background thread's wait: until a read wants a round, at most 20 ms.
    pub(super) fn wait_for_work(&self) {
        let Ok(guard) = self.wake.0.lock() else {
            return;
        };
        if self.rounds_wanted.load(Ordering::SeqCst) > *self.round_done.borrow() {
            return;
        }
        let _ = self.wake.1.wait_timeout(guard, Duration::from_millis(20));
    }
}

/// Keeps the listening connection up, runs the rounds reads ask for, and drains it every 20 ms
/// otherwise.
pub(super) fn listen(database_url: String, shared: Weak<Shared>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let Some(s) = shared.upgrade() else {
            return;
        };
        let connected = s.listener.lock().map(|c| c.is_some()).unwrap_or(false);
        if connected {
            if s.rounds_wanted.load(Ordering::SeqCst) > *s.round_done.borrow() {
                s.round();
            } else {
                s.drain();
                s.wait_for_work();
            }
            continue;
        }
        s.signals.connected.store(false, Ordering::SeqCst);
        drop(s);
        let conn = PgConnection::establish(&database_url)
            .map_err(|e| e.to_string())
            .and_then(|mut conn| {
                diesel::sql_query(format!("LISTEN {MENU_CHANNEL}"))
                    .execute(&mut conn)
                    .map(|_| conn)
                    .map_err(|e| e.to_string())
            });
        match conn {
            Ok(conn) => {
                backoff = Duration::from_millis(200);
                let Some(s) = shared.upgrade() else {
                    return;
                };
                let slot = s.listener.lock();
                if let Ok(mut slot) = slot {
                    *slot = Some(conn);
                    // Copies checked before now are checked again once (one version query each).
                    s.signals.connection.fetch_add(1, Ordering::SeqCst);
                    s.signals.connected.store(true, Ordering::SeqCst);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "menu changes: cannot listen, retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_heard_for_one_shop_leaves_the_others_trusted() {
        let signals = Signals::default();
        signals.connection.store(1, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let checked = signals.now();
        assert!(signals.vouches(checked, Some(a)));
        signals.changed(&a.to_string());
        assert!(!signals.vouches(checked, Some(a)));
        assert!(signals.vouches(checked, Some(b)));
        assert!(signals.vouches(checked, None));
        // Checked again after the change: trusted again.
        assert!(signals.vouches(signals.now(), Some(a)));
        signals.changed("catalog");
        assert!(!signals.vouches(checked, Some(b)));
        assert!(!signals.vouches(checked, None));
    }

    #[test]
    fn nothing_is_trusted_without_the_listener_or_across_a_reconnection() {
        let signals = Signals::default();
        let shop = Uuid::new_v4();
        assert!(!signals.vouches(signals.now(), Some(shop)));
        signals.connection.store(1, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        let checked = signals.now();
        assert!(signals.vouches(checked, Some(shop)));
        signals.connected.store(false, Ordering::SeqCst);
        assert!(!signals.vouches(checked, Some(shop)));
        signals.connection.store(2, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        assert!(!signals.vouches(checked, Some(shop)));
    }

    #[test]
    fn the_changes_remembered_stay_bounded() {
        let signals = Signals::default();
        signals.connection.store(1, Ordering::SeqCst);
        signals.connected.store(true, Ordering::SeqCst);
        let checked = signals.now();
        for _ in 0..(SHOPS_KEPT * 4) {
            signals.changed(&Uuid::new_v4().to_string());
        }
        assert!(signals.shops_changed.lock().unwrap().len() <= SHOPS_KEPT);
        // Forgetting which shop changed makes every copy checked before suspect, never trusted.
        assert!(!signals.vouches(checked, Some(Uuid::new_v4())));
    }
}
