//! `strftime` for the `now` resolver: Python's `datetime.strftime` on
//! Linux, for a **naive local time** — what Hydra's
//! `datetime.now().strftime(pattern)` prints.
//!
//! [`jiff`] turns the instant into the local wall-clock time of a
//! [`TimeZone`] (the resolver passes [`TimeZone::system()`]: the `TZ`
//! variable, else `/etc/localtime`); the directives are implemented here
//! because Python's differ from `jiff::fmt::strtime` (`%f` is always six
//! digits of microseconds, `%z` and `%Z` of a naive time are empty, unknown
//! directives are kept as written). Python handles `%f`, `%z` and `%Z`
//! itself and hands the rest to the C library; these follow glibc in the C
//! locale (`Tue`, `February`, `AM`; `%c` is `Tue Feb 29 12:34:56 2000`),
//! with glibc's flags `-` (no padding), `_` (spaces), `0` (zeros), `^`
//! (upper case), `#` (swap case of names) and its `E`/`O` modifiers, which
//! change nothing in the C locale. Field widths (`%10Y`) are not supported
//! and are kept as written.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

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

/// Formats the instant `ts` as its wall-clock time in `tz`, as Python's
/// `datetime.fromtimestamp(ts).strftime(pattern)` does when `tz` is the
/// local zone. The time is naive, so `%z` and `%Z` are empty, as in Hydra;
/// `%s` is the instant's seconds since the Unix epoch. Supported: `%a %A %b
/// %B %c %C %d %D %e %f %F %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s
/// %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%`; other directives are kept
/// as written.
pub(crate) fn format(ts: Timestamp, tz: &TimeZone, pattern: &str) -> String {
    let local = Local {
        dt: tz.to_datetime(ts),
        secs: ts.as_second(),
    };
    let mut out = String::with_capacity(pattern.len() + 16);
    local.write(pattern, &mut out);
    out
}

/// The broken-down local time being formatted.
struct Local {
    dt: DateTime,
    /// Seconds since the Unix epoch, for `%s`.
    secs: i64,
}

#[derive(Clone, Copy, PartialEq)]
enum Pad {
    Zero,
    Space,
    None,
}

/// The flags and modifier of one directive, e.g. `%-d`, `%^a`, `%Ey`.
#[derive(Default, Clone, Copy)]
struct Spec {
    pad: Option<Pad>,
    upper: bool,
    swap: bool,
    modifier: Option<char>,
}

impl Spec {
    fn plain(&self) -> bool {
        self.pad.is_none() && !self.upper && !self.swap && self.modifier.is_none()
    }
}

impl Local {
    fn write(&self, pattern: &str, out: &mut String) {
        let mut rest = pattern;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let spec_text = &rest[i..];
            let (spec, conv, len) = parse(spec_text);
            match conv.and_then(|c| self.directive(spec, c)) {
                Some(s) => out.push_str(&s),
                None => out.push_str(&spec_text[..len]),
            }
            rest = &spec_text[len..];
        }
        out.push_str(rest);
    }

    /// The text of conversion `c`, or `None` to keep the directive as written.
    fn directive(&self, spec: Spec, c: char) -> Option<String> {
        // glibc rejects some conversions after `E` or `O`.
        match spec.modifier {
            Some('E') if !"cCnpPrRstTuxXyYzZ%".contains(c) => return None,
            Some('O') if !"bBCdegGhHIjklmMnpPrRsStTuUVwWyzZ%".contains(c) => return None,
            _ => {}
        }
        let t = &self.dt;
        let year = i64::from(t.year());
        let hour = t.hour();
        let hour12 = match hour % 12 {
            0 => 12,
            h => h,
        };
        let wday = t.weekday().to_monday_zero_offset() as usize; // 0 = Monday
        let sunday_wday = i64::from(t.weekday().to_sunday_zero_offset()); // 0 = Sunday
        let yday = i64::from(t.day_of_year()) - 1; // 0-based
        let iso = t.iso_week_date();
        let num = |v: i64, width: usize, pad: Pad| number(v, width, spec.pad.unwrap_or(pad));
        let name = |s: &str, swap_lower: bool| {
            if spec.upper || (spec.swap && !swap_lower) {
                s.to_uppercase()
            } else if spec.swap {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        let composite = |p: &str| {
            let mut s = String::new();
            self.write(p, &mut s);
            if spec.upper {
                s.make_ascii_uppercase();
            }
            s
        };
        let s = match c {
            // Python's own: only without flags or modifier (`%-f` reaches
            // glibc, which keeps it). A naive time has no offset or name.
            'f' if spec.plain() => format!("{:06}", t.subsec_nanosecond() / 1000),
            'f' => return None,
            'z' | 'Z' => String::new(),
            'Y' => num(year, 4, Pad::None),
            'C' => num(year.div_euclid(100), 2, Pad::None),
            'y' => num(year.rem_euclid(100), 2, Pad::Zero),
            'G' => num(i64::from(iso.year()), 4, Pad::None),
            'g' => num(i64::from(iso.year()).rem_euclid(100), 2, Pad::Zero),
            'm' => num(i64::from(t.month()), 2, Pad::Zero),
            'd' => num(i64::from(t.day()), 2, Pad::Zero),
            'e' => num(i64::from(t.day()), 2, Pad::Space),
            'H' => num(i64::from(hour), 2, Pad::Zero),
            'k' => num(i64::from(hour), 2, Pad::Space),
            'I' => num(i64::from(hour12), 2, Pad::Zero),
            'l' => num(i64::from(hour12), 2, Pad::Space),
            'M' => num(i64::from(t.minute()), 2, Pad::Zero),
            'S' => num(i64::from(t.second()), 2, Pad::Zero),
            'j' => num(yday + 1, 3, Pad::Zero),
            'u' => num(wday as i64 + 1, 1, Pad::Zero),
            'w' => num(sunday_wday, 1, Pad::Zero),
            'U' => num((yday + 7 - sunday_wday) / 7, 2, Pad::Zero),
            'W' => num((yday + 7 - wday as i64) / 7, 2, Pad::Zero),
            'V' => num(i64::from(iso.week()), 2, Pad::Zero),
            's' => num(self.secs, 1, Pad::None),
            'p' => name(if hour < 12 { "AM" } else { "PM" }, true),
            // glibc's %P is lower case whatever the flags.
            'P' => (if hour < 12 { "am" } else { "pm" }).to_string(),
            'a' => name(&DAYS[wday][..3], false),
            'A' => name(DAYS[wday], false),
            'b' | 'h' => name(&MONTHS[t.month() as usize - 1][..3], false),
            'B' => name(MONTHS[t.month() as usize - 1], false),
            'c' => composite("%a %b %e %H:%M:%S %Y"),
            'D' | 'x' => composite("%m/%d/%y"),
            'F' => composite("%Y-%m-%d"),
            'T' | 'X' => composite("%H:%M:%S"),
            'R' => composite("%H:%M"),
            'r' => composite("%I:%M:%S %p"),
            'n' => "\n".to_string(),
            't' => "\t".to_string(),
            '%' => "%".to_string(),
            _ => return None,
        };
        Some(s)
    }
}

/// Parses the directive at the start of `s` (which starts with `%`): its
/// flags and modifier, its conversion character (`None` at the end of the
/// pattern) and its length in bytes.
fn parse(s: &str) -> (Spec, Option<char>, usize) {
    let mut spec = Spec::default();
    let mut chars = s.char_indices().skip(1);
    let mut next = chars.next();
    while let Some((_, c)) = next {
        match c {
            '-' => spec.pad = Some(Pad::None),
            '_' => spec.pad = Some(Pad::Space),
            '0' => spec.pad = Some(Pad::Zero),
            '^' => spec.upper = true,
            '#' => spec.swap = true,
            _ => break,
        }
        next = chars.next();
    }
    if let Some((_, m @ ('E' | 'O'))) = next {
        spec.modifier = Some(m);
        next = chars.next();
    }
    match next {
        Some((i, c)) => (spec, Some(c), i + c.len_utf8()),
        None => (spec, None, s.len()),
    }
}

/// `v` padded to `width` digits with `pad`.
fn number(v: i64, width: usize, pad: Pad) -> String {
    match pad {
        Pad::Zero => format!("{v:0width$}"),
        Pad::Space => format!("{v:width$}"),
        Pad::None => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    fn utc(secs: i64, pattern: &str) -> String {
        format(at(secs), &TimeZone::UTC, pattern)
    }

    // Expected values are Python 3.11's on glibc, e.g.
    // `TZ=UTC python3 -c 'import datetime as d; print(d.datetime.fromtimestamp(951827696).strftime("..."))'`.

    #[test]
    fn known_dates() {
        // 2000-02-29 12:34:56 UTC, a Tuesday.
        let t = 951_827_696;
        assert_eq!(
            utc(t, "%F %T %A %B %j %I%p %u %w %y %C"),
            "2000-02-29 12:34:56 Tuesday February 060 12PM 2 2 00 20"
        );
        assert_eq!(
            utc(t, "%c|%x|%X|%D|%r|%R|%%|%Q|%s"),
            "Tue Feb 29 12:34:56 2000|02/29/00|12:34:56|02/29/00|12:34:56 PM|12:34|%|%Q|951827696"
        );
        // A naive time: no offset, no zone name (Hydra's `now`).
        assert_eq!(utc(t, "[%z][%Z][%-z][%EZ]"), "[][][][]");
        // Before the epoch.
        assert_eq!(utc(-1, "%Y-%m-%d %H:%M:%S"), "1969-12-31 23:59:59");
        assert_eq!(utc(4_102_444_800, "%Y-%m-%d %a"), "2100-01-01 Fri");
        // A trailing `%` and a lone modifier are kept.
        assert_eq!(utc(0, "100%"), "100%");
        assert_eq!(utc(0, "%E|%-"), "%E|%-");
    }

    #[test]
    fn microseconds() {
        let t = Timestamp::from_microsecond(1_700_000_000_000_005).unwrap();
        assert_eq!(format(t, &TimeZone::UTC, "%S.%f"), "20.000005");
        // Python formats `%f` itself; with a flag it reaches glibc, which keeps it.
        assert_eq!(format(t, &TimeZone::UTC, "%-f|%Ef|%%f"), "%-f|%Ef|%f");
    }

    #[test]
    fn weeks_and_twelve_hour_clock() {
        // 2000-02-29 00:04:05, 2021-01-03 13:04:05, 1969-12-31 23:59:59,
        // 2008-12-29 09:00:00 (all UTC).
        let cases = [
            (951_782_645, "2000 00 09 09 09  0|12|am 12:04:05 AM"),
            (1_609_679_045, "2020 20 53 01 00 13| 1|pm 01:04:05 PM"),
            (-1, "1970 70 01 52 52 23|11|pm 11:59:59 PM"),
            (1_230_541_200, "2009 09 01 52 52  9| 9|am 09:00:00 AM"),
        ];
        for (t, want) in cases {
            assert_eq!(utc(t, "%G %g %V %U %W %k|%l|%P %r"), want, "at {t}");
        }
    }

    #[test]
    fn glibc_flags_and_modifiers() {
        let t = 951_782_645; // 2000-02-29 00:04:05 UTC
        assert_eq!(
            utc(
                t,
                "%-d %-m %-H %_d %_H %0e %^a %^B %^p %#a %#p %Ey %Od %EY %-j %_j %-y"
            ),
            "29 2 0 29  0 29 TUE FEBRUARY AM TUE am 00 29 2000 60  60 0"
        );
        assert_eq!(
            utc(t, "[%Ed][%EH][%OH][%-e][%_Y][%0k][%-k][%^b][%^c][%^x][%-F][%^P][%^%][%_p]"),
            "[%Ed][%EH][00][29][2000][00][0][FEB][TUE FEB 29 00:04:05 2000][02/29/00][2000-02-29][am][%][AM]"
        );
        assert_eq!(
            utc(t, "[%Oy][%EC][%Ex][%Ec][%OB][%Ob][%OS][%Oj][%EF][%Ou][%OV][%OG][%Og][%Oa]"),
            "[00][20][02/29/00][Tue Feb 29 00:04:05 2000][February][Feb][05][060][%EF][2][09][2000][00][%Oa]"
        );
        // Years before 1000 are not padded by %Y, %G or %C (glibc).
        let year5 = -62_009_366_400; // 0005-01-01 00:00:00 UTC, a Saturday
        assert_eq!(utc(year5, "%Y %G %g %C %y %a %V"), "5 4 04 0 05 Sat 53");
    }

    #[test]
    fn local_time_in_a_fixed_offset() {
        // 2000-02-29 23:30:00 UTC is already March 1 east of Greenwich.
        let t = at(951_867_000);
        let plus_two = TimeZone::fixed(tz::offset(2));
        assert_eq!(
            format(t, &plus_two, "%F %T %a %j"),
            "2000-03-01 01:30:00 Wed 061"
        );
        let minus_half = TimeZone::fixed(tz::Offset::from_seconds(-9_000).unwrap());
        assert_eq!(format(t, &minus_half, "%F %T"), "2000-02-29 21:00:00");
        // `%s` is the instant, whatever the zone.
        assert_eq!(format(t, &plus_two, "%s"), "951867000");
    }

    #[test]
    fn local_time_across_daylight_saving() {
        // Central European rules as a POSIX TZ string: no tz database needed.
        let paris = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        // 2024-03-31 00:59:59 UTC and one second later: clocks jump 02:00 -> 03:00.
        assert_eq!(
            format(at(1_711_846_799), &paris, "%F %T"),
            "2024-03-31 01:59:59"
        );
        assert_eq!(
            format(at(1_711_846_800), &paris, "%F %T"),
            "2024-03-31 03:00:00"
        );
        // 2024-10-27 00:30 and 01:30 UTC are both 02:30 local.
        assert_eq!(format(at(1_729_989_000), &paris, "%H:%M"), "02:30");
        assert_eq!(format(at(1_729_992_600), &paris, "%H:%M"), "02:30");
    }

    #[test]
    fn local_time_from_the_system_database() {
        // Where the system has a tz database (Linux: /usr/share/zoneinfo).
        let Ok(kolkata) = TimeZone::get("Asia/Kolkata") else {
            return;
        };
        // TZ=Asia/Kolkata python3 -c '... fromtimestamp(1700000000) ...'
        assert_eq!(
            format(at(1_700_000_000), &kolkata, "%Y-%m-%d_%H-%M-%S|%z|%Z"),
            "2023-11-15_03-43-20||"
        );
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn strftime_format_example() {
        use crate::interp::strftime::format;
        use jiff::{
            tz::{self, TimeZone},
            Timestamp,
        };

        let t = Timestamp::from_second(1_700_000_000).unwrap();
        assert_eq!(
            format(t, &TimeZone::UTC, "%Y-%m-%d_%H-%M-%S"),
            "2023-11-14_22-13-20"
        );
        let tokyo = TimeZone::fixed(tz::offset(9));
        assert_eq!(
            format(t, &tokyo, "%a %b %e %j %I%p %f|%z|%Z"),
            "Wed Nov 15 319 07AM 000000||"
        );
    }
}
