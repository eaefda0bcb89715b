//! Calendar dates as editors write them (`YYYY-MM-DD`) and as readers see them
//! (`30.12.2023`). A tiny type of its own: the site needs no time zones or times.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD` with a real calendar day (leap years included).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?.parse::<u16>().ok();
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if year < 1900 || day == 0 || day > days {
            return None;
        }
        Some(Date { year, month: month as u8, day: day as u8 })
    }

    /// Today in UTC, from the system clock. Only for messages and new files,
    /// never for build output (which must not depend on the clock).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Date::from_days((secs / 86_400) as i64)
    }

    /// Days since 1970-01-01 → date, in the proleptic Gregorian calendar
    /// (Howard Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// The same day `months` later (clamped to the month's last day).
    pub fn plus_months(&self, months: u32) -> Date {
        let total = u32::from(self.month) - 1 + months;
        let year = self.year + (total / 12) as u16;
        let month = (total % 12 + 1) as u8;
        let mut day = self.day;
        while Date::parse(&format!("{year:04}-{month:02}-{day:02}")).is_none() && day > 28 {
            day -= 1;
        }
        Date { year, month, day }
    }

    /// Finnish display form, `30.12.2023`.
    pub fn finnish(&self) -> String {
        format!("{}.{}.{}", self.day, self.month, self.year)
    }
}

/// ISO form, `2023-12-30`, as used in `datetime` attributes and sitemaps.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_721).to_string(), "2023-12-30");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::parse("2024-02-29").unwrap().plus_months(12).to_string(), "2025-02-28");
        assert_eq!(Date::parse("2025-11-30").unwrap().plus_months(3).to_string(), "2026-02-28");
    }

    #[test]
    fn parses_real_days_only() {
        assert_eq!(Date::parse("2023-12-30").unwrap().finnish(), "30.12.2023");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in ["2023-02-29", "2023-13-01", "2023-12-32", "23-12-30", "2023/12/30", "2023-1-05", "abcd-ef-gh", "2023-12-3x"] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}
