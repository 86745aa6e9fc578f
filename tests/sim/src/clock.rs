//! Wall-clock formatting: Track-It!'s offset-less ISO dates and Katana's RFC 1123 dates.

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: u64 = 86_400;

/// `2023-05-16T14:07:31` (UTC, no offset), the way Track-It! writes field dates.
pub(crate) fn iso_datetime(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let (year, month, day) = civil_from_days(seconds / SECONDS_PER_DAY);
    let in_day = seconds % SECONDS_PER_DAY;
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", in_day / 3600, in_day % 3600 / 60, in_day % 60)
}

/// The current time as [`iso_datetime`].
pub(crate) fn now_iso() -> String {
    iso_datetime(SystemTime::now())
}

/// `Tue, 16 May 2023 14:00:00 GMT`, the format of the token reply's `.issued`/`.expires`.
pub(crate) fn rfc1123(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm, for
/// non-negative day counts only, which is all a clock after 1970 produces).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_like_track_it() {
        let time = UNIX_EPOCH + Duration::from_secs(1_684_245_600);
        assert_eq!(iso_datetime(time), "2023-05-16T14:00:00");
        assert_eq!(rfc1123(time), "Tue, 16 May 2023 14:00:00 GMT");
        assert_eq!(iso_datetime(UNIX_EPOCH), "1970-01-01T00:00:00");
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400 + 3_661);
        assert_eq!(iso_datetime(leap_day), "2000-02-29T01:01:01");
    }
}
