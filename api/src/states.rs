//! The words of an order's life, as types: its status, how it reaches the customer, how it is
//! paid, how money went back, what a line of its history is, and how a line's topping was changed. Stored as text columns (`text_enum!`), shown as the
//! same snake_case words in the JSON.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        PendingPayment = "pending_payment",
        Placed = "placed",
        Preparing = "preparing",
        Ready = "ready",
        OutForDelivery = "out_for_delivery",
        Delivered = "delivered",
        PickedUp = "picked_up",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// The customer may still change or cancel the order.
    pub fn is_changeable(self) -> bool {
        matches!(self, Status::PendingPayment | Status::Placed)
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::PickedUp | Status::Cancelled
        )
    }
}

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Fulfilment {
        Delivery = "delivery",
        Pickup = "pickup",
    }
}

crate::text_enum! {
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PaymentMethod {
        Online = "online",
        Cash = "cash",
        CardOnDelivery = "card_on_delivery",
    }
}

crate::text_enum! {
    /// How the money went back.
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum RefundMethod {
        /// Through the payment provider, to the card that paid online.
        Online = "online",
        /// Cash from the till, by hand.
        Cash = "cash",
        /// On the shop's card terminal, by hand.
        Card = "card",
    }
}

crate::text_enum! {
    /// What a line of an order's history records.
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum HistoryEvent {
        /// A status move: placed, prepared, handed over, cancelled (with the `reason` typed)…
        Moved = "moved",
        /// The online payment arrived: the order goes to the kitchen.
        Paid = "paid",
        /// Its items, address or notes were changed (the status stays).
        Modified = "modified",
        /// The delivery failed: back at the shop, with the `reason` the courier typed.
        DeliveryFailed = "delivery_failed",
        /// Not paid online in time: cancelled by the system.
        Expired = "expired",
        /// Money was given back (`refund`), with the `reason` typed.
        Refunded = "refunded",
    }
}

crate::text_enum! {
    /// How staff were paid when handing an order over: at the counter or on the doorstep.
    #[derive(Deserialize, Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Collected {
        Cash = "cash",
        CardOnDelivery = "card_on_delivery",
    }
}

crate::text_enum! {
    /// A topping added to a line or taken off it.
    pub enum ModificationKind {
        Add = "add",
        Remove = "remove",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_words_are_the_database_words() {
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for f in Fulfilment::ALL {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
        for m in PaymentMethod::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        for c in Collected::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn only_orders_before_preparation_change_and_three_states_end_it() {
        let changeable: Vec<_> = Status::ALL.iter().filter(|s| s.is_changeable()).collect();
        assert_eq!(changeable, [&Status::PendingPayment, &Status::Placed]);
        let finals: Vec<_> = Status::ALL.iter().filter(|s| s.is_final()).collect();
        assert_eq!(
            finals,
            [&Status::Delivered, &Status::PickedUp, &Status::Cancelled]
        );
    }
}
