//! Archive timestamps (`YYYYMMDDhhmmss`, UTC) and HTTP dates.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::WaybackError;

/// Checks a CDX `from`/`to` bound: 4 to 14 digits.
pub fn validate_bound(name: &str, value: &str) -> Result<(), WaybackError> {
    if (4..=14).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(WaybackError::InvalidInput(format!(
            "{name} {value:?} is not a date: use 4 to 14 digits, YYYY[MM[DD[hh[mm[ss]]]]] (e.g. 2017 or 20170608)"
        )))
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
    if timestamp.len() != 14 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| timestamp[range].parse::<i64>().ok();
    let (year, month, day) = (field(0..4)?, field(4..6)?, field(6..8)?);
    let (hour, minute, second) = (field(8..10)?, field(10..12)?, field(12..14)?);
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let next = u64::try_from(seconds + 1).ok()?;
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
