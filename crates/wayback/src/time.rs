//! Archive timestamps (`YYYYMMDDhhmmss`, UTC) and HTTP dates.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    if !(4..=14).contains(&value.len())
        || value.len() % 2 == 1
        || !value.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(String::new());
    }
    let field =
        |range: std::ops::Range<usize>| value.get(range).and_then(|f| f.parse::<i64>().ok());
    let year = field(0..4).unwrap_or(0);
    if let Some(month) = field(4..6) {
        if !(1..=12).contains(&month) {
            return Some(format!(" (there is no month {month})"));
        }
        if let Some(day) = field(6..8)
            && !(1..=days_in_month(year, month)).contains(&day)
        {
            return Some(format!(" ({year:04}-{month:02} has no day {day})"));
        }
    }
    let limits = [
        (8..10, 23, "hour"),
        (10..12, 59, "minute"),
        (12..14, 59, "second"),
    ];
    limits.into_iter().find_map(|(range, max, unit)| {
        field(range)
            .filter(|number| *number > max)
            .map(|number| format!(" (there is no {unit} {number})"))
    })
}

/// The last second of the period a valid bound names (`2016` → `20161231235959`,
/// `201602` → `20160229235959`), as CDX reads a partial `to`.
pub fn period_end(value: &str) -> Result<String, WaybackError> {
    validate_bound("timestamp", value)?;
    const END: &str = "00001231235959";
    let mut end = format!("{value}{}", &END[value.len()..]);
    if value.len() == 6 {
        let field = |range: std::ops::Range<usize>| value[range].parse::<i64>().unwrap_or(1);
        let last_day = days_in_month(field(0..4), field(4..6));
        end.replace_range(6..8, &format!("{last_day:02}"));
    }
    Ok(end)
}

/// Seconds since 1970-01-01 00:00:00 UTC of a 14-digit timestamp; `None` when it is not one.
pub fn timestamp_seconds(timestamp: &str) -> Option<i64> {
    if timestamp.len() != 14 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| timestamp[range].parse::<i64>().ok();
    let (year, month, day) = (field(0..4)?, field(4..6)?, field(6..8)?);
    let (hour, minute, second) = (field(8..10)?, field(10..12)?, field(12..14)?);
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Pads a 4..14-digit timestamp to 14 digits at the start of the period it names
/// (`2017` → `20170101000000`).
pub fn pad_timestamp(value: &str) -> Result<String, WaybackError> {
    validate_bound("timestamp", value)?;
    const START: &str = "00000101000000";
    Ok(format!("{value}{}", &START[value.len()..]))
}

/// Formats a time as a 14-digit UTC archive timestamp.
pub fn to_timestamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The 14-digit timestamp one second after `timestamp` (for exclusive CDX `from` bounds);
/// `None` when `timestamp` is not 14 digits of a time after 1970.
pub fn add_one_second(timestamp: &str) -> Option<String> {
    let next = u64::try_from(timestamp_seconds(timestamp)? + 1).ok()?;
    Some(to_timestamp(UNIX_EPOCH + Duration::from_secs(next)))
}

/// Parses an HTTP date (`Wed, 01 Jan 2020 12:00:00 GMT`) into a 14-digit timestamp.
pub fn http_date_to_timestamp(value: &str) -> Option<String> {
    httpdate::parse_http_date(value.trim())
        .ok()
        .map(to_timestamp)
}

/// A human-readable UTC time for messages.
pub fn describe(time: SystemTime) -> String {
    let ts = to_timestamp(time);
    format!(
        "{}-{}-{} {}:{}:{} UTC",
        &ts[0..4],
        &ts[4..6],
        &ts[6..8],
        &ts[8..10],
        &ts[10..12],
        &ts[12..14]
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's civil-from-days algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

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
