//! The shop's live feed for its screens (kitchen, counter, deliveries): a snapshot of the open
//! orders, then every order placed, paid, moved, changed or cancelled and every stock change that
//! can change the menu, from whichever API instance made it. A screen that reconnects with
//! `Last-Event-ID` is sent what it missed, or a fresh snapshot when that is no longer kept. The
//! stream ends (`event: revoked`) as soon as its account's access changes (deactivated, another
//! role or shop): the screen's reconnection is authorized again.

use std::collections::HashSet;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use futures_util::{stream, StreamExt};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{load_views, Order, OrderRow};
use crate::auth::{AnyStaff, ShopAccess};
use crate::db;
use crate::error::AppResult;
use crate::live::{self, LiveEvents, ShopEvent};
use crate::schema::orders;
use crate::state::AppState;
use crate::states::Status;

/// The statuses a shop's screens show.
pub const OPEN: [Status; 4] = [
    Status::Placed,
    Status::Preparing,
    Status::Ready,
    Status::OutForDelivery,
];

/// The first event of the feed: the shop's open orders, oldest first.
#[derive(Serialize, ToSchema)]
pub struct ShopSnapshot {
    pub shop_id: Uuid,
    pub orders: Vec<Order>,
    pub at: DateTime<Utc>,
}

/// The `data` of one event of `GET /shops/{id}/events`: the first event (`snapshot`) is a
/// `ShopSnapshot`, each `order` and `stock` event a `ShopEvent`. Documentation only: the
/// handler writes the frames itself.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ShopStreamData {
    Snapshot(ShopSnapshot),
    Change(ShopEvent),
}

/// How a connection starts: what it missed, or a snapshot as of an event id.
enum Start {
    Replay(Vec<ShopEvent>),
    Snapshot(i64, ShopSnapshot),
}

fn frame(id: Option<i64>, event: &str, data: &impl Serialize) -> web::Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    match id {
        Some(id) => web::Bytes::from(format!("id: {id}\nevent: {event}\ndata: {json}\n\n")),
        None => web::Bytes::from(format!("event: {event}\ndata: {json}\n\n")),
    }
}

fn event_frame(event: &ShopEvent) -> web::Bytes {
    let name = if event.kind.touches_menu() {
        "stock"
    } else {
        "order"
    };
    frame(Some(event.id), name, event)
}

pub fn open_orders(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Vec<Order>> {
    let rows: Vec<OrderRow> = orders::table
        .filter(orders::shop_id.eq(shop_id))
        .filter(orders::status.eq_any(OPEN))
        .order((orders::created_at, orders::id))
        .limit(500)
        .select(OrderRow::as_select())
        .load(conn)?;
    load_views(conn, rows)
}

/// The shop's live feed as server-sent events (its staff, admins).
#[utoipa::path(get, tag = "kitchen", security(("bearer" = [])),
    params(
        ("shop_id" = Uuid, Path, description = "Shop id"),
        ("Last-Event-ID" = Option<String>, Header, description = "The last `id:` received: the events after it are sent first (or a fresh snapshot when they are no longer kept)")),
    responses(
        (status = 200, description = "text/event-stream of `snapshot` (a ShopSnapshot), then `order` and `stock` events (each a ShopEvent), each with an `id:`; `resync` (no data) asks the screen to reload; `revoked` (no data) ends the stream when the account's access changed (deactivated, another role or shop: reconnect to be authorized again); a `: keep-alive` comment every 15 s. Events may repeat after a reconnect. The schema is that of one event's data.", body = ShopStreamData, content_type = "text/event-stream"),
        (status = 401, description = "Not authenticated"),
        (status = 403, description = "Not shop staff"),
        (status = 404, description = "No such shop, or another shop's staff")))]
#[get("/shops/{shop_id}/events")]
pub async fn shop_events(
    state: web::Data<AppState>,
    live_events: web::Data<LiveEvents>,
    access: ShopAccess<AnyStaff>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let shop_id = access.shop_id;
    let viewer = access.user.id;
    let last_seen = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    // Subscribe before reading, so nothing falls between the two.
    let receiver = live_events.subscribe();
    let access_changes = live_events.subscribe_access();
    let start = db::run(&state.pool, move |conn| {
        if let Some(after) = last_seen {
            if let Some(events) = live::missed(conn, shop_id, after)? {
                return Ok(Start::Replay(events));
            }
        }
        let last = live::last_id(conn)?;
        let orders = open_orders(conn, shop_id)?;
        Ok(Start::Snapshot(
            last,
            ShopSnapshot {
                shop_id,
                orders,
                at: Utc::now(),
            },
        ))
    })
    .await?;
    let (first, sent): (Vec<web::Bytes>, HashSet<i64>) = match start {
        Start::Replay(events) => (
            events.iter().map(event_frame).collect(),
            events.iter().map(|e| e.id).collect(),
        ),
        Start::Snapshot(last, snapshot) => (
            vec![frame(Some(last), "snapshot", &snapshot)],
            HashSet::new(),
        ),
    };
    let keepalive = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(15),
        Duration::from_secs(15),
    );
    let live = stream::unfold(
        Some((receiver, access_changes, keepalive, sent)),
        move |open| async move {
            let (mut receiver, mut access_changes, mut keepalive, sent) = open?;
            loop {
                tokio::select! {
                    received = receiver.recv() => match received {
                        Ok(event) if event.shop_id == shop_id && !sent.contains(&event.id) => {
                            return Some((Ok::<_, actix_web::Error>(event_frame(&event)), Some((receiver, access_changes, keepalive, sent))));
                        }
                        Ok(_) => continue,
                        // Too slow a client: tell it to reload.
                        Err(RecvError::Lagged(_)) => {
                            return Some((Ok(web::Bytes::from_static(b"event: resync\ndata: {}\n\n")), Some((receiver, access_changes, keepalive, sent))));
                        }
                        Err(RecvError::Closed) => return None,
                    },
                    changed = access_changes.recv() => match changed {
                        // The last frame, then the end of the stream.
                        Ok(user) if user == viewer => {
                            return Some((Ok(web::Bytes::from_static(b"event: revoked\ndata: {}\n\n")), None));
                        }
                        Ok(_) => continue,
                        // Missed some: end this stream to be safe, the reconnection is checked.
                        Err(RecvError::Lagged(_)) => {
                            return Some((Ok(web::Bytes::from_static(b"event: revoked\ndata: {}\n\n")), None));
                        }
                        Err(RecvError::Closed) => return None,
                    },
                    _ = keepalive.tick() => {
                        return Some((Ok(web::Bytes::from_static(b": keep-alive\n\n")), Some((receiver, access_changes, keepalive, sent))));
                    }
                }
            }
        },
    );
    let body = stream::iter(first.into_iter().map(Ok::<_, actix_web::Error>)).chain(live);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
