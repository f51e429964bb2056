//! The live feed of each shop, across API instances. A change is written to `shop_events` and
//! announced with `NOTIFY shop_events` inside the transaction that makes it, so PostgreSQL
//! delivers it only once committed, to every instance; each instance listens on one connection
//! and fans the events out to its subscribers (the shop screens' and the order tracking's
//! server-sent events). The table keeps a day of events, so a screen that lost its connection
//! asks for what it missed after the last id it saw.
//!
//! A second channel, `staff_access`, carries the id of a staff account whose access changed
//! (deactivated, another role or shop): every instance ends that account's open streams at once,
//! and the screen's reconnection is authorized again (refused, for a deactivated account).
//!
//! Below the areas: orders, inventory and accounts announce here; nothing here knows an area.

use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::schema::shop_events;
use crate::states::Status;

pub const CHANNEL: &str = "shop_events";
pub const ACCESS_CHANNEL: &str = "staff_access";

/// How many missed events a reconnecting screen is sent before a fresh snapshot is cheaper.
pub const MAX_REPLAY: i64 = 500;

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum ShopEventKind {
        OrderPlaced = "order_placed",
        OrderPaid = "order_paid",
        OrderMoved = "order_moved",
        OrderChanged = "order_changed",
        OrderCancelled = "order_cancelled",
        /// Stock went through a level that can change what the menu offers.
        StockChanged = "stock_changed",
        /// A product was paused or resumed in the shop; `note` says which and how.
        MenuChanged = "menu_changed",
    }
}

impl ShopEventKind {
    /// Whether the event is about what the menu offers (sent as the SSE `stock` event), not an
    /// order.
    pub fn touches_menu(self) -> bool {
        matches!(
            self,
            ShopEventKind::StockChanged | ShopEventKind::MenuChanged
        )
    }

    /// What an order's history entry from `from` to `to` means for the shop's screens.
    pub fn of_move(from: Option<Status>, to: Status) -> ShopEventKind {
        match (from, to) {
            (_, Status::Cancelled) => ShopEventKind::OrderCancelled,
            (None, _) => ShopEventKind::OrderPlaced,
            (Some(Status::PendingPayment), Status::Placed) => ShopEventKind::OrderPaid,
            (Some(from), to) if from == to => ShopEventKind::OrderChanged,
            _ => ShopEventKind::OrderMoved,
        }
    }
}

/// One event of a shop's feed, as the SSE `order` and `stock` events carry it.
#[derive(Serialize, Deserialize, ToSchema, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = shop_events)]
pub struct ShopEvent {
    /// Increasing; sent as the SSE `id:` and given back as `Last-Event-ID`.
    pub id: i64,
    pub shop_id: Uuid,
    pub kind: ShopEventKind,
    pub order_id: Option<Uuid>,
    pub number: Option<i32>,
    /// The order's status after the change.
    pub status: Option<Status>,
    pub note: Option<String>,
    /// For `stock_changed`: the ingredients whose stock changed.
    pub ingredient_ids: Vec<Uuid>,
    #[serde(rename = "at")]
    #[diesel(column_name = created_at)]
    pub at: DateTime<Utc>,
}

/// What a change announces; the id and time come from the database.
#[derive(Insertable, Debug)]
#[diesel(table_name = shop_events)]
pub struct NewShopEvent<'a> {
    pub shop_id: Uuid,
    pub kind: ShopEventKind,
    pub order_id: Option<Uuid>,
    pub number: Option<i32>,
    pub status: Option<Status>,
    pub note: Option<&'a str>,
    pub ingredient_ids: Vec<Uuid>,
}

/// Writes the event and announces it, in the caller's transaction.
pub fn announce(conn: &mut PgConnection, event: NewShopEvent<'_>) -> AppResult<ShopEvent> {
    let event: ShopEvent = diesel::insert_into(shop_events::table)
        .values(&event)
        .returning(ShopEvent::as_returning())
        .get_result(conn)?;
    let payload = serde_json::to_string(&event).map_err(AppError::internal)?;
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(payload)
        .execute(conn)?;
    Ok(event)
}

/// Announces, in the caller's transaction, that this account's access changed: its open streams
/// end on every instance once the change is committed.
pub fn announce_access_change(conn: &mut PgConnection, user_id: Uuid) -> AppResult<()> {
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(ACCESS_CHANNEL)
        .bind::<Text, _>(user_id.to_string())
        .execute(conn)?;
    Ok(())
}

/// The id of the last event written (0 when none): a snapshot read after it covers it.
pub fn last_id(conn: &mut PgConnection) -> AppResult<i64> {
    Ok(shop_events::table
        .select(diesel::dsl::max(shop_events::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// The shop's events after `after`, oldest first; `None` when they are no longer all kept (or too
/// many): the screen then needs a fresh snapshot.
pub fn missed(
    conn: &mut PgConnection,
    shop_id: Uuid,
    after: i64,
) -> AppResult<Option<Vec<ShopEvent>>> {
    let oldest: Option<i64> = shop_events::table
        .select(diesel::dsl::min(shop_events::id))
        .first(conn)?;
    let latest = last_id(conn)?;
    if after > latest || oldest.is_some_and(|o| o > after + 1) {
        return Ok(None);
    }
    let events: Vec<ShopEvent> = shop_events::table
        .filter(shop_events::shop_id.eq(shop_id))
        .filter(shop_events::id.gt(after))
        .order(shop_events::id)
        .limit(MAX_REPLAY + 1)
        .select(ShopEvent::as_select())
        .load(conn)?;
    Ok((events.len() as i64 <= MAX_REPLAY).then_some(events))
}

/// Drops the events older than a day. Returns how many went.
pub fn forget_old(conn: &mut PgConnection) -> AppResult<usize> {
    Ok(diesel::delete(
        shop_events::table
            .filter(shop_events::created_at.lt(Utc::now() - chrono::Duration::days(1))),
    )
    .execute(conn)?)
}

/// The fan-out of one API instance.
pub struct LiveEvents {
    sender: broadcast::Sender<ShopEvent>,
    /// Accounts whose access changed.
    access: broadcast::Sender<Uuid>,
}

impl LiveEvents {
    /// Starts the listener thread; it stops by itself once the returned value is dropped.
    pub fn start(database_url: String) -> Arc<LiveEvents> {
        let (sender, _) = broadcast::channel(1024);
        let (access, _) = broadcast::channel(256);
        let events = Arc::new(LiveEvents { sender, access });
        let weak = Arc::downgrade(&events);
        let spawned = std::thread::Builder::new()
            .name("shop-events".into())
            .spawn(move || listen(database_url, weak));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the shop events listener");
        }
        events
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ShopEvent> {
        self.sender.subscribe()
    }

    /// The accounts whose access changes from now on.
    pub fn subscribe_access(&self) -> broadcast::Receiver<Uuid> {
        self.access.subscribe()
    }
}

fn listen(database_url: String, events: Weak<LiveEvents>) {
    let mut backoff = Duration::from_millis(200);
    while events.strong_count() > 0 {
        let mut conn = match PgConnection::establish(&database_url) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "shop events: cannot connect, retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        let listening = diesel::sql_query(format!("LISTEN {CHANNEL}"))
            .execute(&mut conn)
            .and_then(|_| diesel::sql_query(format!("LISTEN {ACCESS_CHANNEL}")).execute(&mut conn));
        if let Err(e) = listening {
            tracing::warn!(error = %e, "shop events: LISTEN failed, retrying");
            std::thread::sleep(backoff);
            continue;
        }
        backoff = Duration::from_millis(200);
        tracing::debug!("shop events: listening");
        // libpq delivers notifications without blocking: poll the socket every 20 ms.
        'connected: loop {
            let Some(events) = events.upgrade() else {
                return;
            };
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) if n.channel == ACCESS_CHANNEL => match Uuid::parse_str(&n.payload) {
                        // No subscriber is not an error.
                        Ok(user) => {
                            let _ = events.access.send(user);
                        }
                        Err(e) => tracing::warn!(error = %e, "staff access: unreadable payload"),
                    },
                    Ok(n) => match serde_json::from_str::<ShopEvent>(&n.payload) {
                        Ok(event) => {
                            let _ = events.sender.send(event);
                        }
                        Err(e) => tracing::warn!(error = %e, "shop events: unreadable payload"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "shop events: connection lost, reconnecting");
                        break 'connected;
                    }
                }
            }
            drop(events);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_move_says_what_happened_to_the_order() {
        use Status::*;
        assert_eq!(
            ShopEventKind::of_move(None, Placed),
            ShopEventKind::OrderPlaced
        );
        assert_eq!(
            ShopEventKind::of_move(None, PendingPayment),
            ShopEventKind::OrderPlaced
        );
        assert_eq!(
            ShopEventKind::of_move(Some(PendingPayment), Placed),
            ShopEventKind::OrderPaid
        );
        assert_eq!(
            ShopEventKind::of_move(Some(Placed), Placed),
            ShopEventKind::OrderChanged
        );
        assert_eq!(
            ShopEventKind::of_move(Some(Placed), Cancelled),
            ShopEventKind::OrderCancelled
        );
        assert_eq!(
            ShopEventKind::of_move(Some(Ready), Preparing),
            ShopEventKind::OrderMoved
        );
    }
}
