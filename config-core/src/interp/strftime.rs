//! `strftime` for the `now` resolver, with the standard library only.
//!
//! Times are formatted in **UTC**: the standard library has no time-zone
//! database, and UTC is also the same on every machine of a distributed run
//! (Hydra's `now` uses local time; set `TZ=UTC` there to compare). The
//! C-locale forms are used for names (`Mon`, `January`, `AM`).

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A broken-down UTC time.
struct Tm {
    year: i64,
    month: u32, // 1..=12
    day: u32,   // 1..=31
    hour: u32,
    min: u32,
    sec: u32,
    yday: u32,    // 0-based day of the year
    weekday: u32, // 0 = Monday
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn tm(secs: i64) -> Tm {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    const CUM: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = CUM[month as usize - 1] + day - 1 + u32::from(month > 2 && is_leap(year));
    Tm {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        min: (rem % 3600 / 60) as u32,
        sec: (rem % 60) as u32,
        yday,
        // 1970-01-01 was a Thursday (3 with Monday = 0).
        weekday: (days + 3).rem_euclid(7) as u32,
    }
}

/// Formats `secs` since the Unix epoch (plus `micros`) in UTC with a
/// strftime `pattern`. Supported: `%a %A %b %B %c %C %d %D %e %f %F %h %H
/// %I %j %m %M %n %p %R %s %S %t %T %u %w %x %X %y %Y %z %Z %%`; other
/// directives are kept as written.
///
/// ```
/// use config_core::interp::strftime::format_utc;
/// assert_eq!(format_utc(0, 0, "%Y-%m-%d_%H-%M-%S"), "1970-01-01_00-00-00");
/// assert_eq!(format_utc(1_700_000_000, 5, "%a %b %e %j %f %p"), "Tue Nov 14 318 000005 PM");
/// ```
pub fn format_utc(secs: i64, micros: u32, pattern: &str) -> String {
    let t = tm(secs);
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            out.push('%');
            break;
        };
        let hour12 = match t.hour % 12 {
            0 => 12,
            h => h,
        };
        let s = match d {
            'Y' => t.year.to_string(),
            'y' => format!("{:02}", t.year.rem_euclid(100)),
            'C' => format!("{:02}", t.year.div_euclid(100)),
            'm' => format!("{:02}", t.month),
            'd' => format!("{:02}", t.day),
            'e' => format!("{:2}", t.day),
            'H' => format!("{:02}", t.hour),
            'I' => format!("{hour12:02}"),
            'M' => format!("{:02}", t.min),
            'S' => format!("{:02}", t.sec),
            'f' => format!("{micros:06}"),
            'j' => format!("{:03}", t.yday + 1),
            'p' => (if t.hour < 12 { "AM" } else { "PM" }).to_string(),
            'a' => DAYS[t.weekday as usize][..3].to_string(),
            'A' => DAYS[t.weekday as usize].to_string(),
            'b' | 'h' => MONTHS[t.month as usize - 1][..3].to_string(),
            'B' => MONTHS[t.month as usize - 1].to_string(),
            'u' => (t.weekday + 1).to_string(),
            'w' => ((t.weekday + 1) % 7).to_string(),
            's' => secs.to_string(),
            'z' => "+0000".to_string(),
            'Z' => "UTC".to_string(),
            'F' => format!("{}-{:02}-{:02}", t.year, t.month, t.day),
            'T' | 'X' => format!("{:02}:{:02}:{:02}", t.hour, t.min, t.sec),
            'R' => format!("{:02}:{:02}", t.hour, t.min),
            'D' | 'x' => format!("{:02}/{:02}/{:02}", t.month, t.day, t.year.rem_euclid(100)),
            'c' => format!(
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                &DAYS[t.weekday as usize][..3],
                &MONTHS[t.month as usize - 1][..3],
                t.day,
                t.hour,
                t.min,
                t.sec,
                t.year
            ),
            'n' => "\n".to_string(),
            't' => "\t".to_string(),
            '%' => "%".to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        // 2000-02-29 12:34:56 UTC, a Tuesday.
        let t = 951_827_696;
        assert_eq!(
            format_utc(t, 0, "%F %T %A %B %j %I%p %u %w %y %C"),
            "2000-02-29 12:34:56 Tuesday February 060 12PM 2 2 00 20"
        );
        assert_eq!(
            format_utc(t, 0, "%c|%x|%%|%Q"),
            "Tue Feb 29 12:34:56 2000|02/29/00|%|%Q"
        );
        // Before the epoch.
        assert_eq!(
            format_utc(-1, 0, "%Y-%m-%d %H:%M:%S"),
            "1969-12-31 23:59:59"
        );
        assert_eq!(
            format_utc(4_102_444_800, 0, "%Y-%m-%d %a"),
            "2100-01-01 Fri"
        );
    }
}
