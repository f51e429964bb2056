//! When a shop takes orders: its weekly opening hours, except on the days of its closures
//! (holidays, works), both read in the shop's own time zone. The menu, the order placement and
//! the shop views all ask a [`Schedule`].

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::hours::{self, shop_timezone};
use super::model::{Closure, OpeningRange, Shop};
use crate::error::AppResult;
use crate::schema::{shop_closures, shop_hours};

/// A shop's opening ranges and its closures not ended yet (give or take a day: the shop's own
/// date decides).
#[derive(Clone, Debug, Default)]
pub struct Schedule {
    pub hours: Vec<OpeningRange>,
    /// By first day.
    pub closures: Vec<Closure>,
}

impl Schedule {
    /// The shop's date at an instant.
    pub fn local_day(shop: &Shop, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&shop_timezone(shop)).date_naive()
    }

    /// The closure covering a day of the shop's calendar.
    pub fn closure_on(&self, day: NaiveDate) -> Option<&Closure> {
        self.closures.iter().find(|c| c.covers(day))
    }

    /// The closure the shop is in at an instant.
    pub fn closure_at(&self, shop: &Shop, at: DateTime<Utc>) -> Option<&Closure> {
        self.closure_on(Self::local_day(shop, at))
    }

    /// Closures covering the shop's today or later, by first day.
    pub fn upcoming_closures(&self, shop: &Shop, at: DateTime<Utc>) -> Vec<&Closure> {
        let today = Self::local_day(shop, at);
        self.closures
            .iter()
            .filter(|c| c.last_day >= today)
            .collect()
    }

    /// Whether the shop is within its hours at `at` and not on a closed day (active or not: the
    /// caller says whether an inactive shop counts).
    pub fn is_open_at(&self, shop: &Shop, at: DateTime<Utc>) -> bool {
        hours::is_open_at(shop, &self.hours, at) && self.closure_at(shop, at).is_none()
    }

    /// When a shop closed at `at` opens next: the first opening of its hours that falls on no
    /// closed day (within a week after the last closure it skips). `None` while it is open or
    /// when it has no hours.
    pub fn next_opening(&self, shop: &Shop, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open_at(shop, at) {
            return None;
        }
        let zone = shop_timezone(shop);
        let mut from = at;
        // Each round skips one closure at least: one more round than there are closures.
        for _ in 0..=self.closures.len() {
            let opening = if hours::is_open_at(shop, &self.hours, from) {
                from
            } else {
                hours::next_opening(shop, &self.hours, from)?
            };
            let Some(closure) = self.closure_at(shop, opening) else {
                return Some(opening);
            };
            // The shop's midnight after the closure (the first minute that exists, should a
            // clock change skip it).
            let after = closure.last_day.checked_add_days(Days::new(1))?;
            from = (0..=120)
                .find_map(|minutes| {
                    (after.and_hms_opt(0, 0, 0)? + chrono::Duration::minutes(minutes))
                        .and_local_timezone(zone)
                        .earliest()
                })?
                .with_timezone(&Utc);
        }
        None
    }
}

/// The closures of these shops ending yesterday (UTC) or later: every shop's today is in there.
fn closures_query(ids: &[Uuid]) -> shop_closures::BoxedQuery<'_, diesel::pg::Pg> {
    let yesterday = Utc::now().date_naive() - Days::new(1);
    shop_closures::table
        .filter(shop_closures::shop_id.eq_any(ids))
        .filter(shop_closures::last_day.ge(yesterday))
        .order((shop_closures::first_day, shop_closures::id))
        .into_boxed()
}

/// The schedules of these shops, in two queries (a shop without hours has an empty one).
pub fn load_schedules(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Schedule>> {
    let mut schedules: HashMap<Uuid, Schedule> = HashMap::new();
    for range in shop_hours::table
        .filter(shop_hours::shop_id.eq_any(ids))
        .order((shop_hours::weekday, shop_hours::opens_at))
        .select(OpeningRange::as_select())
        .load(conn)?
    {
        schedules
            .entry(range.shop_id)
            .or_default()
            .hours
            .push(range);
    }
    for closure in closures_query(ids)
        .select(Closure::as_select())
        .load(conn)?
    {
        schedules
            .entry(closure.shop_id)
            .or_default()
            .closures
            .push(closure);
    }
    Ok(schedules)
}

/// One shop's schedule.
pub fn load_schedule(conn: &mut PgConnection, shop_id: Uuid) -> AppResult<Schedule> {
    Ok(load_schedules(conn, &[shop_id])?
        .remove(&shop_id)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};

    fn shop() -> Shop {
        Shop {
            id: Uuid::nil(),
            slug: "s".into(),
            name: "S".into(),
            address_line: "".into(),
            postal_code: "69001".into(),
            city: "Lyon".into(),
            phone: "".into(),
            email: None,
            timezone: "Europe/Paris".into(),
            currency: "EUR".into(),
            delivery_fee_cents: 0,
            min_order_cents: 0,
            active: true,
        }
    }

    fn range(weekday: i16, opens: (u32, u32), closes: (u32, u32)) -> OpeningRange {
        OpeningRange {
            shop_id: Uuid::nil(),
            weekday,
            opens_at: NaiveTime::from_hms_opt(opens.0, opens.1, 0).unwrap(),
            closes_at: NaiveTime::from_hms_opt(closes.0, closes.1, 0).unwrap(),
        }
    }

    fn all_week() -> Vec<OpeningRange> {
        (1..=7).map(|d| range(d, (0, 0), (23, 59))).collect()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn closed(first: NaiveDate, last: NaiveDate, reason: &str) -> Closure {
        Closure {
            id: Uuid::new_v4(),
            shop_id: Uuid::nil(),
            first_day: first,
            last_day: last,
            reason: reason.into(),
        }
    }

    fn utc(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn a_closure_across_the_spring_change_covers_its_days_in_local_time() {
        // Saturday 28 and Sunday 29 March 2026; Paris moves from UTC+1 to UTC+2 on the 29th.
        let s = Schedule {
            hours: all_week(),
            closures: vec![closed(day(3, 28), day(3, 29), "travaux")],
        };
        let shop = shop();
        let cases = [
            (utc(3, 27, 22, 59), true, "Friday 23:59 in Paris"),
            (utc(3, 27, 23, 0), false, "Saturday 00:00 in Paris (UTC+1)"),
            (utc(3, 29, 12, 0), false, "Sunday noon"),
            (utc(3, 29, 21, 59), false, "Sunday 23:59 in Paris (UTC+2)"),
            (utc(3, 29, 22, 0), true, "Monday 00:00 in Paris"),
        ];
        for (at, open, why) in cases {
            assert_eq!(s.is_open_at(&shop, at), open, "{why}");
        }
        assert_eq!(
            s.closure_at(&shop, utc(3, 28, 10, 0))
                .map(|c| c.reason.as_str()),
            Some("travaux")
        );
        assert_eq!(
            s.next_opening(&shop, utc(3, 28, 10, 0)),
            Some(utc(3, 29, 22, 0)),
            "Monday's midnight, summer time"
        );
        // And autumn: Sunday 25 October, UTC+2 until 01:00 UTC, then UTC+1.
        let s = Schedule {
            hours: all_week(),
            closures: vec![closed(day(10, 25), day(10, 25), "inventaire")],
        };
        assert!(s.is_open_at(&shop, utc(10, 24, 21, 59)), "Saturday 23:59");
        assert!(!s.is_open_at(&shop, utc(10, 24, 22, 0)), "Sunday 00:00");
        assert!(!s.is_open_at(&shop, utc(10, 25, 22, 59)), "Sunday 23:59");
        assert_eq!(
            s.next_opening(&shop, utc(10, 25, 1, 30)),
            Some(utc(10, 25, 23, 0)),
            "Monday 00:00, winter time"
        );
    }

    #[test]
    fn a_closure_ending_today_keeps_the_shop_closed_until_tomorrows_hours() {
        // Tuesday to Saturday 11:00–14:00 and 18:00–22:00; Tuesday 24 November 2026 (UTC+1).
        let hours: Vec<_> = (2..=6)
            .flat_map(|d| [range(d, (11, 0), (14, 0)), range(d, (18, 0), (22, 0))])
            .collect();
        let s = Schedule {
            hours,
            closures: vec![closed(day(11, 20), day(11, 24), "congés")],
        };
        let shop = shop();
        assert!(!s.is_open_at(&shop, utc(11, 24, 11, 0)), "Tuesday noon");
        assert!(!s.is_open_at(&shop, utc(11, 24, 19, 0)), "Tuesday 20:00");
        assert_eq!(
            s.next_opening(&shop, utc(11, 24, 11, 0)),
            Some(utc(11, 25, 10, 0)),
            "Wednesday 11:00"
        );
        assert!(s.is_open_at(&shop, utc(11, 25, 10, 0)), "Wednesday 11:00");
        assert_eq!(
            s.upcoming_closures(&shop, utc(11, 24, 22, 30)).len(),
            1,
            "Tuesday 23:30 in Paris: still today's"
        );
        assert!(
            s.upcoming_closures(&shop, utc(11, 24, 23, 0)).is_empty(),
            "Wednesday 00:00 in Paris: over"
        );
    }

    #[test]
    fn the_next_opening_skips_closures_even_back_to_back() {
        // Tuesday to Saturday 11:00–14:00, Paris; Tuesday 24 November 2026 (UTC+1).
        let hours: Vec<_> = (2..=6).map(|d| range(d, (11, 0), (14, 0))).collect();
        let s = Schedule {
            hours: hours.clone(),
            closures: vec![closed(day(11, 25), day(11, 26), "travaux")],
        };
        let shop = shop();
        assert_eq!(
            s.next_opening(&shop, utc(11, 24, 14, 0)),
            Some(utc(11, 27, 10, 0)),
            "Tuesday afternoon: Friday, after Wednesday and Thursday"
        );
        assert_eq!(
            s.next_opening(&shop, utc(11, 24, 9, 0)),
            Some(utc(11, 24, 10, 0)),
            "Tuesday morning: before the closure"
        );
        // Two closures in a row, the second ending on a Monday: the Tuesday after.
        let s = Schedule {
            hours,
            closures: vec![
                closed(day(12, 21), day(12, 27), "Noël"),
                closed(day(12, 28), day(12, 28), "inventaire"),
            ],
        };
        assert_eq!(
            s.next_opening(&shop, utc(12, 22, 12, 0)),
            Some(utc(12, 29, 10, 0))
        );
        // A closure over a week and more still finds the opening after it.
        let long = Schedule {
            hours: all_week(),
            closures: vec![closed(day(7, 1), day(8, 31), "été")],
        };
        assert_eq!(
            long.next_opening(&shop, utc(7, 10, 12, 0)),
            Some(utc(8, 31, 22, 0)),
            "1 September 00:00 in Paris (UTC+2)"
        );
        // No hours: no opening, closures or not.
        let none = Schedule {
            hours: vec![],
            closures: vec![closed(day(7, 1), day(7, 2), "x")],
        };
        assert_eq!(none.next_opening(&shop, utc(7, 1, 12, 0)), None);
    }
}
