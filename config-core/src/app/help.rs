//! `--help`: Hydra's app help. The template (`hydra.help.template`) is a
//! Python `string.Template`: `$NAME` and `${NAME}` are replaced, `$$` is a
//! dollar; interpolations in it (`${hydra.help.header}`) are resolved first.

use crate::defaults::MAX_LISTED_OPTIONS;
use crate::repository::Repository;

/// Every config group with options, sorted, nested groups as `a/b`, each
/// with its sorted options (`list_all_config_groups`).
pub(super) fn config_groups(repo: &Repository) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    walk(repo, "", &mut out, 0);
    out.sort();
    out
}

fn walk(repo: &Repository, parent: &str, out: &mut Vec<(String, Vec<String>)>, depth: usize) {
    // Directory trees are finite, but a symlink loop must not recurse forever.
    if depth > 64 {
        return;
    }
    for g in repo.groups(parent) {
        let name = if parent.is_empty() {
            g
        } else {
            format!("{parent}/{g}")
        };
        let mut options = repo.options(&name);
        options.sort();
        options.dedup();
        if !options.is_empty() {
            out.push((name.clone(), options));
        }
        walk(repo, &name, out, depth + 1);
    }
}

/// `group: a, b` lines, one per group, each ending in a newline. A group
/// with more than [`MAX_LISTED_OPTIONS`] options (ten thousand generated
/// experiments) lists the first ones and says how many more there are:
/// Hydra lists them all, which buries the other groups.
///
pub(super) fn group_lines(groups: &[&(String, Vec<String>)]) -> String {
    groups
        .iter()
        .map(|(g, o)| {
            if o.len() <= MAX_LISTED_OPTIONS {
                return format!("{g}: {}\n", o.join(", "));
            }
            format!(
                "{g}: {}, ... and {} more ({g}=glob(...) selects by pattern)\n",
                o[..MAX_LISTED_OPTIONS].join(", "),
                o.len() - MAX_LISTED_OPTIONS
            )
        })
        .collect()
}

/// `string.Template.safe_substitute` over `vars`.
pub(super) fn substitute(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, tail) = match after.strip_prefix('{') {
            Some(b) => match b.find('}') {
                Some(j) => (&b[..j], &b[j + 1..]),
                None => ("", after),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        match vars.iter().find(|(k, _)| *k == name) {
            Some((_, v)) if !name.is_empty() => {
                out.push_str(v);
                rest = tail;
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_groups_are_counted_not_listed() {
        let few = (
            "db".to_string(),
            vec!["mysql".to_string(), "sqlite".to_string()],
        );
        let many = (
            "experiment".to_string(),
            (0..102).map(|i| format!("e{i:03}")).collect(),
        );
        let text = group_lines(&[&few, &many]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "db: mysql, sqlite");
        assert!(lines[1].starts_with("experiment: e000, e001,"), "{text}");
        assert!(
            lines[1].ends_with("e039, ... and 62 more (experiment=glob(...) selects by pattern)"),
            "{text}"
        );
    }

    #[test]
    fn template_substitution() {
        let vars = [("CONFIG", "a: 1\n".to_string()), ("X", "x".to_string())];
        assert_eq!(
            substitute("$CONFIG|${X}|$$X|$NOPE", &vars),
            "a: 1\n|x|$X|$NOPE"
        );
    }
}
