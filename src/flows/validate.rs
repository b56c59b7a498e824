//! Checks a parsed [`Flow`] as a graph and reports every problem at once, each naming the file,
//! the step and (when the front matter text is at hand) the line.
//!
//! What a flow must satisfy (`docs/writing.md`, "Troubleshooting flows"): step ids unique and
//! usable in URLs; every answer with exactly one target; `next` naming a known step; `page`
//! resolving to a page or heading (the caller's resolver, so this module does not depend on the
//! link checker); every step reachable from the first; no cycles; and no step without a way out.
//! Acyclic plus "every step has answers" means every path ends in `solved`, `page` or `contact`.

use std::path::Path;

use crate::diagnostics::{Diagnostic, closest};

use super::lines::Lines;
use super::model::{Answer, Flow, Target};

/// Where the flow was written, for diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Page path relative to the site root (`content/troubleshooting/sms.md`).
    pub path: &'a Path,
    /// The front matter YAML text (without the `---` lines); used to find a step's line.
    pub front_matter: &'a str,
    /// 1-based file line of the front matter's first line.
    pub first_line: usize,
}

/// Why an answer's `page:` leads nowhere, from the caller's resolver: the reason, and a hint
/// when the resolver has a better one than "write a relative path" (the nearest page or
/// heading, or that the page is a draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub reason: String,
    pub hint: Option<String>,
}

impl From<String> for Unresolved {
    fn from(reason: String) -> Unresolved {
        Unresolved { reason, hint: None }
    }
}

/// Validates `flow`. `resolve` receives an answer's `page:` value (a relative `.md` path with an
/// optional `#anchor`) and returns the URL it links to, or why it does not resolve.
pub fn validate(
    flow: &Flow,
    src: &Source<'_>,
    resolve: impl Fn(&str) -> Result<String, Unresolved>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lines = Lines::new(src.front_matter, src.first_line);
    let Some(first) = flow.steps.first() else {
        out.push(
            Diagnostic::error("flow has no steps")
                .at(src.path)
                .hint("add at least one step under `flow: steps:`, or remove `flow:`"),
        );
        return out;
    };
    let ids: Vec<&str> = flow.steps.iter().map(|s| s.id.as_str()).collect();
    let index_of = |id: &str| ids.iter().position(|k| *k == id);

    for (i, step) in flow.steps.iter().enumerate() {
        let nth = ids[..i].iter().filter(|k| **k == step.id).count();
        let here = lines.step(&step.id, nth);
        if nth > 0 {
            out.push(
                error(
                    src,
                    here,
                    format!("flow step id `{}` is used by more than one step", step.id),
                )
                .hint("step ids are anchors (`#step-<id>`) and must be unique within a flow"),
            );
        }
        if !valid_id(&step.id) {
            out.push(
                error(src, here, format!("flow step id `{}` is not a valid id", step.id))
                    .hint("use letters, digits, `-` and `_`: the id becomes the anchor `#step-<id>` and part of the page's `?path=` URL"),
            );
        }
        if step.answers.is_empty() {
            out.push(
                error(src, here, format!("flow step `{}` has no answers, so the flow stops there with no way out", step.id))
                    .hint("add answers that lead to another step (`next`), a page (`page`), `solved: true` or `contact: true`"),
            );
        }
        for (k, answer) in step.answers.iter().enumerate() {
            let at = lines.answer(&step.id, nth, k).or(here);
            check_answer(&mut out, src, at, &step.id, answer, &ids, &resolve);
        }
    }

    // Graph checks use the first step of each id, so a duplicate does not also report as unreachable.
    let edges: Vec<Vec<usize>> = flow
        .steps
        .iter()
        .map(|s| {
            s.answers
                .iter()
                .filter_map(|a| match a.target() {
                    Some(Target::Next(id)) => index_of(id),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let firsts: Vec<usize> = (0..ids.len())
        .filter(|&i| index_of(ids[i]) == Some(i))
        .collect();

    let reachable = reachable_from(0, &edges);
    for &i in firsts.iter().filter(|&&i| !reachable[i]) {
        let id = ids[i];
        out.push(
            error(
                src,
                lines.step(id, 0),
                format!(
                    "flow step `{id}` cannot be reached from the first step `{}`",
                    first.id
                ),
            )
            .hint(format!(
                "lead to it with `next: {id}` from another step's answer, or remove it"
            )),
        );
    }

    let escapes = can_end(flow, &edges);
    for cycle in cycles(&edges, &firsts) {
        let names: Vec<String> = cycle.iter().map(|&i| format!("`{}`", ids[i])).collect();
        let closing = cycle[cycle.len() - 2];
        let target = ids[cycle[cycle.len() - 1]];
        let answer = flow.steps[closing]
            .answers
            .iter()
            .position(|a| a.next.as_deref() == Some(target));
        let at = answer
            .and_then(|k| lines.answer(ids[closing], 0, k))
            .or(lines.step(ids[closing], 0));
        let hint = if cycle.iter().any(|&i| escapes[i]) {
            "a flow must always move forward: point this answer at a later step or end it with `solved`, `page` or `contact`"
        } else {
            "no answer in this loop leads out of it, so there is no way out: end one with `solved`, `page` or `contact`"
        };
        out.push(
            error(
                src,
                at,
                format!("flow steps form a cycle: {}", names.join(" → ")),
            )
            .hint(hint),
        );
    }
    out
}

fn check_answer(
    out: &mut Vec<Diagnostic>,
    src: &Source<'_>,
    at: Option<usize>,
    step: &str,
    answer: &Answer,
    ids: &[&str],
    resolve: &impl Fn(&str) -> Result<String, Unresolved>,
) {
    let label = &answer.label;
    let targets = answer.targets();
    let one_of = "give it exactly one of `next`, `page`, `solved: true` or `contact: true`";
    match targets.as_slice() {
        [] => out.push(
            error(
                src,
                at,
                format!("flow step `{step}`: answer `{label}` leads nowhere"),
            )
            .hint(one_of),
        ),
        [Target::Next(next)] if !ids.contains(next) => {
            let d = error(
                src,
                at,
                format!("flow step `{step}`: answer `{label}` leads to unknown step `{next}`"),
            );
            out.push(match closest(next, ids) {
                Some(best) => d.hint(format!("did you mean `{best}`?")),
                None => {
                    let mut known: Vec<String> = ids.iter().map(|k| format!("`{k}`")).collect();
                    known.dedup();
                    d.hint(format!("steps in this flow: {}", known.join(", ")))
                }
            });
        }
        [Target::Page(page)] => {
            if let Err(why) = resolve(page) {
                out.push(
                    error(src, at, format!("flow step `{step}`: answer `{label}` links to `{page}`, which does not resolve"))
                        .cause(why.reason)
                        .hint(why.hint.unwrap_or_else(|| "write the page as a path relative to this file, like a Markdown link (`../connect/senders.md#verify-a-sender`)".into())),
                );
            }
        }
        [_] => {}
        several => {
            let keys: Vec<String> = several.iter().map(|t| format!("`{}`", t.key())).collect();
            out.push(
                error(
                    src,
                    at,
                    format!(
                        "flow step `{step}`: answer `{label}` has several targets: {}",
                        keys.join(", ")
                    ),
                )
                .hint(one_of),
            );
        }
    }
}

fn error(src: &Source<'_>, line: Option<usize>, message: String) -> Diagnostic {
    let d = Diagnostic::error(message).at(src.path);
    match line {
        Some(l) => d.line(l),
        None => d,
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn reachable_from(start: usize, edges: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut todo = vec![start];
    while let Some(i) = todo.pop() {
        if !std::mem::replace(&mut seen[i], true) {
            todo.extend(&edges[i]);
        }
    }
    seen
}

/// For each step: can some path from it end in `solved`, `page` or `contact`? Answers with an
/// invalid target count as an end here, because they are reported on their own already.
fn can_end(flow: &Flow, edges: &[Vec<usize>]) -> Vec<bool> {
    let mut ok: Vec<bool> = flow
        .steps
        .iter()
        .map(|s| {
            s.answers
                .iter()
                .any(|a| !matches!(a.target(), Some(Target::Next(_))))
        })
        .collect();
    loop {
        let mut changed = false;
        for i in 0..ok.len() {
            if !ok[i] && edges[i].iter().any(|&j| ok[j]) {
                ok[i] = true;
                changed = true;
            }
        }
        if !changed {
            return ok;
        }
    }
}

/// Every cycle found by a depth-first search from each step, as the path `a, b, …, a`, each
/// reported once (at its closing edge).
fn cycles(edges: &[Vec<usize>], roots: &[usize]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut mark = vec![Mark::New; edges.len()];
    let mut found = Vec::new();
    for &root in roots {
        if mark[root] != Mark::New {
            continue;
        }
        // (node, next edge to follow); `stack` doubles as the current path.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = Mark::OnStack;
        while let Some(&mut (node, ref mut k)) = stack.last_mut() {
            if let Some(&next) = edges[node].get(*k) {
                *k += 1;
                match mark[next] {
                    Mark::New => {
                        mark[next] = Mark::OnStack;
                        stack.push((next, 0));
                    }
                    Mark::OnStack => {
                        let from = stack.iter().position(|&(n, _)| n == next).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[from..].iter().map(|&(n, _)| n).collect();
                        cycle.push(next);
                        found.push(cycle);
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    found
}

#[cfg(test)]
mod tests;
