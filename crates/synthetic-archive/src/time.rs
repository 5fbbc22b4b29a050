//! Capture times as the generator counts them (seconds since 1970, UTC), read and written
//! through the workspace's one owner of archive timestamps (`timestamp::Timestamp`).

use timestamp::Timestamp;

/// Seconds since 1970 at the start of a civil date. The generator only asks for real dates
/// (days 1 to 28 of years 1996 to 2022).
pub(crate) fn seconds_at(year: i64, month: i64, day: i64) -> i64 {
    let field = |value: i64| u8::try_from(value).unwrap_or(u8::MAX);
    u16::try_from(year)
        .ok()
        .and_then(|year| Timestamp::new(year, field(month), field(day), 0, 0, 0).ok())
        .map_or(0, |t| t.unix_seconds())
}

/// The 14-digit timestamp of a second since 1970 (the generator's seconds are all in range).
pub(crate) fn stamp(seconds: i64) -> String {
    Timestamp::from_unix_seconds(seconds)
        .unwrap_or(Timestamp::MIN)
        .to_string()
}

/// The date part (`YYYY-MM-DD`) of a second since 1970.
pub(crate) fn date(seconds: i64) -> String {
    Timestamp::from_unix_seconds(seconds)
        .unwrap_or(Timestamp::MIN)
        .date()
}

/// Seconds since 1970 of a 14-digit timestamp (`None` if it is not one).
pub(crate) fn seconds_of(stamp: &str) -> Option<i64> {
    Timestamp::parse(stamp).ok().map(|t| t.unix_seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_seconds() {
        assert_eq!(seconds_at(1970, 1, 1), 0);
        assert_eq!(stamp(951_782_400), "20000229000000");
        assert_eq!(stamp(1_640_995_199), "20211231235959");
        assert_eq!(date(1_640_995_199), "2021-12-31");
        for seconds in (0..1_700_000_000).step_by(7_777_777) {
            assert_eq!(seconds_of(&stamp(seconds)), Some(seconds));
        }
        assert_eq!(seconds_of("2021"), None);
    }
}
