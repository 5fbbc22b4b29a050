//! Dates as users type them, CDX bounds and HTTP dates; the calendar arithmetic is the
//! `timestamp` crate's ([`Timestamp`]).

use std::time::{SystemTime, UNIX_EPOCH};

use timestamp::{Timestamp, TimestampError};

use crate::WaybackError;

/// Checks a CDX `from`/`to` bound: 4, 6, 8, 10, 12 or 14 digits (YYYY[MM[DD[hh[mm[ss]]]]])
/// naming a real time: month 01-12, a day the month has, hour 00-23, minute and second 00-59.
pub fn validate_bound(name: &str, value: &str) -> Result<(), WaybackError> {
    impossible_time(value).map_or(Ok(()), |why| Err(not_a_date(name, value, &why)))
}

/// A `--from`/`--to`/`--at` date as the user may type it, `YYYY[-MM[-DD]]` or
/// `YYYY[MM[DD[hh[mm[ss]]]]]`, as CDX digits; an impossible date is an error naming `name` and
/// the value as typed.
pub fn parse_date(name: &str, value: &str) -> Result<String, WaybackError> {
    let parts: Vec<&str> = value.trim().split('-').collect();
    let digits = parts.concat();
    let dashes_in_place = parts.len() == 1
        || (parts.len() <= 3 && parts[0].len() == 4 && parts[1..].iter().all(|p| p.len() == 2));
    let why = if dashes_in_place {
        impossible_time(&digits)
    } else {
        Some(String::new())
    };
    match why {
        None => Ok(digits),
        Some(why) => Err(not_a_date(name, value, &why)),
    }
}

fn not_a_date(name: &str, value: &str, why: &str) -> WaybackError {
    WaybackError::InvalidInput(format!(
        "{name} {value:?} is not a date{why}: use YYYY[-MM[-DD]] or YYYY[MM[DD[hh[mm[ss]]]]] (e.g. 2017, 2017-06-08 or 20170608)"
    ))
}

/// Why `value` is not the digits of a real time (`Some("")` when it is not digits of a
/// possible length at all, `Some(" (there is no month 13)")` when a field is out of range).
fn impossible_time(value: &str) -> Option<String> {
    Timestamp::pad(value).err().map(reason)
}

/// The `why` of [`not_a_date`] for a [`TimestampError`].
fn reason(error: TimestampError) -> String {
    match error {
        TimestampError::Shape => String::new(),
        why => format!(" ({why})"),
    }
}

/// The last second of the period a valid bound names (`2016` → `20161231235959`,
/// `201602` → `20160229235959`), as CDX reads a partial `to`.
pub fn period_end(value: &str) -> Result<String, WaybackError> {
    Timestamp::period_end(value)
        .map(|end| end.to_string())
        .map_err(|why| not_a_date("timestamp", value, &reason(why)))
}

/// Seconds since 1970-01-01 00:00:00 UTC of a 14-digit timestamp; `None` when it is not one.
pub fn timestamp_seconds(timestamp: &str) -> Option<i64> {
    Timestamp::parse(timestamp).ok().map(|t| t.unix_seconds())
}

/// Pads a 4..14-digit timestamp to 14 digits at the start of the period it names
/// (`2017` → `20170101000000`).
pub fn pad_timestamp(value: &str) -> Result<String, WaybackError> {
    Timestamp::pad(value)
        .map(|start| start.to_string())
        .map_err(|why| not_a_date("timestamp", value, &reason(why)))
}

/// A time as a 14-digit UTC archive timestamp (times before 1970 as 1970, after 9999 as its
/// last second).
fn clock_timestamp(time: SystemTime) -> Timestamp {
    Timestamp::from_system_time(time.max(UNIX_EPOCH)).unwrap_or(Timestamp::MAX)
}

/// Formats a time as a 14-digit UTC archive timestamp.
pub fn to_timestamp(time: SystemTime) -> String {
    clock_timestamp(time).to_string()
}

/// The 14-digit timestamp one second after `timestamp` (for exclusive CDX `from` bounds);
/// `None` when `timestamp` is not 14 digits of a real time, or is the last second of 9999.
pub fn add_one_second(timestamp: &str) -> Option<String> {
    let next = Timestamp::parse(timestamp).ok()?.add_seconds(1)?;
    Some(next.to_string())
}

/// Parses an HTTP date (`Wed, 01 Jan 2020 12:00:00 GMT`) into a 14-digit timestamp.
pub fn http_date_to_timestamp(value: &str) -> Option<String> {
    httpdate::parse_http_date(value.trim())
        .ok()
        .map(to_timestamp)
}

/// A human-readable UTC time for messages.
pub fn describe(time: SystemTime) -> String {
    format!("{} UTC", clock_timestamp(time).date_time())
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    #[test]
    fn timestamps_round_trip_through_http_dates() {
        assert_eq!(
            http_date_to_timestamp("Wed, 01 Jan 2020 12:00:00 GMT").as_deref(),
            Some("20200101120000")
        );
        assert_eq!(
            http_date_to_timestamp("Thu, 08 Jun 2017 16:01:09 GMT").as_deref(),
            Some("20170608160109")
        );
        assert_eq!(http_date_to_timestamp("not a date"), None);
        assert_eq!(to_timestamp(UNIX_EPOCH), "19700101000000");
        assert_eq!(
            to_timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "20000229000000"
        );
    }

    #[test]
    fn one_second_later_carries_across_days_months_and_leap_years() {
        assert_eq!(
            add_one_second("20170608160109").as_deref(),
            Some("20170608160110")
        );
        assert_eq!(
            add_one_second("20151231235959").as_deref(),
            Some("20160101000000")
        );
        assert_eq!(
            add_one_second("20160228235959").as_deref(),
            Some("20160229000000")
        );
        assert_eq!(
            add_one_second("20150228235959").as_deref(),
            Some("20150301000000")
        );
        assert_eq!(add_one_second("2015"), None);
        assert_eq!(add_one_second("2015x228235959"), None);
    }

    #[test]
    fn impossible_dates_are_refused_with_the_value_as_typed() {
        for good in [
            "2020",
            "202002",
            "20200229",
            "2020022923",
            "202002292359",
            "20200229235959",
        ] {
            assert!(validate_bound("--from", good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("202013", "no month 13"),
            ("202000", "no month 0"),
            ("20200230", "2020-02 has no day 30"),
            ("20190229", "2019-02 has no day 29"),
            ("20200431", "2020-04 has no day 31"),
            ("2020010125", "no hour 25"),
            ("202001012360", "no minute 60"),
            ("20200101235960", "no second 60"),
            ("20201", ""),
        ] {
            let error = validate_bound("--at", bad).expect_err(bad).to_string();
            assert!(
                error.contains(why) && error.contains("--at"),
                "{bad}: {error}"
            );
        }
        assert_eq!(
            parse_date("--to", "2020-02-29").ok().as_deref(),
            Some("20200229")
        );
        assert_eq!(
            parse_date("--to", "2020-02").ok().as_deref(),
            Some("202002")
        );
        assert_eq!(
            parse_date("--to", "20200229").ok().as_deref(),
            Some("20200229")
        );
        for bad in [
            "2020-13-45",
            "2020-02-30",
            "2020-1-5",
            "20-2020",
            "2020--01",
            "2020-01-01-01",
        ] {
            let error = parse_date("--from", bad).expect_err(bad).to_string();
            assert!(error.contains(&format!("--from {bad:?}")), "{error}");
        }
    }

    #[test]
    fn periods_end_on_their_last_second() {
        assert_eq!(period_end("2016").ok().as_deref(), Some("20161231235959"));
        assert_eq!(period_end("201602").ok().as_deref(), Some("20160229235959"));
        assert_eq!(period_end("201502").ok().as_deref(), Some("20150228235959"));
        assert_eq!(
            period_end("20150614").ok().as_deref(),
            Some("20150614235959")
        );
        assert_eq!(
            period_end("2015061412").ok().as_deref(),
            Some("20150614125959")
        );
        assert!(period_end("201513").is_err());
        assert_eq!(timestamp_seconds("19700102000001"), Some(86_401));
        assert_eq!(timestamp_seconds("2017"), None);
    }

    #[test]
    fn bounds_and_padding() {
        assert!(validate_bound("--from", "2017").is_ok());
        assert!(validate_bound("--from", "20170608160109").is_ok());
        for bad in ["17", "2017-06", "201706081601091", "abcd", ""] {
            let error = validate_bound("--from", bad).expect_err(bad);
            assert!(error.to_string().contains("--from"), "{error}");
        }
        assert_eq!(
            pad_timestamp("2017").ok().as_deref(),
            Some("20170101000000")
        );
        assert_eq!(
            pad_timestamp("201706").ok().as_deref(),
            Some("20170601000000")
        );
        assert_eq!(
            pad_timestamp("20170608160109").ok().as_deref(),
            Some("20170608160109")
        );
    }
}
