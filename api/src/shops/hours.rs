//! Opening hours: ranges per ISO weekday in the shop's own time zone (so a shop keeps its hours
//! across daylight saving changes), how they are checked when an admin sets them, and whether a
//! shop is open at a given instant. A range closing at 23:59 runs until midnight; a night that
//! goes past midnight is two ranges (Friday 18:00–23:59 and Saturday 00:00–01:00).

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::model::{OpeningRange, Shop};
use crate::error::{AppResult, Violations};
use crate::schema::shop_hours;

/// One opening range of a weekday, in the shop's local time.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
pub struct OpeningHours {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    #[schema(example = 2, minimum = 1, maximum = 7)]
    pub weekday: i16,
    #[schema(example = "11:30")]
    pub opens_at: String,
    #[schema(example = "14:00")]
    pub closes_at: String,
}

impl From<&OpeningRange> for OpeningHours {
    fn from(r: &OpeningRange) -> Self {
        OpeningHours {
            weekday: r.weekday,
            opens_at: format_time(r.opens_at),
            closes_at: format_time(r.closes_at),
        }
    }
}

/// A checked opening range, ready to store.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayRange {
    pub weekday: i16,
    pub opens_at: NaiveTime,
    pub closes_at: NaiveTime,
}

pub fn shop_timezone(shop: &Shop) -> Tz {
    shop.timezone
        .parse::<Tz>()
        .unwrap_or(chrono_tz::Europe::Paris)
}

/// Whether `at` falls in one of the opening ranges, read in the shop's time zone. A range that
/// closes at 23:59 runs until midnight.
pub fn is_open_at(shop: &Shop, ranges: &[OpeningRange], at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&shop_timezone(shop));
    let weekday = local.weekday().number_from_monday() as i16;
    let time = local.time();
    let last_minute = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default();
    ranges.iter().any(|r| {
        r.weekday == weekday
            && r.opens_at <= time
            && (time < r.closes_at || r.closes_at == last_minute)
    })
}

/// When a shop closed at `at` opens next (within a week), as an instant: `None` while it is open
/// or when it has no hours. Read in the shop's time zone: an opening that falls in the hour the
/// clocks skip in spring is the first instant after it.
pub fn next_opening(
    shop: &Shop,
    ranges: &[OpeningRange],
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if is_open_at(shop, ranges, at) {
        return None;
    }
    let zone = shop_timezone(shop);
    let local = at.with_timezone(&zone);
    (0..=7)
        .filter_map(|days| local.date_naive().checked_add_days(chrono::Days::new(days)))
        .flat_map(|date| {
            let weekday = date.weekday().number_from_monday() as i16;
            ranges
                .iter()
                .filter(move |r| r.weekday == weekday)
                .filter_map(move |r| {
                    let wall = date.and_time(r.opens_at);
                    // In the skipped hour, the first minute that exists (the shop is open then).
                    (0..=120).find_map(|minutes| {
                        (wall + chrono::Duration::minutes(minutes))
                            .and_local_timezone(zone)
                            .earliest()
                    })
                })
        })
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| *t > at)
        .min()
}

fn format_time(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Checks opening ranges as an admin sends them (`hours[i].…`): ISO weekdays, `HH:MM` times,
/// closing after opening.
pub fn check_hours(hours: &[OpeningHours], v: &mut Violations) -> Vec<DayRange> {
    let mut ranges = Vec::new();
    for (i, h) in hours.iter().enumerate() {
        let opens = NaiveTime::parse_from_str(&h.opens_at, "%H:%M");
        let closes = NaiveTime::parse_from_str(&h.closes_at, "%H:%M");
        if !(1..=7).contains(&h.weekday) {
            v.add(
                format!("hours[{i}].weekday"),
                "out_of_range",
                "1 (Monday) to 7 (Sunday)",
            );
        }
        match (opens, closes) {
            (Ok(o), Ok(c)) if o < c => ranges.push(DayRange {
                weekday: h.weekday,
                opens_at: o,
                closes_at: c,
            }),
            (Ok(_), Ok(_)) => v.add(
                format!("hours[{i}].closes_at"),
                "before_opening",
                "must be after opens_at",
            ),
            (Err(_), _) => v.add(
                format!("hours[{i}].opens_at"),
                "invalid",
                "a time like 11:30",
            ),
            (_, Err(_)) => v.add(
                format!("hours[{i}].closes_at"),
                "invalid",
                "a time like 22:30",
            ),
        }
    }
    ranges
}

/// Replaces every opening range of a shop.
pub fn replace_hours(conn: &mut PgConnection, shop_id: Uuid, ranges: &[DayRange]) -> AppResult<()> {
    diesel::delete(shop_hours::table.filter(shop_hours::shop_id.eq(shop_id))).execute(conn)?;
    let rows: Vec<_> = ranges
        .iter()
        .map(|r| {
            (
                shop_hours::shop_id.eq(shop_id),
                shop_hours::weekday.eq(r.weekday),
                shop_hours::opens_at.eq(r.opens_at),
                shop_hours::closes_at.eq(r.closes_at),
            )
        })
        .collect();
    diesel::insert_into(shop_hours::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shop_in(timezone: &str) -> Shop {
        Shop {
            id: Uuid::nil(),
            slug: "s".into(),
            name: "S".into(),
            address_line: "".into(),
            postal_code: "69001".into(),
            city: "Lyon".into(),
            phone: "".into(),
            email: None,
            timezone: timezone.into(),
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

    /// An instant given in UTC: (month, day, hour, minute, second) of 2026.
    fn utc(m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, h, min, s).unwrap()
    }

    fn check(timezone: &str, ranges: &[OpeningRange], cases: &[(DateTime<Utc>, bool, &str)]) {
        let shop = shop_in(timezone);
        for (at, open, why) in cases {
            assert_eq!(is_open_at(&shop, ranges, *at), *open, "{why} ({at})");
        }
    }

    #[test]
    fn opening_hours_are_read_in_the_shops_time_zone() {
        // Tuesday 11:30–14:00, Paris time; 2026-11-24 is a Tuesday, Paris is UTC+1 in November.
        check(
            "Europe/Paris",
            &[range(2, (11, 30), (14, 0))],
            &[
                (utc(11, 24, 10, 29, 0), false, "11:29 in Paris"),
                (utc(11, 24, 10, 30, 0), true, "11:30 in Paris: opens"),
                (utc(11, 24, 12, 59, 59), true, "13:59:59 in Paris"),
                (utc(11, 24, 13, 0, 0), false, "14:00 in Paris: closed"),
                (utc(11, 17, 10, 45, 0), true, "the Tuesday before"),
            ],
        );
    }

    #[test]
    fn a_closed_shop_says_when_it_opens_next_in_its_own_time() {
        let shop = shop_in("Europe/Paris");
        // Tuesday to Saturday 11:00–14:00 and 18:00–22:00; 2026-11-24 is a Tuesday (UTC+1).
        let ranges: Vec<_> = (2..=6)
            .flat_map(|d| [range(d, (11, 0), (14, 0)), range(d, (18, 0), (22, 0))])
            .collect();
        let cases = [
            (
                utc(11, 24, 8, 0, 0),
                Some(utc(11, 24, 10, 0, 0)),
                "Tuesday 09:00: 11:00",
            ),
            (
                utc(11, 24, 14, 0, 0),
                Some(utc(11, 24, 17, 0, 0)),
                "between the services: 18:00",
            ),
            (utc(11, 24, 12, 0, 0), None, "open now"),
            (
                utc(11, 28, 21, 30, 0),
                Some(utc(12, 1, 10, 0, 0)),
                "Saturday night: Tuesday",
            ),
            (
                utc(11, 30, 9, 0, 0),
                Some(utc(12, 1, 10, 0, 0)),
                "Monday: Tuesday",
            ),
        ];
        for (at, expected, why) in cases {
            assert_eq!(next_opening(&shop, &ranges, at), expected, "{why}");
        }
        assert_eq!(
            next_opening(&shop, &[], utc(11, 24, 8, 0, 0)),
            None,
            "no hours"
        );
        // Across the spring change (Sunday 29 March 2026, 02:00 → 03:00): a shop opening at
        // 02:30 that night opens at 03:00 local, 01:00 UTC.
        let night = [range(7, (2, 30), (5, 0))];
        assert_eq!(
            next_opening(&shop, &night, utc(3, 28, 23, 0, 0)),
            Some(utc(3, 29, 1, 0, 0))
        );
        // And the autumn change: Monday 11:00 after 25 October is UTC+1 again.
        let monday = [range(1, (11, 0), (14, 0))];
        assert_eq!(
            next_opening(&shop, &monday, utc(10, 25, 12, 0, 0)),
            Some(utc(10, 26, 10, 0, 0))
        );
    }

    #[test]
    fn a_day_without_ranges_is_closed() {
        // Open Tuesday to Saturday; 2026-11-23 is a Monday, 2026-11-29 a Sunday.
        let ranges: Vec<_> = (2..=6).map(|d| range(d, (11, 0), (22, 0))).collect();
        check(
            "Europe/Paris",
            &ranges,
            &[
                (utc(11, 23, 11, 0, 0), false, "Monday noon: closed day"),
                (utc(11, 29, 11, 0, 0), false, "Sunday noon: closed day"),
                (utc(11, 28, 11, 0, 0), true, "Saturday noon"),
                (utc(11, 24, 11, 0, 0), true, "Tuesday noon"),
            ],
        );
        check(
            "Europe/Paris",
            &[],
            &[(utc(11, 24, 11, 0, 0), false, "no hours at all")],
        );
    }

    #[test]
    fn a_night_across_midnight_is_two_ranges() {
        // Friday 18:00–23:59 (until midnight) and Saturday 00:00–01:00, Paris (UTC+1 in November).
        // 2026-11-27 is a Friday.
        check(
            "Europe/Paris",
            &[range(5, (18, 0), (23, 59)), range(6, (0, 0), (1, 0))],
            &[
                (utc(11, 27, 16, 59, 0), false, "Friday 17:59"),
                (
                    utc(11, 27, 22, 59, 30),
                    true,
                    "Friday 23:59:30: 23:59 means midnight",
                ),
                (utc(11, 27, 23, 0, 0), true, "Saturday 00:00"),
                (utc(11, 27, 23, 59, 0), true, "Saturday 00:59"),
                (utc(11, 28, 0, 0, 0), false, "Saturday 01:00: closed"),
                (
                    utc(11, 26, 23, 30, 0),
                    false,
                    "Friday 00:30: the night before is Thursday's",
                ),
            ],
        );
    }

    #[test]
    fn hours_follow_the_shop_across_the_march_change_to_summer_time() {
        // Sunday 11:00–14:00 and a Saturday night 18:00–23:59 + Sunday 00:00–03:00. On Sunday
        // 2026-03-29 Paris goes from UTC+1 to UTC+2 at 01:00 UTC (02:00 becomes 03:00).
        let ranges = [
            range(7, (11, 0), (14, 0)),
            range(6, (18, 0), (23, 59)),
            range(7, (0, 0), (3, 0)),
        ];
        check(
            "Europe/Paris",
            &ranges,
            &[
                (
                    utc(3, 22, 9, 30, 0),
                    false,
                    "a week before: 09:30 UTC is 10:30 in Paris",
                ),
                (
                    utc(3, 22, 10, 0, 0),
                    true,
                    "a week before: 10:00 UTC is 11:00",
                ),
                (
                    utc(3, 29, 9, 0, 0),
                    true,
                    "change day: 09:00 UTC is already 11:00",
                ),
                (
                    utc(3, 29, 8, 59, 0),
                    false,
                    "change day: 08:59 UTC is 10:59",
                ),
                (
                    utc(3, 29, 11, 59, 0),
                    true,
                    "change day: 11:59 UTC is 13:59",
                ),
                (
                    utc(3, 29, 12, 0, 0),
                    false,
                    "change day: 12:00 UTC is 14:00, closed",
                ),
                (
                    utc(3, 29, 0, 30, 0),
                    true,
                    "the night: 00:30 UTC is 01:30 winter time",
                ),
                (utc(3, 29, 0, 59, 0), true, "the night: 00:59 UTC is 01:59"),
                (
                    utc(3, 29, 1, 0, 0),
                    false,
                    "the night: 01:00 UTC is 03:00 summer time, closed",
                ),
            ],
        );
    }

    #[test]
    fn hours_follow_the_shop_across_the_october_change_to_winter_time() {
        // On Sunday 2026-10-25 Paris goes from UTC+2 to UTC+1 at 01:00 UTC (03:00 becomes 02:00,
        // so 02:00–03:00 happens twice).
        let ranges = [range(7, (11, 0), (14, 0)), range(7, (0, 0), (2, 30))];
        check(
            "Europe/Paris",
            &ranges,
            &[
                (
                    utc(10, 18, 9, 0, 0),
                    true,
                    "a week before: 09:00 UTC is 11:00 summer time",
                ),
                (
                    utc(10, 25, 9, 30, 0),
                    false,
                    "change day: 09:30 UTC is 10:30 winter time",
                ),
                (
                    utc(10, 25, 10, 0, 0),
                    true,
                    "change day: 10:00 UTC is 11:00",
                ),
                (
                    utc(10, 25, 12, 59, 0),
                    true,
                    "change day: 12:59 UTC is 13:59",
                ),
                (
                    utc(10, 25, 13, 0, 0),
                    false,
                    "change day: 13:00 UTC is 14:00, closed",
                ),
                (
                    utc(10, 25, 0, 15, 0),
                    true,
                    "the night: 00:15 UTC is 02:15 summer time",
                ),
                (
                    utc(10, 25, 0, 45, 0),
                    false,
                    "the night: 00:45 UTC is 02:45 summer time",
                ),
                (
                    utc(10, 25, 1, 15, 0),
                    true,
                    "the night: 01:15 UTC is 02:15 again, winter time",
                ),
                (
                    utc(10, 25, 1, 45, 0),
                    false,
                    "the night: 01:45 UTC is 02:45 winter time",
                ),
            ],
        );
    }

    #[test]
    fn each_shop_keeps_its_own_time_zone() {
        // Tuesday 11:00–14:00 local; Réunion is UTC+4 all year; an unknown zone reads as Paris.
        let ranges = [range(2, (11, 0), (14, 0))];
        check(
            "Indian/Reunion",
            &ranges,
            &[
                (utc(11, 24, 7, 0, 0), true, "07:00 UTC is 11:00 in Réunion"),
                (
                    utc(11, 24, 10, 0, 0),
                    false,
                    "10:00 UTC is 14:00 in Réunion",
                ),
            ],
        );
        check(
            "Mars/Olympus",
            &ranges,
            &[(utc(11, 24, 10, 0, 0), true, "10:00 UTC is 11:00 in Paris")],
        );
    }

    #[test]
    fn hours_sent_by_an_admin_are_checked_field_by_field() {
        let h = |weekday, opens: &str, closes: &str| OpeningHours {
            weekday,
            opens_at: opens.into(),
            closes_at: closes.into(),
        };
        let cases: Vec<(OpeningHours, Vec<&str>)> = vec![
            (h(2, "11:30", "14:00"), vec![]),
            (h(7, "00:00", "23:59"), vec![]),
            (h(0, "11:30", "14:00"), vec!["hours[0].weekday"]),
            (
                h(8, "25:00", "10:00"),
                vec!["hours[0].weekday", "hours[0].opens_at"],
            ),
            (h(1, "11:30", "2pm"), vec!["hours[0].closes_at"]),
            (h(1, "22:00", "02:00"), vec!["hours[0].closes_at"]),
            (h(1, "12:00", "12:00"), vec!["hours[0].closes_at"]),
        ];
        for (hours, expected) in cases {
            let mut v = Violations::new();
            let ranges = check_hours(std::slice::from_ref(&hours), &mut v);
            let fields: Vec<String> = match v.into_result() {
                Ok(()) => vec![],
                Err(crate::error::AppError::Validation(e)) => {
                    e.into_iter().map(|e| e.field).collect()
                }
                Err(other) => panic!("{other:?}"),
            };
            assert_eq!(fields, expected, "{hours:?}");
            if expected.is_empty() {
                assert_eq!(ranges.len(), 1, "{hours:?}");
            }
        }
    }
}
