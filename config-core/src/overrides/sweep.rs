//! Sweeps: override values that stand for several runs (`a,b,c`,
//! `choice(...)`, `range(...)`, `interval(...)`, `glob(...)`), and their
//! enumeration. Parsing builds them; multirun expands them with
//! [`Sweep::expand`].

use super::decimal::Decimal;
use super::element::Element;
use crate::{Error, ErrorKind};

/// A number argument of `range()` or `interval()`: Python keeps ints and
/// floats apart (and a bool counts as an int).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Number {
    /// The number as an [`Element`].
    pub fn to_element(self) -> Element {
        match self {
            Number::Int(i) => Element::Int(i),
            Number::Float(x) => Element::Float(x),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(x) => x,
        }
    }
}

/// A sweep: a value that expands to several runs in multirun mode.
///
/// | Written | Sweep |
/// |---|---|
/// | `a,b,c` | [`Sweep::Choice`] with `simple: true` |
/// | `choice(a,b,c)` | [`Sweep::Choice`] |
/// | `range(1,10,2)`, `range(0,1,0.25)` | [`Sweep::Range`] |
/// | `interval(0,1)` | [`Sweep::Interval`] (continuous; not enumerable) |
/// | `glob(*,exclude=tmp*)` | [`Sweep::Glob`] (expanded over a group's options) |
///
/// `tag(t1,t2,sweep)` attaches tags, `sort(...)` and `shuffle(...)`
/// reorder, and the casts `int()`/`float()`/`str()`/`bool()` convert the
/// values of choice, range and interval sweeps.
///
/// ```
/// use config_core::overrides::{parse_override, SweepRng};
/// let o = parse_override("lr=range(0,1,0.25)").unwrap();
/// let values = o.sweep().unwrap().expand(None, &mut SweepRng::new(0)).unwrap();
/// let text: Vec<String> = values.iter().map(|v| v.value_str()).collect();
/// assert_eq!(text, ["0.0", "0.25", "0.5", "0.75"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Sweep {
    /// A discrete choice among elements.
    Choice(ChoiceSweep),
    /// A range of ints or floats.
    Range(RangeSweep),
    /// A continuous interval.
    Interval(IntervalSweep),
    /// A selection of a config group's options by glob patterns.
    Glob(GlobSweep),
}

/// `a,b,c` or `choice(a,b,c)`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ChoiceSweep {
    /// The choices, in order.
    pub items: Vec<Element>,
    /// True for the simple form `a,b,c`.
    pub simple: bool,
    /// True when expansion shuffles the choices.
    pub shuffle: bool,
    /// Tags from `tag()`, sorted.
    pub tags: Vec<String>,
}

/// `range(start, stop, step)`.
#[derive(Clone, Debug, PartialEq)]
pub struct RangeSweep {
    /// First value.
    pub start: Number,
    /// Bound, excluded.
    pub stop: Number,
    /// Step, possibly negative.
    pub step: Number,
    /// True when expansion shuffles the values.
    pub shuffle: bool,
    /// Tags from `tag()`, sorted.
    pub tags: Vec<String>,
}

/// `interval(start, end)`: `start <= x < end`, for optimizing sweepers.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalSweep {
    /// Lower bound (a float, or an int after `int()`).
    pub start: Number,
    /// Upper bound.
    pub end: Number,
    /// Tags from `tag()`, sorted.
    pub tags: Vec<String>,
}

/// `glob(include, exclude)`: fnmatch patterns over a group's options.
/// Patterns are string elements (Hydra accepts any list; a pattern that is
/// not a string fails at expansion).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GlobSweep {
    /// An option is selected when it matches one of these...
    pub include: Vec<Element>,
    /// ...and none of these.
    pub exclude: Vec<Element>,
}

/// The most values one sweep may expand to (ranges can be huge or endless).
pub const MAX_SWEEP_VALUES: usize = 100_000;

/// A small deterministic random generator for `shuffle()` (SplitMix64).
/// It is passed explicitly: there is no global random state, and the same
/// seed gives the same order.
#[derive(Clone, Debug)]
pub struct SweepRng(u64);

impl SweepRng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SweepRng {
        SweepRng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

impl Sweep {
    /// The name the conformance corpus uses for this kind of value.
    pub fn value_type(&self) -> &'static str {
        match self {
            Sweep::Choice(c) if c.simple => "simple_choice_sweep",
            Sweep::Choice(_) => "choice_sweep",
            Sweep::Range(_) => "range_sweep",
            Sweep::Interval(_) => "interval_sweep",
            Sweep::Glob(_) => "glob_choice_sweep",
        }
    }

    /// The tags attached with `tag()`.
    pub fn tags(&self) -> &[String] {
        match self {
            Sweep::Choice(c) => &c.tags,
            Sweep::Range(r) => &r.tags,
            Sweep::Interval(i) => &i.tags,
            Sweep::Glob(_) => &[],
        }
    }

    /// The values the sweep stands for, in order. A glob needs the options
    /// of the config group named by the override's key (`group_options`);
    /// `rng` orders shuffled sweeps. Quoted strings come back unquoted.
    /// Fails on an interval, a glob without options, a zero step, or more
    /// than [`MAX_SWEEP_VALUES`] values.
    pub fn expand(
        &self,
        group_options: Option<&[String]>,
        rng: &mut SweepRng,
    ) -> Result<Vec<Element>, Error> {
        match self {
            Sweep::Choice(c) => {
                c.check_len()?;
                let mut items: Vec<Element> = c.items.iter().map(Element::unquoted).collect();
                if c.shuffle {
                    rng.shuffle(&mut items);
                }
                Ok(items)
            }
            Sweep::Range(r) => {
                let mut items = r.values()?;
                if r.shuffle {
                    rng.shuffle(&mut items);
                }
                Ok(items)
            }
            Sweep::Interval(_) => Err(Error::new(
                ErrorKind::Override,
                "An interval() sweep is continuous: it cannot be enumerated",
            )
            .with_hint("use range() or choice() for the basic sweeper")),
            Sweep::Glob(g) => match group_options {
                Some(options) => Ok(g.filter(options)?.into_iter().map(Element::str).collect()),
                None => Err(Error::new(
                    ErrorKind::Override,
                    "glob() selects among a config group's options, and none were given",
                )),
            },
        }
    }
}

impl ChoiceSweep {
    /// Fails when the choice has more than [`MAX_SWEEP_VALUES`] items, the
    /// bound every sweep kind shares; checked before the values are copied.
    pub fn check_len(&self) -> Result<(), Error> {
        if self.items.len() <= MAX_SWEEP_VALUES {
            return Ok(());
        }
        let form = if self.simple { "a,b,..." } else { "choice()" };
        Err(Error::new(
            ErrorKind::Limit,
            format!(
                "The {form} sweep has {} values, more than the limit of {MAX_SWEEP_VALUES}",
                self.items.len()
            ),
        )
        .with_hint("sweep fewer values, or split the sweep into several multiruns"))
    }
}

impl RangeSweep {
    /// The values of the range: ints when start, stop and step are all
    /// ints, otherwise floats computed exactly in decimal (as Python's
    /// `decimal.Decimal` with 28 digits) and then rounded to floats.
    pub fn values(&self) -> Result<Vec<Element>, Error> {
        match (self.start, self.stop, self.step) {
            (Number::Int(start), Number::Int(stop), Number::Int(step)) => {
                int_range(start, stop, step)
            }
            _ => float_range(self.start.as_f64(), self.stop.as_f64(), self.step.as_f64()),
        }
    }
}

fn too_many() -> Error {
    Error::new(
        ErrorKind::Override,
        format!("range() has more than {MAX_SWEEP_VALUES} values"),
    )
    .with_hint("use a larger step or a smaller range")
}

fn int_range(start: i64, stop: i64, step: i64) -> Result<Vec<Element>, Error> {
    if step == 0 {
        return Err(Error::new(
            ErrorKind::Override,
            "range() arg 3 must not be zero",
        ));
    }
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let count = if step > 0 {
        (stop - start + step - 1) / step
    } else {
        (start - stop - step - 1) / -step
    };
    let count = count.max(0);
    if count > MAX_SWEEP_VALUES as i128 {
        return Err(too_many());
    }
    Ok((0..count)
        .map(|i| Element::Int((start + i * step) as i64))
        .collect())
}

fn float_range(start: f64, stop: f64, step: f64) -> Result<Vec<Element>, Error> {
    let (mut cur, stop, step) = (
        Decimal::from_f64(start),
        Decimal::from_f64(stop),
        Decimal::from_f64(step),
    );
    let invalid = || {
        Error::new(
            ErrorKind::Override,
            format!(
                "Invalid range values (start:{start}, stop:{stop}, step:{step})",
                stop = stop.to_f64(),
                step = step.to_f64()
            ),
        )
    };
    let sign = step.signum().ok_or_else(invalid)?;
    if sign == 0 || cur.is_nan() || stop.is_nan() {
        return Err(invalid());
    }
    // Refuse huge ranges up front (the decimal loop below is exact but not free).
    let estimate = (stop.to_f64() - cur.to_f64()) / step.to_f64();
    if estimate > MAX_SWEEP_VALUES as f64 + 1.0 {
        return Err(too_many());
    }
    let mut out = Vec::new();
    while (sign > 0 && cur.lt(&stop)) || (sign < 0 && stop.lt(&cur)) {
        if out.len() >= MAX_SWEEP_VALUES {
            return Err(too_many());
        }
        out.push(Element::Float(cur.to_f64()));
        cur = cur.add(&step);
    }
    Ok(out)
}

impl GlobSweep {
    /// The names among `options` that match an include pattern and no
    /// exclude pattern, in the order given. Each pattern is compiled once
    /// (re-parsing a 10 KB pattern for each of 100,000 options took 50 s).
    /// Fails when a pattern is not a string, or when more than
    /// [`MAX_SWEEP_VALUES`] names match (found before they are all copied).
    pub fn filter(&self, options: &[String]) -> Result<Vec<String>, Error> {
        let (include, exclude) = (compile(&self.include)?, compile(&self.exclude)?);
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        for name in options {
            scratch.load(name);
            let any = |pats: &[GlobPattern], s: &mut Scratch| pats.iter().any(|p| p.matches(s));
            if any(&include, &mut scratch) && !any(&exclude, &mut scratch) {
                if out.len() == MAX_SWEEP_VALUES {
                    return Err(Error::new(
                        ErrorKind::Limit,
                        format!("glob() matches more than {MAX_SWEEP_VALUES} options"),
                    )
                    .with_hint("narrow the include patterns, or exclude some options"));
                }
                out.push(name.clone());
            }
        }
        Ok(out)
    }
}

/// The patterns of a glob, compiled; fails on one that is not a string.
fn compile(patterns: &[Element]) -> Result<Vec<GlobPattern>, Error> {
    patterns
        .iter()
        .map(|p| {
            p.as_str().map(GlobPattern::new).ok_or_else(|| {
                Error::new(
                    ErrorKind::Override,
                    format!("glob() pattern {} is not a string", p.value_str()),
                )
            })
        })
        .collect()
}

/// Shell-style matching as Python's `fnmatch` on POSIX: `*`, `?`, `[seq]`
/// and `[!seq]`; case-sensitive. Linear-space dynamic programming.
pub fn fnmatch(name: &str, pattern: &str) -> bool {
    let mut scratch = Scratch::default();
    scratch.load(name);
    GlobPattern::new(pattern).matches(&mut scratch)
}

/// A pattern parsed once, to match many names.
struct GlobPattern {
    items: Vec<GlobItem>,
    /// The number of characters a match needs (one per non-`*` item).
    min_len: usize,
    /// Whether a `*` lets a match be longer than `min_len`.
    has_star: bool,
}

/// The name being matched, as characters, and the two rows of the dynamic
/// programme: buffers reused from one name and pattern to the next.
#[derive(Default)]
struct Scratch {
    name: Vec<char>,
    reach: Vec<bool>,
    next: Vec<bool>,
}

impl Scratch {
    fn load(&mut self, name: &str) {
        self.name.clear();
        self.name.extend(name.chars());
    }
}

impl GlobPattern {
    fn new(pattern: &str) -> GlobPattern {
        let items = parse_glob(pattern);
        let min_len = items
            .iter()
            .filter(|i| matches!(i, GlobItem::One(_)))
            .count();
        let has_star = items.len() > min_len;
        GlobPattern {
            items,
            min_len,
            has_star,
        }
    }

    /// Whether the name loaded in `s` matches. A name shorter than the
    /// pattern needs (or of another length, without `*`) is refused at
    /// once; otherwise the work is at most (items x name length), and
    /// the items that can still match number at most twice the name's
    /// length, since `*`s are merged.
    fn matches(&self, s: &mut Scratch) -> bool {
        let n = s.name.len();
        if n < self.min_len || (!self.has_star && n != self.min_len) {
            return false;
        }
        s.reach.clear();
        s.reach.resize(n + 1, false);
        s.reach[0] = true;
        s.next.clear();
        s.next.resize(n + 1, false);
        for item in &self.items {
            // reach[i]: the pattern so far matches name[..i].
            match item {
                GlobItem::Star => {
                    let mut on = false;
                    for i in 0..=n {
                        on |= s.reach[i];
                        s.next[i] = on;
                    }
                }
                GlobItem::One(pred) => {
                    s.next[0] = false;
                    for i in 0..n {
                        s.next[i + 1] = s.reach[i] && pred.matches(s.name[i]);
                    }
                }
            }
            std::mem::swap(&mut s.reach, &mut s.next);
            if !s.reach.contains(&true) {
                return false;
            }
        }
        s.reach[n]
    }
}

enum GlobItem {
    Star,
    One(CharPred),
}

enum CharPred {
    Any,
    Lit(char),
    /// `[...]`: sorted, merged ranges, searched by bisection (a set may
    /// be kilobytes long).
    Set {
        negate: bool,
        ranges: Vec<(char, char)>,
    },
}

impl CharPred {
    fn matches(&self, c: char) -> bool {
        match self {
            CharPred::Any => true,
            CharPred::Lit(l) => *l == c,
            CharPred::Set { negate, ranges } => {
                let i = ranges.partition_point(|(a, _)| *a <= c);
                (i > 0 && c <= ranges[i - 1].1) != *negate
            }
        }
    }

    /// A set of `ranges` as written: empty ones (`z-a`) dropped, as Python
    /// drops them, the rest sorted and merged.
    fn set(negate: bool, mut ranges: Vec<(char, char)>) -> CharPred {
        ranges.retain(|(a, b)| a <= b);
        ranges.sort_unstable();
        let mut merged: Vec<(char, char)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        CharPred::Set {
            negate,
            ranges: merged,
        }
    }
}

fn parse_glob(pattern: &str) -> Vec<GlobItem> {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => {
                if !matches!(out.last(), Some(GlobItem::Star)) {
                    out.push(GlobItem::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(GlobItem::One(CharPred::Any));
                i += 1;
            }
            '[' => match parse_set(&p, i) {
                Some((pred, next)) => {
                    out.push(GlobItem::One(pred));
                    i = next;
                }
                None => {
                    out.push(GlobItem::One(CharPred::Lit('[')));
                    i += 1;
                }
            },
            c => {
                out.push(GlobItem::One(CharPred::Lit(c)));
                i += 1;
            }
        }
    }
    out
}

/// A `[...]` set starting at `p[open]`; `None` when it does not close.
fn parse_set(p: &[char], open: usize) -> Option<(CharPred, usize)> {
    let mut j = open + 1;
    let negate = p.get(j) == Some(&'!');
    if negate {
        j += 1;
    }
    let first = j;
    let mut ranges = Vec::new();
    while j < p.len() && (p[j] != ']' || j == first) {
        if p.get(j + 1) == Some(&'-') && p.get(j + 2).is_some_and(|&c| c != ']') {
            ranges.push((p[j], p[j + 2]));
            j += 3;
        } else {
            ranges.push((p[j], p[j]));
            j += 1;
        }
    }
    if j >= p.len() {
        return None;
    }
    Some((CharPred::set(negate, ranges), j + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_basics() {
        assert!(fnmatch("adam", "*"));
        assert!(fnmatch("adamw", "ad*w"));
        assert!(!fnmatch("sgd", "a*"));
        assert!(fnmatch("a1", "a[0-9]"));
        assert!(!fnmatch("a1", "a[!0-9]"));
        assert!(fnmatch("a?", "a[?]"));
        assert!(fnmatch("x", "?"));
    }

    #[test]
    fn fnmatch_sets() {
        assert!(fnmatch("y", "[a-cx-z]") && fnmatch("b", "[x-zb-c]") && !fnmatch("d", "[a-cx-z]"));
        assert!(fnmatch("e", "[a-fc-d]") && fnmatch("f", "[c-da-f]"));
        assert!(!fnmatch("m", "[z-a]") && fnmatch("m", "[!z-a]"));
        assert!(fnmatch("]", "[]a]") && fnmatch("-", "[a-]") && !fnmatch("b", "[a-]"));
        assert!(fnmatch("[x", "[x") && !fnmatch("x", "[!a-z]"));
    }

    fn glob(include: &str) -> GlobSweep {
        GlobSweep {
            include: vec![Element::str(include)],
            exclude: vec![],
        }
    }

    #[test]
    fn a_long_pattern_over_many_options_is_compiled_once() {
        // Each of these 10 KB patterns took 50 s over 100,000 options when
        // it was parsed again for each option.
        let options: Vec<String> = (0..100_000).map(|i| format!("opt_{i}")).collect();
        let set: String = ('\u{100}'..'\u{2900}').collect();
        let patterns = [
            format!("opt_{}", "1".repeat(10_000)),
            format!("*{}", "?*".repeat(5_000)),
            format!("[{set}o]pt_9999*"),
        ];
        let found: Vec<Vec<String>> = patterns
            .iter()
            .map(|p| glob(p).filter(&options).unwrap())
            .collect();
        assert!(found[0].is_empty() && found[1].is_empty());
        assert_eq!(
            found[2],
            [
                "opt_9999",
                "opt_99990",
                "opt_99991",
                "opt_99992",
                "opt_99993",
                "opt_99994",
                "opt_99995",
                "opt_99996",
                "opt_99997",
                "opt_99998",
                "opt_99999"
            ]
        );
    }

    #[test]
    fn every_sweep_kind_is_bounded_before_it_is_expanded() {
        let mut rng = SweepRng::new(0);
        let values = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        for (text, form) in [
            (format!("x={}", values(500_000)), "a,b,..."),
            (format!("x=choice({})", values(500_000)), "choice()"),
        ] {
            let o = crate::overrides::parse_override(&text).unwrap();
            let err = o.sweep_values(None, &mut rng).unwrap().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Limit);
            assert_eq!(
                err.message(),
                format!(
                    "The {form} sweep has 500000 values, more than the limit of {MAX_SWEEP_VALUES}"
                )
            );
        }
        let o =
            crate::overrides::parse_override(&format!("x={}", values(MAX_SWEEP_VALUES))).unwrap();
        assert_eq!(
            o.sweep_values(None, &mut rng).unwrap().unwrap().len(),
            MAX_SWEEP_VALUES
        );
        let options: Vec<String> = (0..=MAX_SWEEP_VALUES).map(|i| format!("o{i}")).collect();
        let err = glob("o*").filter(&options).unwrap_err();
        assert_eq!(
            err.message(),
            format!("glob() matches more than {MAX_SWEEP_VALUES} options")
        );
        assert_eq!(
            glob("o*").filter(&options[1..]).unwrap().len(),
            MAX_SWEEP_VALUES
        );
        let range = crate::overrides::parse_override("x=range(0,500000)").unwrap();
        assert!(range.sweep_values(None, &mut rng).unwrap().is_err());
    }

    #[test]
    fn glob_filters_in_option_order() {
        let g = GlobSweep {
            include: vec![Element::str("*")],
            exclude: vec![Element::str("tmp*")],
        };
        let opts: Vec<String> = ["a", "tmp1", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(g.filter(&opts).unwrap(), ["a", "b"]);
    }

    #[test]
    fn ranges() {
        let vals = |r: RangeSweep| {
            r.values()
                .unwrap()
                .iter()
                .map(Element::value_str)
                .collect::<Vec<_>>()
        };
        let r = |a, b, c| RangeSweep {
            start: a,
            stop: b,
            step: c,
            shuffle: false,
            tags: vec![],
        };
        assert_eq!(
            vals(r(Number::Int(10), Number::Int(0), Number::Int(-3))),
            ["10", "7", "4", "1"]
        );
        assert_eq!(
            vals(r(Number::Int(0), Number::Int(1), Number::Float(0.3))),
            ["0.0", "0.3", "0.6", "0.8999999999999999"]
        );
        assert_eq!(
            vals(r(Number::Int(0), Number::Int(10), Number::Float(3.3))),
            ["0.0", "3.3", "6.6", "9.9"]
        );
        assert!(r(Number::Int(0), Number::Int(1), Number::Int(0))
            .values()
            .is_err());
    }
}
