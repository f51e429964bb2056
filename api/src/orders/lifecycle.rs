//! An order's life cycle, owned here whoever moves it: the role matrix of its moves, payment
//! (`mark_paid`), the one way to cancel (`cancel`: its customer, staff, the expiry of an unpaid
//! order), and the history that records each change and announces it with NOTIFY. Refunding what
//! was paid, and calling off at the provider a payment nobody will make, are asked of
//! [`PaymentGateway`], which the payments area provides: orders do not know how money goes back,
//! only that it must.

use std::future::Future;
use std::pin::Pin;

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::model::{find_visible, load_view, Order, OrderRow};
use super::settlement::{call_off_pending, is_paid, record_collected};
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::inventory::{change_stock, held_by_order, Movement, Reason};
use crate::live::{announce, NewShopEvent, ShopEventKind};
use crate::schema::{order_status_history, orders};
use crate::states::{Collected, Fulfilment, HistoryEvent, PaymentMethod, RefundMethod, Status};

/// What orders ask of the payments area once a change is committed, outside its locks.
pub trait PaymentGateway: Send + Sync {
    /// Refunds everything not refunded yet of what was paid online; `false` when nothing was.
    fn refund_cancelled(
        &self,
        order_id: Uuid,
        actor: Option<Uuid>,
    ) -> Pin<Box<dyn Future<Output = AppResult<bool>> + '_>>;

    /// Calls off at the provider the order's online payments cancelled here (the order was
    /// cancelled, or changed after its payment started), so nobody can pay them late. Never
    /// fails the caller: what the provider does not take now is retried in the background.
    fn call_off_intents(&self, order_id: Uuid) -> Pin<Box<dyn Future<Output = ()> + '_>>;
}

/// One entry of an order's history: who moved it from where to where, and why.
pub struct Move<'a> {
    pub order_id: Uuid,
    pub shop_id: Uuid,
    pub number: i32,
    pub from: Option<Status>,
    pub to: Status,
    pub actor: Option<Uuid>,
    /// Short words for the shop feed and the logs ("modified", "paid online").
    pub note: Option<&'a str>,
    pub event: HistoryEvent,
    /// What a person typed: why it was cancelled, why a delivery failed, why money went back.
    pub reason: Option<&'a str>,
    /// For a refund: the amount and how it went back.
    pub refund: Option<(i32, RefundMethod)>,
}

impl Move<'_> {
    fn of(order: &OrderRow, to: Status) -> Move<'static> {
        Move {
            order_id: order.id,
            shop_id: order.shop_id,
            number: order.number,
            from: Some(order.status),
            to,
            actor: None,
            note: None,
            event: HistoryEvent::Moved,
            reason: None,
            refund: None,
        }
    }
}

/// Writes a history entry and announces the change on the shop's feed (delivered at commit, to
/// every API instance).
pub fn record_status(conn: &mut PgConnection, m: &Move<'_>) -> AppResult<()> {
    diesel::insert_into(order_status_history::table)
        .values((
            order_status_history::order_id.eq(m.order_id),
            order_status_history::from_status.eq(m.from),
            order_status_history::to_status.eq(m.to),
            order_status_history::actor_id.eq(m.actor),
            order_status_history::note.eq(m.note),
            order_status_history::event.eq(m.event),
            order_status_history::reason.eq(m.reason),
            order_status_history::amount_cents.eq(m.refund.map(|(amount, _)| amount)),
            order_status_history::refund_method.eq(m.refund.map(|(_, method)| method)),
        ))
        .execute(conn)?;
    announce(
        conn,
        NewShopEvent {
            shop_id: m.shop_id,
            kind: ShopEventKind::of_move(m.from, m.to),
            order_id: Some(m.order_id),
            number: Some(m.number),
            status: Some(m.to),
            note: m.note,
            ingredient_ids: Vec::new(),
        },
    )?;
    Ok(())
}

/// Which roles may move an order to `to` (admins always may).
pub fn roles_moving_to(to: Status) -> &'static [Role] {
    match to {
        Status::Preparing | Status::Ready => &[Role::Pizzaiolo, Role::Manager],
        Status::OutForDelivery | Status::Delivered => &[Role::Delivery, Role::Manager],
        Status::PickedUp => &[Role::OrderTaker, Role::Manager],
        // Placed is reached by payment; cancelled through the cancel action.
        Status::Placed | Status::PendingPayment | Status::Cancelled => &[],
    }
}

/// The moves staff make, by fulfilment: the kitchen's (with the recall of a ticket bumped by
/// mistake), then the delivery's or the pickup's.
pub fn edge_exists(from: Status, to: Status, fulfilment: Fulfilment) -> bool {
    matches!(
        (from, to, fulfilment),
        (Status::Placed, Status::Preparing, _)
            | (Status::Preparing, Status::Ready, _)
            // Recall: a ticket bumped by mistake goes back to the oven.
            | (Status::Ready, Status::Preparing, _)
            | (Status::Ready, Status::OutForDelivery, Fulfilment::Delivery)
            | (
                Status::OutForDelivery,
                Status::Delivered,
                Fulfilment::Delivery
            )
            | (Status::Ready, Status::PickedUp, Fulfilment::Pickup)
    )
}

/// Whether `role` may move an order from `from` to `to`: the rule of [`transition`] without the
/// order's row (the courier check and the payment collected come on top).
pub fn may_move(role: Role, from: Status, to: Status, fulfilment: Fulfilment) -> bool {
    (role == Role::Admin || roles_moving_to(to).contains(&role))
        && edge_exists(from, to, fulfilment)
}

/// Moves an order along its life cycle: 403 for a role that may not, 409 for a move the order's
/// state does not allow (including a concurrent move that got there first).
pub fn transition(
    conn: &mut PgConnection,
    id: Uuid,
    to: Status,
    user: &CurrentUser,
    collected: Option<&str>,
) -> AppResult<Order> {
    let order = find_visible(conn, id, user, true)?;
    if !(user.is_admin() || roles_moving_to(to).contains(&user.role)) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot move an order to {to}",
            user.role
        )));
    }
    let from = order.status;
    if !edge_exists(from, to, order.fulfilment) {
        return Err(AppError::conflict(format!(
            "a {} order that is {from} cannot become {to}",
            order.fulfilment
        )));
    }
    if to == Status::Delivered && user.role == Role::Delivery && order.courier_id != Some(user.id) {
        return Err(AppError::Forbidden(
            "only the delivery person who took this order can mark it delivered".into(),
        ));
    }
    // Handing over an order paid on delivery or at pickup records what was collected.
    if matches!(to, Status::Delivered | Status::PickedUp)
        && order.payment_method != PaymentMethod::Online
        && !is_paid(conn, id)?
    {
        match collected.map(|c| Collected::parse(c).ok_or(c)) {
            Some(Ok(method)) => record_collected(conn, &order, method, user.id)?,
            Some(Err(_)) => {
                return Err(AppError::field(
                    "collected",
                    "invalid",
                    "cash or card_on_delivery",
                ))
            }
            None => {
                return Err(AppError::field(
                    "collected",
                    "required",
                    "say how the customer paid: cash or card_on_delivery",
                ))
            }
        }
    }
    let courier = if to == Status::OutForDelivery {
        Some(user.id)
    } else {
        order.courier_id
    };
    diesel::update(orders::table.find(id))
        .set((
            orders::status.eq(to),
            orders::courier_id.eq(courier),
            orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    record_status(
        conn,
        &Move {
            actor: Some(user.id),
            ..Move::of(&order, to)
        },
    )?;
    load_view(conn, id)
}

/// Who may change or cancel an order (`action` says which, for the message): its customer, order
/// takers and managers, admins; and only before preparation.
pub fn may_change(order: &OrderRow, user: &CurrentUser, action: &str) -> AppResult<()> {
    if !may_change_as(user.role, order.customer_id == Some(user.id)) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot {action} an order",
            user.role
        )));
    }
    if !order.status.is_changeable() {
        return Err(AppError::conflict(format!(
            "the order is {}: it can no longer be {action}ed",
            order.status
        )));
    }
    Ok(())
}

/// The role part of [`may_change`]: a customer only their own order.
pub fn may_change_as(role: Role, own_order: bool) -> bool {
    match role {
        Role::Customer => own_order,
        Role::OrderTaker | Role::Manager | Role::Admin => true,
        Role::Pizzaiolo | Role::Delivery => false,
    }
}

/// Cancels an order the caller may cancel (see [`may_change`]; besides, a manager may cancel an
/// order that came back from a failed delivery); after the commit the caller asks
/// [`PaymentGateway`] for the money back and to call off the pending payment.
pub fn cancel_order(
    conn: &mut PgConnection,
    id: Uuid,
    user: &CurrentUser,
    reason: Option<&str>,
) -> AppResult<Order> {
    let order = find_visible(conn, id, user, true)?;
    let returned = order.status == Status::Ready
        && matches!(user.role, Role::Manager | Role::Admin)
        && came_back_from_delivery(conn, order.id)?;
    if !returned {
        may_change(&order, user, "cancel")?;
    }
    cancel(
        conn,
        &order,
        Cancellation::Asked {
            by: user.id,
            reason,
        },
    )?;
    load_view(conn, id)
}

/// Whether the order's last move was a failed delivery bringing it back to the shop.
fn came_back_from_delivery(conn: &mut PgConnection, order_id: Uuid) -> AppResult<bool> {
    let last: Option<(Option<Status>, Status)> = order_status_history::table
        .filter(order_status_history::order_id.eq(order_id))
        .order((
            order_status_history::created_at.desc(),
            order_status_history::id.desc(),
        ))
        .select((
            order_status_history::from_status,
            order_status_history::to_status,
        ))
        .first(conn)
        .optional()?;
    Ok(last == Some((Some(Status::OutForDelivery), Status::Ready)))
}

/// A delivery that could not be made: the order goes back to the shop (ready, no courier) with the
/// reason in its history; a manager then sends it again or cancels it. Its courier, managers and
/// admins may say so.
pub fn delivery_failed(
    conn: &mut PgConnection,
    id: Uuid,
    user: &CurrentUser,
    reason: &str,
) -> AppResult<Order> {
    let order = find_visible(conn, id, user, true)?;
    if order.status != Status::OutForDelivery {
        return Err(AppError::conflict(format!(
            "the order is {}, not out for delivery",
            order.status
        )));
    }
    let allowed = match user.role {
        Role::Delivery => order.courier_id == Some(user.id),
        Role::Manager | Role::Admin => true,
        _ => false,
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "only the delivery person who took this order, or a manager, reports a failed delivery"
                .into(),
        ));
    }
    diesel::update(orders::table.find(id))
        .set((
            orders::status.eq(Status::Ready),
            orders::courier_id.eq(None::<Uuid>),
            orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    let note = format!("delivery failed: {reason}");
    record_status(
        conn,
        &Move {
            actor: Some(user.id),
            note: Some(&note),
            event: HistoryEvent::DeliveryFailed,
            reason: Some(reason).filter(|r| !r.is_empty()),
            ..Move::of(&order, Status::Ready)
        },
    )?;
    load_view(conn, id)
}

/// Who cancels an order, and why.
#[derive(Clone, Copy)]
pub enum Cancellation<'a> {
    /// A customer or staff member, with what they typed, if anything.
    Asked { by: Uuid, reason: Option<&'a str> },
    /// The system: an online order not paid in time.
    Expired,
}

/// The one way an order is cancelled, whoever asks: before preparation its ingredients go back
/// to the stock (after, they were used), an online payment still pending is called off, the
/// history says who (none: the system) and why. In the caller's transaction, on a row the caller
/// locked; after the commit what was paid is refunded, and the payment called off here is
/// cancelled at the provider, through [`PaymentGateway`] (for expired orders, by the job that
/// runs the expiry).
pub fn cancel(conn: &mut PgConnection, order: &OrderRow, why: Cancellation<'_>) -> AppResult<()> {
    let (actor, reason, event) = match why {
        Cancellation::Asked { by, reason } => (Some(by), reason, HistoryEvent::Moved),
        Cancellation::Expired => (None, None, HistoryEvent::Expired),
    };
    if order.status.is_changeable() {
        let held = held_by_order(conn, order.id)?;
        change_stock(
            conn,
            order.shop_id,
            &held,
            &Movement {
                reason: Reason::Cancel,
                order_id: Some(order.id),
                actor_id: actor,
                note: None,
            },
        )?;
    }
    diesel::update(orders::table.find(order.id))
        .set((
            orders::status.eq(Status::Cancelled),
            orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    call_off_pending(conn, order.id)?;
    record_status(
        conn,
        &Move {
            actor,
            note: match why {
                Cancellation::Expired => Some("not paid in time"),
                Cancellation::Asked { .. } => reason,
            },
            event,
            reason: reason.map(str::trim).filter(|r| !r.is_empty()),
            ..Move::of(order, Status::Cancelled)
        },
    )
}

/// An unpaid online order is paid: it goes to the kitchen. Anything else is left as it is (the
/// caller decides what a payment for a cancelled order means). Returns whether it moved.
pub fn mark_paid(conn: &mut PgConnection, order: &OrderRow, note: &str) -> AppResult<bool> {
    if order.status != Status::PendingPayment {
        return Ok(false);
    }
    diesel::update(orders::table.find(order.id))
        .set((
            orders::status.eq(Status::Placed),
            orders::expires_at.eq(None::<chrono::DateTime<Utc>>),
            orders::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    record_status(
        conn,
        &Move {
            note: Some(note),
            event: HistoryEvent::Paid,
            ..Move::of(order, Status::Placed)
        },
    )?;
    Ok(true)
}

/// Cancels unpaid online orders past their payment window and gives their stock back, one order
/// per transaction: each holds only its own shop's stock rows (locked in ingredient order, as an
/// order placement takes them), so expiry never deadlocks with placements. Safe on several
/// instances at once (rows taken with SKIP LOCKED). Returns how many expired.
pub fn expire_unpaid(conn: &mut PgConnection) -> AppResult<usize> {
    let mut expired = 0;
    loop {
        let done = crate::db::retrying(conn, |conn| {
            let due: Option<OrderRow> = orders::table
                .filter(orders::status.eq(Status::PendingPayment))
                .filter(orders::expires_at.lt(Utc::now()))
                .order(orders::expires_at)
                .for_update()
                .skip_locked()
                .select(OrderRow::as_select())
                .first(conn)
                .optional()?;
            match due {
                Some(order) => {
                    cancel(conn, &order, Cancellation::Expired)?;
                    Ok(false)
                }
                None => Ok(true),
            }
        })?;
        if done {
            return Ok(expired);
        }
        expired += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every role × every from × every to × both fulfilments, against the matrix as the
    /// operations document states it.
    #[test]
    fn the_transition_matrix_role_by_role() {
        use Fulfilment::{Delivery, Pickup};
        use Status::*;
        let expected = |role: Role, from: Status, to: Status, f: Fulfilment| -> bool {
            let edge = matches!(
                (from, to, f),
                (Placed, Preparing, _)
                    | (Preparing, Ready, _)
                    | (Ready, Preparing, _)
                    | (Ready, OutForDelivery, Delivery)
                    | (OutForDelivery, Delivered, Delivery)
                    | (Ready, PickedUp, Pickup)
            );
            let role_ok = match role {
                Role::Admin | Role::Manager => true,
                Role::Pizzaiolo => matches!(to, Preparing | Ready),
                Role::Delivery => matches!(to, OutForDelivery | Delivered),
                Role::OrderTaker => to == PickedUp,
                Role::Customer => false,
            };
            edge && role_ok
        };
        let mut allowed = 0;
        for role in Role::ALL {
            for from in Status::ALL {
                for to in Status::ALL {
                    for f in Fulfilment::ALL {
                        let got = may_move(*role, *from, *to, *f);
                        assert_eq!(
                            got,
                            expected(*role, *from, *to, *f),
                            "{role} moving a {f} order {from} → {to}"
                        );
                        allowed += usize::from(got);
                    }
                }
            }
        }
        // Admin and manager: 3 kitchen moves (with the recall) × 2 fulfilments + 3 handover
        // moves = 9 each; pizzaiolo 6, delivery 2, order taker 1, customer 0.
        assert_eq!(allowed, 9 + 9 + 6 + 2 + 1);
    }

    #[test]
    fn nobody_moves_an_order_to_placed_or_cancelled_or_out_of_a_final_state() {
        for role in Role::ALL {
            for from in Status::ALL {
                for f in Fulfilment::ALL {
                    for to in [Status::Placed, Status::Cancelled, Status::PendingPayment] {
                        assert!(!may_move(*role, *from, to, *f));
                    }
                    if from.is_final() {
                        for to in Status::ALL {
                            assert!(!may_move(*role, *from, *to, *f), "{role} {from} → {to}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn who_may_change_or_cancel_an_order() {
        for role in Role::ALL {
            for own in [true, false] {
                let expected = match role {
                    Role::Customer => own,
                    Role::OrderTaker | Role::Manager | Role::Admin => true,
                    Role::Pizzaiolo | Role::Delivery => false,
                };
                assert_eq!(may_change_as(*role, own), expected, "{role}, own: {own}");
            }
        }
    }
}
