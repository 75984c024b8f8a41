//! The basic sweeper (Hydra's `BasicSweeper`): turns the overrides of a
//! multirun into jobs. Each swept key contributes its values, every other
//! override its one value; the jobs are the Cartesian product, the last key
//! varying fastest. `hydra.sweeper.params` come first, in their order; a
//! command-line override of the same key replaces the value but keeps the
//! position. `max_batch_size` cuts the jobs into batches.

use crate::error::{Error, ErrorKind};
use crate::node::Node;
use crate::origin::Origin;
use crate::overrides::{OverrideParser, Sweep, SweepRng};
use crate::repository::Repository;
use indexmap::IndexMap;

/// The most jobs one sweep may make: a typo such as `range(0,1e9)` should
/// be an error, not a machine's worth of memory.
pub const MAX_JOBS: usize = 100_000;

/// The override strings of each job, in batches.
pub type Batches = Vec<Vec<Vec<String>>>;

/// `BasicSweeper.sweep` up to the launch: the batches of job overrides.
/// `sweeper` is the `hydra.sweeper` node, `task` the task overrides as typed,
/// `repo` the search path whose group options `glob()` lists.
pub fn batches(sweeper: &Node, task: &[String], repo: &Repository) -> Result<Batches, Error> {
    let mut texts = params(sweeper);
    let from_params = texts.len();
    texts.extend(task.iter().cloned());
    let mut parser = OverrideParser::new(0);
    let mut rng = SweepRng::new(0);
    let mut lists: IndexMap<String, Vec<String>> = IndexMap::new();
    for (i, text) in texts.iter().enumerate() {
        let place = |e: Error| locate(e, i, from_params, text);
        let o = parser.parse(text).map_err(place)?;
        let key = o.key_element();
        let values = match o.sweep() {
            None => vec![o.value_str().unwrap_or_else(|| "null".into())],
            Some(sweep) => sweep_values(sweep, o.key_or_group(), repo, &mut rng).map_err(place)?,
        };
        let values = values.into_iter().map(|v| format!("{key}={v}")).collect();
        lists.insert(key, values);
    }
    let jobs = product(lists.into_values().collect())?;
    Ok(match max_batch_size(sweeper) {
        Some(n) if n > 0 => jobs.chunks(n).map(<[_]>::to_vec).collect(),
        _ => vec![jobs],
    })
}

/// Says where the `i`-th override text came from: a command-line argument
/// (shortened in a limit error, whose argument may be 100 KB long), or
/// `hydra.sweeper.params.KEY` for the first `from_params`.
fn locate(e: Error, i: usize, from_params: usize, text: &str) -> Error {
    if i < from_params {
        let key = text.split('=').next().unwrap_or(text);
        return e.with_key(format!("hydra.sweeper.params.{key}"));
    }
    let index = i - from_params + 1;
    if e.kind() == ErrorKind::Limit {
        e.with_origin(Origin::arg(index, crate::overrides::shorten(text)))
    } else {
        e.with_origin(Origin::arg(index, text))
    }
}

/// `hydra.sweeper.params` as `key=value` texts.
fn params(sweeper: &Node) -> Vec<String> {
    match sweeper.get("params") {
        Some(p) => p
            .entries()
            .map(|(k, v)| format!("{k}={}", crate::python::python_str(&v.value)))
            .collect(),
        None => Vec::new(),
    }
}

fn max_batch_size(sweeper: &Node) -> Option<usize> {
    match sweeper.get("max_batch_size").map(|n| &n.value) {
        Some(crate::Value::Int(i)) if *i > 0 => Some(*i as usize),
        _ => None,
    }
}

/// A sweep's values as override text (`sweep_string_iterator`): quoted
/// strings keep their quotes, others are escaped.
fn sweep_values(
    sweep: &Sweep,
    group: &str,
    repo: &Repository,
    rng: &mut SweepRng,
) -> Result<Vec<String>, Error> {
    let elements = match sweep {
        Sweep::Choice(c) => {
            c.check_len()?;
            let mut items = c.items.clone();
            if c.shuffle {
                rng.shuffle(&mut items);
            }
            items
        }
        Sweep::Interval(_) => return Err(Error::new(
            ErrorKind::Override,
            "BasicSweeper does not support sweep type : INTERVAL_SWEEP",
        )
        .with_hint(
            "interval() is for optimizing sweepers; use range(start,stop,step) or a list of values",
        )),
        Sweep::Glob(_) => {
            let options = repo.options(group);
            sweep.expand(Some(&options), rng)?
        }
        Sweep::Range(_) => sweep.expand(None, rng)?,
    };
    Ok(elements.iter().map(|e| e.value_str()).collect())
}

/// `itertools.product(*lists)`, bounded by [`MAX_JOBS`].
fn product(lists: Vec<Vec<String>>) -> Result<Vec<Vec<String>>, Error> {
    let total = lists
        .iter()
        .try_fold(1usize, |acc, l| acc.checked_mul(l.len()));
    if total.is_none_or(|t| t > MAX_JOBS) {
        return Err(Error::new(
            ErrorKind::Limit,
            format!(
                "the sweep makes {} jobs, more than the limit of {MAX_JOBS}",
                total
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "too many".into())
            ),
        )
        .with_hint("sweep fewer values, or split the sweep into several multiruns"));
    }
    let mut jobs: Vec<Vec<String>> = vec![Vec::new()];
    for list in lists {
        let mut next = Vec::with_capacity(jobs.len() * list.len());
        for job in &jobs {
            for v in &list {
                let mut j = job.clone();
                j.push(v.clone());
                next.push(j);
            }
        }
        jobs = next;
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sweeper: &str, task: &[&str]) -> Batches {
        let node = Node::from_yaml_str(sweeper).unwrap();
        let task: Vec<String> = task.iter().map(|s| s.to_string()).collect();
        batches(&node, &task, &Repository::new()).unwrap()
    }

    #[test]
    fn last_key_varies_fastest_and_params_come_first() {
        let b = run("params: {lr: '0.1,0.01'}", &["db=a,b", "seed=1"]);
        assert_eq!(
            b,
            vec![vec![
                vec!["lr=0.1", "db=a", "seed=1"],
                vec!["lr=0.1", "db=b", "seed=1"],
                vec!["lr=0.01", "db=a", "seed=1"],
                vec!["lr=0.01", "db=b", "seed=1"],
            ]]
        );
    }

    #[test]
    fn cli_replaces_a_param_in_place_and_batches_split() {
        let b = run(
            "params: {lr: '0.1,0.01'}\nmax_batch_size: 1",
            &["db=a", "lr=5"],
        );
        assert_eq!(b, vec![vec![vec!["lr=5", "db=a"]]]);
        let b = run("max_batch_size: 2", &["x=1,2,3"]);
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn rendering_and_limits() {
        let b = run("{}", &["~db", "s='a b',c d"]);
        assert_eq!(b[0][0], ["~db=null", "s='a b'"]);
        assert_eq!(b[0][1], ["~db=null", r"s=c\ d"]);
        let node = Node::from_yaml_str("{}").unwrap();
        let err = batches(
            &node,
            &["a=range(0,400)".into(), "b=range(0,400)".into()],
            &Repository::new(),
        );
        assert!(err.unwrap_err().to_string().contains("more than the limit"));
    }

    #[test]
    fn a_huge_choice_is_refused_before_its_jobs_are_made() {
        let node = Node::from_yaml_str("{}").unwrap();
        let values: Vec<String> = (0..500_000).map(|i| i.to_string()).collect();
        let task = [format!("x={}", values.join(","))];
        let err = batches(&node, &task, &Repository::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit);
        assert!(
            err.message()
                .starts_with("The a,b,... sweep has 500000 values"),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("at command-line argument 1 (`x=0,1,2,"),
            "{err}"
        );
        assert!(
            err.to_string().len() < 1_000,
            "the argument is shortened: {err}"
        );
        let params = format!(
            "params: {{lr: '{}'}}",
            values[..=crate::overrides::MAX_SWEEP_VALUES].join(",")
        );
        let err = batches(
            &Node::from_yaml_str(&params).unwrap(),
            &[],
            &Repository::new(),
        );
        let text = err.unwrap_err().to_string();
        assert!(text.contains("full_key: hydra.sweeper.params.lr"), "{text}");
    }
}
