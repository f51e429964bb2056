//! Live order events. A change is announced with `NOTIFY order_events` inside the transaction that
//! makes it (so a rolled-back change is never announced); every API instance LISTENs on one
//! dedicated connection and fans the events out to its server-sent-event clients.

use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use utoipa::ToSchema;
use uuid::Uuid;

use super::states::Status;
use crate::error::AppResult;

pub const CHANNEL: &str = "order_events";

/// What clients receive on `GET /orders/{id}/events`.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct OrderEvent {
    pub order_id: Uuid,
    pub shop_id: Uuid,
    pub status: Status,
    /// Set when the order was modified rather than moved.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub fn notify(
    conn: &mut PgConnection,
    order_id: Uuid,
    shop_id: Uuid,
    status: Status,
    note: Option<&str>,
) -> AppResult<()> {
    let event = OrderEvent {
        order_id,
        shop_id,
        status,
        note: note.map(str::to_string),
        at: Utc::now(),
    };
    let payload = serde_json::to_string(&event).map_err(crate::error::AppError::internal)?;
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(payload)
        .execute(conn)?;
    Ok(())
}

/// The fan-out of one API instance.
pub struct OrderEvents {
    sender: broadcast::Sender<OrderEvent>,
}

impl OrderEvents {
    /// Starts the listener thread; it stops by itself once the returned value is dropped.
    pub fn start(database_url: String) -> Arc<OrderEvents> {
        let (sender, _) = broadcast::channel(1024);
        let events = Arc::new(OrderEvents { sender });
        let weak = Arc::downgrade(&events);
        let spawned = std::thread::Builder::new()
            .name("order-events".into())
            .spawn(move || listen(database_url, weak));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the order events listener");
        }
        events
    }

    pub fn subscribe(&self) -> broadcast::Receiver<OrderEvent> {
        self.sender.subscribe()
    }
}

fn listen(database_url: String, events: Weak<OrderEvents>) {
    let mut backoff = Duration::from_millis(200);
    while events.strong_count() > 0 {
        let mut conn = match PgConnection::establish(&database_url) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "order events: cannot connect, retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        if let Err(e) = diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn) {
            tracing::warn!(error = %e, "order events: LISTEN failed, retrying");
            std::thread::sleep(backoff);
            continue;
        }
        backoff = Duration::from_millis(200);
        tracing::debug!("order events: listening");
        // libpq delivers notifications without blocking: poll the socket every 20 ms.
        'connected: loop {
            let Some(events) = events.upgrade() else {
                return;
            };
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) => match serde_json::from_str::<OrderEvent>(&n.payload) {
                        Ok(event) => {
                            // No subscriber is not an error.
                            let _ = events.sender.send(event);
                        }
                        Err(e) => tracing::warn!(error = %e, "order events: unreadable payload"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "order events: connection lost, reconnecting");
                        break 'connected;
                    }
                }
            }
            drop(events);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
