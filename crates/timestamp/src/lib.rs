//! Wayback archive timestamps: the 14 digits `YYYYMMDDhhmmss` (UTC) that name a capture, and
//! the shorter CDX bounds (`YYYY[MM[DD[hh[mm[ss]]]]]`). [`Timestamp`] is the one owner of their
//! parsing, validation and calendar arithmetic (proleptic Gregorian, years 0000 to 9999): the
//! date, seconds since the epoch, one second later, the next month, the distance between two.
//!
//! Not for: reading dates as users type them or HTTP dates (the `wayback` crate's `time`
//! module), time zones, or the clock. No dependencies beyond `std`; never panics on input.

#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A real UTC time to the second, as an archive names it: years 0000 to 9999.
///
/// Orders chronologically; displays as its 14 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    // Field order is chronological order: the derived `Ord` relies on it.
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

/// Why a text is not a timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// Not ASCII digits of a possible length (14 for [`Timestamp::parse`], 4, 6, 8, 10, 12 or
    /// 14 for a bound).
    Shape,
    /// The month is not 01 to 12.
    Month(u8),
    /// The month has no such day.
    Day {
        /// The year.
        year: u16,
        /// The month.
        month: u8,
        /// The day that month lacks.
        day: u8,
    },
    /// The hour is over 23.
    Hour(u8),
    /// The minute is over 59.
    Minute(u8),
    /// The second is over 59.
    Second(u8),
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampError::Shape => f.write_str("not the digits YYYY[MM[DD[hh[mm[ss]]]]]"),
            TimestampError::Month(month) => write!(f, "there is no month {month}"),
            TimestampError::Day { year, month, day } => {
                write!(f, "{year:04}-{month:02} has no day {day}")
            }
            TimestampError::Hour(hour) => write!(f, "there is no hour {hour}"),
            TimestampError::Minute(minute) => write!(f, "there is no minute {minute}"),
            TimestampError::Second(second) => write!(f, "there is no second {second}"),
        }
    }
}

impl std::error::Error for TimestampError {}

/// Days in a month of the proleptic Gregorian calendar (0 for a month that does not exist).
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        _ => 0,
    }
}

/// Whether a year of the proleptic Gregorian calendar has a 29 February.
pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The fields a bound names, `None` for those it leaves out; `Err(Shape)` unless it is 4, 6, 8,
/// 10, 12 or 14 ASCII digits.
fn fields(text: &str) -> Result<(u16, [Option<u8>; 5]), TimestampError> {
    let bytes = text.as_bytes();
    if !(4..=14).contains(&bytes.len())
        || !bytes.len().is_multiple_of(2)
        || !bytes.iter().all(u8::is_ascii_digit)
    {
        return Err(TimestampError::Shape);
    }
    let digit = |i: usize| u16::from(bytes[i] - b'0');
    let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    let mut rest = [None; 5];
    for (n, field) in rest.iter_mut().enumerate() {
        let at = 4 + 2 * n;
        if at < bytes.len() {
            // Two digits: at most 99, which fits.
            *field = u8::try_from(digit(at) * 10 + digit(at + 1)).ok();
        }
    }
    Ok((year, rest))
}

/// Checks the fields a bound names, in order: month, day, hour, minute, second.
fn check(
    year: u16,
    [month, day, hour, minute, second]: [Option<u8>; 5],
) -> Result<(), TimestampError> {
    if let Some(month) = month {
        if !(1..=12).contains(&month) {
            return Err(TimestampError::Month(month));
        }
        if let Some(day) = day
            && !(1..=days_in_month(year, month)).contains(&day)
        {
            return Err(TimestampError::Day { year, month, day });
        }
    }
    match (hour, minute, second) {
        (Some(hour), _, _) if hour > 23 => Err(TimestampError::Hour(hour)),
        (_, Some(minute), _) if minute > 59 => Err(TimestampError::Minute(minute)),
        (_, _, Some(second)) if second > 59 => Err(TimestampError::Second(second)),
        _ => Ok(()),
    }
}

impl Timestamp {
    /// The earliest timestamp: `00000101000000`.
    pub const MIN: Timestamp = Timestamp {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
    };
    /// The latest timestamp: `99991231235959`.
    pub const MAX: Timestamp = Timestamp {
        year: 9999,
        month: 12,
        day: 31,
        hour: 23,
        minute: 59,
        second: 59,
    };

    /// The timestamp of these fields, if they name a real time of years 0000 to 9999.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Timestamp, TimestampError> {
        if year > 9999 {
            return Err(TimestampError::Shape);
        }
        check(
            year,
            [
                Some(month),
                Some(day),
                Some(hour),
                Some(minute),
                Some(second),
            ],
        )?;
        Ok(Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Reads exactly 14 digits naming a real time (`20170608160109`).
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        if text.len() != 14 {
            return Err(TimestampError::Shape);
        }
        Timestamp::pad(text)
    }

    /// Reads a CDX bound (4 to 14 digits, an even number of them) as the first second of the
    /// period it names: `2017` is `20170101000000`, `201706` is `20170601000000`.
    pub fn pad(bound: &str) -> Result<Timestamp, TimestampError> {
        let (year, rest) = fields(bound)?;
        check(year, rest)?;
        let [month, day, hour, minute, second] = rest;
        Ok(Timestamp {
            year,
            month: month.unwrap_or(1),
            day: day.unwrap_or(1),
            hour: hour.unwrap_or(0),
            minute: minute.unwrap_or(0),
            second: second.unwrap_or(0),
        })
    }

    /// Reads a CDX bound as the last second of the period it names (as CDX reads a partial
    /// `to`): `2016` is `20161231235959`, `201602` is `20160229235959`.
    pub fn period_end(bound: &str) -> Result<Timestamp, TimestampError> {
        let (year, rest) = fields(bound)?;
        check(year, rest)?;
        let [month, day, hour, minute, second] = rest;
        let month = month.unwrap_or(12);
        Ok(Timestamp {
            year,
            month,
            day: day.unwrap_or_else(|| days_in_month(year, month)),
            hour: hour.unwrap_or(23),
            minute: minute.unwrap_or(59),
            second: second.unwrap_or(59),
        })
    }

    /// The year, 0 to 9999.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The date as `YYYY-MM-DD` (`2017-06-08`).
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The `YYYY-MM-DD` date of a text naming at least a day: a timestamp, or a bound of 8 to
    /// 14 digits (`20140929123456` and `20140929` give `2014-09-29`); `None` for anything else
    /// (`2014`, `201409`, `20140230`, text).
    pub fn date_of(text: &str) -> Option<String> {
        if text.len() < 8 {
            return None;
        }
        Timestamp::pad(text).ok().map(|t| t.date())
    }

    /// The date and time as `YYYY-MM-DD hh:mm:ss` (UTC implied).
    pub fn date_time(&self) -> String {
        format!(
            "{} {:02}:{:02}:{:02}",
            self.date(),
            self.hour,
            self.minute,
            self.second
        )
    }

    /// Seconds since 1970-01-01 00:00:00 UTC (negative before it).
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The timestamp `seconds` after 1970-01-01 00:00:00 UTC; `None` outside years 0000 to
    /// 9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Timestamp> {
        let (days, rem) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        // Beyond these the year is out of range anyway; keeps the arithmetic below small.
        if !(-800_000_000..=800_000_000).contains(&days) {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        let year = u16::try_from(year).ok().filter(|year| *year <= 9999)?;
        Some(Timestamp {
            year,
            month,
            day,
            // `rem` is 0..86400, so each field fits.
            hour: u8::try_from(rem / 3600).ok()?,
            minute: u8::try_from(rem % 3600 / 60).ok()?,
            second: u8::try_from(rem % 60).ok()?,
        })
    }

    /// The timestamp of a clock time; `None` outside years 0000 to 9999.
    pub fn from_system_time(time: SystemTime) -> Option<Timestamp> {
        let seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).ok()?,
            Err(before) => {
                let before = before.duration();
                // A fraction of a second before a whole second still lies in the second before.
                let whole = before.as_secs() + u64::from(before.subsec_nanos() > 0);
                -i64::try_from(whole).ok()?
            }
        };
        Timestamp::from_unix_seconds(seconds)
    }

    /// The clock time of the timestamp; `None` if the platform cannot hold it.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let seconds = self.unix_seconds();
        match u64::try_from(seconds) {
            Ok(after) => UNIX_EPOCH.checked_add(Duration::from_secs(after)),
            Err(_) => UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs())),
        }
    }

    /// The timestamp `seconds` later (earlier when negative); `None` outside years 0000 to 9999.
    pub fn add_seconds(&self, seconds: i64) -> Option<Timestamp> {
        Timestamp::from_unix_seconds(self.unix_seconds().checked_add(seconds)?)
    }

    /// The first second of the following month (`YYYYMM01000000`); `None` after 9999-12.
    pub fn next_month(&self) -> Option<Timestamp> {
        let (year, month) = if self.month >= 12 {
            (self.year.checked_add(1).filter(|year| *year <= 9999)?, 1)
        } else {
            (self.year, self.month + 1)
        };
        Some(Timestamp {
            year,
            month,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
        })
    }

    /// The time between two timestamps in seconds, whichever comes first.
    pub fn seconds_between(&self, other: &Timestamp) -> u64 {
        self.unix_seconds().abs_diff(other.unix_seconds())
    }

    /// The 14 digits read as one number (`20170608160109`). It orders like the timestamps but
    /// is not linear in time (a month is 10^8, a year 10^10): differences of it are not
    /// durations, use [`Timestamp::seconds_between`] for those.
    pub fn as_number(&self) -> u64 {
        u64::from(self.year) * 10_000_000_000
            + u64::from(self.month) * 100_000_000
            + u64::from(self.day) * 1_000_000
            + u64::from(self.hour) * 10_000
            + u64::from(self.minute) * 100
            + u64::from(self.second)
    }
}

impl fmt::Display for Timestamp {
    /// The 14 digits (`20170608160109`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        f.pad(&digits)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// [`Timestamp::parse`]: exactly 14 digits.
    fn from_str(text: &str) -> Result<Timestamp, TimestampError> {
        Timestamp::parse(text)
    }
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
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // 1..=31 and 1..=12 by construction.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn fourteen_digits_round_trip_and_order_in_time() {
        let t = ts("20170608160109");
        assert_eq!(t.to_string(), "20170608160109");
        assert_eq!((t.year(), t.month(), t.day()), (2017, 6, 8));
        assert_eq!(t.date(), "2017-06-08");
        assert_eq!(t.date_time(), "2017-06-08 16:01:09");
        assert_eq!(t.as_number(), 20_170_608_160_109);
        assert_eq!("20170608160109".parse::<Timestamp>(), Ok(t));
        assert!(ts("20161231235959") < ts("20170101000000"));
        assert!(ts("20170101000000") < ts("20170101000001"));
        assert_eq!(Timestamp::MIN.to_string(), "00000101000000");
        assert_eq!(Timestamp::MAX.to_string(), "99991231235959");
        assert_eq!(format!("{:>16}", t), "  20170608160109");
    }

    #[test]
    fn dates_of_timestamps_and_day_bounds() {
        assert_eq!(
            Timestamp::date_of("20140929123456").as_deref(),
            Some("2014-09-29")
        );
        assert_eq!(
            Timestamp::date_of("20140929").as_deref(),
            Some("2014-09-29")
        );
        assert_eq!(
            Timestamp::date_of("2014092912").as_deref(),
            Some("2014-09-29")
        );
        for no_day in ["2014", "201409", "20140230", "2014é0929", "201409291", ""] {
            assert_eq!(Timestamp::date_of(no_day), None, "{no_day:?}");
        }
    }

    #[test]
    fn bad_input_is_an_error_never_a_panic() {
        for bad in [
            "",
            "2017",
            "2017060816010",
            "201706081601091",
            "2017-06-08 16:0",
            "2017O608160109",
            "２０１７０６０８１６０１",
            "20170608160109\n",
        ] {
            assert_eq!(Timestamp::parse(bad), Err(TimestampError::Shape), "{bad:?}");
        }
        assert_eq!(
            Timestamp::parse("20171308160109"),
            Err(TimestampError::Month(13))
        );
        assert_eq!(
            Timestamp::parse("20170008160109"),
            Err(TimestampError::Month(0))
        );
        assert_eq!(
            Timestamp::parse("20190229000000"),
            Err(TimestampError::Day {
                year: 2019,
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            Timestamp::parse("20170600000000"),
            Err(TimestampError::Day {
                year: 2017,
                month: 6,
                day: 0
            })
        );
        assert_eq!(
            Timestamp::parse("20170608240000"),
            Err(TimestampError::Hour(24))
        );
        assert_eq!(
            Timestamp::parse("20170608236000"),
            Err(TimestampError::Minute(60))
        );
        assert_eq!(
            Timestamp::parse("20170608235960"),
            Err(TimestampError::Second(60))
        );
        assert_eq!(
            TimestampError::Day {
                year: 2020,
                month: 2,
                day: 30
            }
            .to_string(),
            "2020-02 has no day 30"
        );
        assert_eq!(
            TimestampError::Month(13).to_string(),
            "there is no month 13"
        );
        assert!(Timestamp::new(10_000, 1, 1, 0, 0, 0).is_err());
        assert!(Timestamp::new(2020, 2, 29, 23, 59, 59).is_ok());
    }

    #[test]
    fn bounds_pad_to_the_start_or_the_end_of_their_period() {
        let pad = |b: &str| Timestamp::pad(b).map(|t| t.to_string());
        let end = |b: &str| Timestamp::period_end(b).map(|t| t.to_string());
        assert_eq!(pad("2017").as_deref(), Ok("20170101000000"));
        assert_eq!(pad("201706").as_deref(), Ok("20170601000000"));
        assert_eq!(pad("2017060816").as_deref(), Ok("20170608160000"));
        assert_eq!(pad("20170608160109").as_deref(), Ok("20170608160109"));
        assert_eq!(end("2016").as_deref(), Ok("20161231235959"));
        assert_eq!(end("201602").as_deref(), Ok("20160229235959"));
        assert_eq!(end("201502").as_deref(), Ok("20150228235959"));
        assert_eq!(end("20150614").as_deref(), Ok("20150614235959"));
        assert_eq!(end("2015061412").as_deref(), Ok("20150614125959"));
        for bad in ["17", "20171", "2017-06", "201706081601091", "abcd", ""] {
            assert_eq!(Timestamp::pad(bad), Err(TimestampError::Shape), "{bad:?}");
        }
        assert_eq!(Timestamp::pad("201513"), Err(TimestampError::Month(13)));
        assert_eq!(
            Timestamp::period_end("20200230"),
            Err(TimestampError::Day {
                year: 2020,
                month: 2,
                day: 30
            })
        );
        assert_eq!(Timestamp::pad("2020010125"), Err(TimestampError::Hour(25)));
    }

    #[test]
    fn seconds_since_the_epoch_both_ways() {
        assert_eq!(ts("19700101000000").unix_seconds(), 0);
        assert_eq!(ts("19700102000001").unix_seconds(), 86_401);
        assert_eq!(ts("20000229000000").unix_seconds(), 951_782_400);
        assert_eq!(ts("19691231235959").unix_seconds(), -1);
        for text in [
            "00000101000000",
            "16000229120000",
            "19000301000000",
            "19691231235959",
            "20170608160109",
            "99991231235959",
        ] {
            let t = ts(text);
            assert_eq!(
                Timestamp::from_unix_seconds(t.unix_seconds()),
                Some(t),
                "{text}"
            );
            let clock = t.to_system_time();
            assert_eq!(
                clock.and_then(Timestamp::from_system_time),
                Some(t),
                "{text}"
            );
        }
        assert_eq!(
            Timestamp::from_unix_seconds(Timestamp::MAX.unix_seconds() + 1),
            None
        );
        assert_eq!(
            Timestamp::from_unix_seconds(Timestamp::MIN.unix_seconds() - 1),
            None
        );
        assert_eq!(Timestamp::from_unix_seconds(i64::MAX), None);
        assert_eq!(Timestamp::from_unix_seconds(i64::MIN), None);
        assert_eq!(
            Timestamp::from_system_time(UNIX_EPOCH - Duration::from_millis(1)),
            Some(ts("19691231235959"))
        );
    }

    #[test]
    fn adding_seconds_carries_across_days_months_and_leap_years() {
        let plus = |text: &str, s: i64| ts(text).add_seconds(s).map(|t| t.to_string());
        assert_eq!(plus("20170608160109", 1).as_deref(), Some("20170608160110"));
        assert_eq!(plus("20151231235959", 1).as_deref(), Some("20160101000000"));
        assert_eq!(plus("20160228235959", 1).as_deref(), Some("20160229000000"));
        assert_eq!(plus("20150228235959", 1).as_deref(), Some("20150301000000"));
        assert_eq!(plus("21000228235959", 1).as_deref(), Some("21000301000000"));
        assert_eq!(plus("20000228235959", 1).as_deref(), Some("20000229000000"));
        assert_eq!(
            plus("20160301000000", -1).as_deref(),
            Some("20160229235959")
        );
        assert_eq!(
            plus("20170101000000", 365 * 86_400).as_deref(),
            Some("20180101000000")
        );
        assert_eq!(Timestamp::MAX.add_seconds(1), None);
        assert_eq!(Timestamp::MIN.add_seconds(-1), None);
        assert_eq!(Timestamp::MAX.add_seconds(i64::MAX), None);
        assert_eq!(Timestamp::MIN.add_seconds(i64::MIN), None);
    }

    #[test]
    fn the_next_month_rolls_over_the_year() {
        let next = |text: &str| ts(text).next_month().map(|t| t.to_string());
        assert_eq!(next("20150101000000").as_deref(), Some("20150201000000"));
        assert_eq!(next("20150131235959").as_deref(), Some("20150201000000"));
        assert_eq!(next("20151231235959").as_deref(), Some("20160101000000"));
        assert_eq!(next("20160229120000").as_deref(), Some("20160301000000"));
        assert_eq!(Timestamp::MAX.next_month(), None);
    }

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_leap_year(2016) && is_leap_year(2000) && is_leap_year(1600));
        assert!(!is_leap_year(2015) && !is_leap_year(1900) && !is_leap_year(2100));
        assert_eq!(days_in_month(2016, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2017, 4), 30);
        assert_eq!(days_in_month(2017, 12), 31);
        assert_eq!(days_in_month(2017, 13), 0);
        assert_eq!(days_in_month(2017, 0), 0);
    }

    #[test]
    fn distances_are_seconds_whichever_comes_first() {
        let (a, b) = (ts("20151231235959"), ts("20160101000001"));
        assert_eq!(a.seconds_between(&b), 2);
        assert_eq!(b.seconds_between(&a), 2);
        assert_eq!(a.seconds_between(&a), 0);
        assert_eq!(
            ts("20160101000000").seconds_between(&ts("20170101000000")),
            366 * 86_400
        );
        assert_eq!(
            Timestamp::MIN.seconds_between(&Timestamp::MAX),
            (Timestamp::MAX.unix_seconds() - Timestamp::MIN.unix_seconds()) as u64
        );
    }
}
