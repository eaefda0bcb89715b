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
    fn parses_real_days_only() {
        assert_eq!(Date::parse("2023-12-30").unwrap().finnish(), "30.12.2023");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in ["2023-02-29", "2023-13-01", "2023-12-32", "23-12-30", "2023/12/30", "2023-1-05", "abcd-ef-gh", "2023-12-3x"] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}
