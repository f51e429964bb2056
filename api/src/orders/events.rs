//! An order's live status for its customer (`GET /orders/{id}/events`): the shop feed's events of
//! that order (`crate::live`), in the shape the tracking page reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::live::ShopEvent;
use crate::states::Status;

/// The `data` of one event of `GET /orders/{id}/events`: the first event (`snapshot`) is the whole
/// order, each next one (`status`) an `OrderEvent`. Documentation only: the handler writes the
/// two kinds of events itself.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum OrderStreamData {
    Snapshot(Box<crate::orders::model::Order>),
    Status(OrderEvent),
}

/// What clients receive on `GET /orders/{id}/events` at each change.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct OrderEvent {
    pub order_id: Uuid,
    pub shop_id: Uuid,
    pub status: Status,
    /// Set when the order was modified rather than moved.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

impl OrderEvent {
    /// The order's part of a shop event; none for stock events.
    pub fn from_shop_event(event: &ShopEvent) -> Option<OrderEvent> {
        if event.kind.touches_menu() {
            return None;
        }
        Some(OrderEvent {
            order_id: event.order_id?,
            shop_id: event.shop_id,
            status: event.status?,
            note: event.note.clone(),
            at: event.at,
        })
    }
}
