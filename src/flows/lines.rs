//! File lines of a flow's steps and answers, for diagnostics.

/// Finds the file line of a step's `id:` and of its answers' `label:` keys by scanning the
/// front matter text: serde_yaml gives no positions for values, and ids are unique enough.
pub(crate) struct Lines<'a> {
    lines: Vec<&'a str>,
    first_line: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(front_matter: &'a str, first_line: usize) -> Self {
        Self {
            lines: front_matter.lines().collect(),
            first_line,
        }
    }

    /// Index (0-based, in the front matter) of the `nth` line `id: <id>`.
    fn step_index(&self, id: &str, nth: usize) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| key_value(l, "id") == Some(id))
            .map(|(i, _)| i)
            .nth(nth)
    }

    /// File line of the first `key:` line (e.g. `flow:`).
    pub(crate) fn key(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| key_value(l, key).is_some())
            .map(|i| i + self.first_line)
    }

    pub(crate) fn step(&self, id: &str, nth: usize) -> Option<usize> {
        self.step_index(id, nth).map(|i| i + self.first_line)
    }

    /// The `k`th `label:` line after the step's `id:` line and before the next step's.
    pub(crate) fn answer(&self, id: &str, nth: usize, k: usize) -> Option<usize> {
        let start = self.step_index(id, nth)?;
        self.lines[start + 1..]
            .iter()
            .take_while(|l| key_value(l, "id").is_none())
            .enumerate()
            .filter(|(_, l)| key_value(l, "label").is_some())
            .nth(k)
            .map(|(i, _)| start + 1 + i + self.first_line)
    }
}

/// The value of a `key: value` line (also `- key: value`), without quotes.
fn key_value<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").unwrap_or(line).trim_start();
    let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
    let value = value.split(" #").next().unwrap_or(value).trim();
    Some(value.trim_matches(|c| c == '"' || c == '\''))
}
