//! "Did you mean": the candidates closest to a misspelt word (a key, an
//! option, a resolver name), for the hints of every error that lists
//! options. The work is bounded, so that a huge key or a huge list of
//! options cannot stall an error message.

/// Longest word compared by edit distance, in characters: a longer one
/// (a 60 KB key) gets suggestions only from candidates that extend it.
pub(crate) const MAX_SUGGEST_CHARS: usize = 128;

/// Most edit-distance cells one [`did_you_mean`] computes (each is a few
/// nanoseconds); candidates past the budget are only checked for extending
/// the word.
const MAX_SUGGEST_CELLS: usize = 1 << 24;

/// The candidates closest to `word` (Damerau-free Levenshtein), best first:
/// the "did you mean" of every error that lists options. A candidate that
/// extends `word` at a word boundary (`env` → `env_set`) counts as close.
/// The work is bounded (see [`MAX_SUGGEST_CHARS`]), so a huge key or a huge
/// list of options cannot stall an error message.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    suggest(word, candidates, MAX_SUGGEST_CELLS)
}

/// [`did_you_mean`] with a budget of `budget` edit-distance cells.
fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    budget: usize,
) -> Vec<&'a str> {
    let chars: Vec<char> = word.chars().take(MAX_SUGGEST_CHARS + 1).collect();
    let max = (chars.len() / 3).max(1) + 1;
    let extends = |c: &str| {
        chars.len() >= 3
            && c.strip_prefix(word)
                .is_some_and(|rest| rest.starts_with(['_', '-', '.', '/']))
    };
    let mut cells = 0;
    let mut other = Vec::new();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = if chars.len() <= MAX_SUGGEST_CHARS && cells < budget {
                other.clear();
                other.extend(c.chars().take(chars.len() + max + 1));
                edit_distance_within(&chars, &other, max, &mut cells)
            } else {
                None
            };
            match d {
                Some(d) => Some((d, c)),
                None => extends(c).then_some((max, c)),
            }
        })
        .collect();
    // Stable: among equally close candidates, the first listed wins.
    scored.sort_by_key(|(d, _)| *d);
    scored.into_iter().map(|(_, c)| c).collect()
}

/// The edit distance of `a` and `b` if it is at most `max`. Only the band
/// of cells within `max` of the diagonal can hold such a distance, so only
/// those are computed (and counted in `cells`); a row past `max` stops.
fn edit_distance_within(a: &[char], b: &[char], max: usize, cells: &mut usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let far = max + 1;
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j.min(far)).collect();
    let mut cur = vec![far; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let row = i + 1;
        let lo = row.saturating_sub(max).max(1);
        let hi = (row + max).min(b.len());
        cur[0] = row.min(far);
        cur[lo - 1] = if lo == 1 { cur[0] } else { far };
        let mut best = cur[0];
        for j in lo..=hi {
            let sub = prev[j - 1] + usize::from(*ca != b[j - 1]);
            let v = sub.min(prev[j] + 1).min(cur[j - 1] + 1).min(far);
            cur[j] = v;
            best = best.min(v);
        }
        if hi < b.len() {
            cur[hi + 1] = far;
        }
        *cells += hi + 1 - lo.min(hi + 1);
        if best > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_rank_closest_first() {
        let got = did_you_mean("max_itr", ["max_iter", "logging_iter", "name"]);
        assert_eq!(got, vec!["max_iter"]);
    }

    #[test]
    fn did_you_mean_is_bounded() {
        // A 60 KB key and a near miss took 12 s.
        let key = "k".repeat(60_000);
        let near = format!("{}j", &key[1..]);
        let start = std::time::Instant::now();
        assert!(did_you_mean(&key, [near.as_str()]).is_empty());
        let ext = format!("{key}_x");
        assert_eq!(did_you_mean(&key, [ext.as_str()]), [ext.as_str()]);
        assert!(start.elapsed().as_millis() < 100, "{:?}", start.elapsed());
        // Past the cell budget, candidates are only checked for extending
        // the word: the close `max_iter` after it is not compared.
        let many = ["seed", "name", "max_iter", "max_itr_x"];
        assert_eq!(suggest("max_itr", many, 1 << 20), ["max_iter", "max_itr_x"]);
        assert_eq!(suggest("max_itr", many, 10), ["max_itr_x"]);
    }

    /// The full edit distance, as it was computed before the band.
    fn reference_distance(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != cb);
                cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    proptest::proptest! {
        #[test]
        fn banded_distance_agrees(a in "[abc]{0,12}", b in "[abc]{0,12}", max in 1usize..6) {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let d = reference_distance(&a, &b);
            let got = edit_distance_within(&a, &b, max, &mut 0);
            proptest::prop_assert_eq!(got, (d <= max).then_some(d));
        }
    }
}

#[cfg(test)]
mod doc_examples {
    #[test]
    fn did_you_mean_example() {
        use crate::error::did_you_mean;
        assert_eq!(did_you_mean("max_itr", ["max_iter", "seed"]), ["max_iter"]);
        assert_eq!(
            did_you_mean("env", ["name", "env_set", "env_copy"]),
            ["env_set", "env_copy"]
        );
    }
}
