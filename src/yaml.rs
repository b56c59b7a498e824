//! The one module that names `serde_yaml`.
//!
//! Errors come back as [`Diagnostic`]s with the line in the *file* (the caller passes the
//! offset of the YAML block), the key path named after the problem, and a "did you mean" hint
//! for unknown keys and values.
//!
//! serde_yaml is deprecated upstream. Replacing it with a fork is a change to this file only,
//! but not a one-line one unless the fork keeps the three things this file reads of it:
//!
//! 1. `from_str::<T>(&str) -> Result<T, Error>`;
//! 2. `Error::location()`, with 1-based `line()` and `column()`;
//! 3. `Error`'s text: `[KEY PATH: ]MESSAGE[ at line L column C]`, the key path written
//!    `a.b[0]` for an error inside a nested map or list, and MESSAGE serde's own wording
//!    (`unknown field `x`, expected one of …`, `missing field`, `invalid type: …`), which
//!    comes from serde's `de::Error` defaults rather than from the YAML crate.
//!
//! A fork that changes 1 or 2 needs those two calls changed; one that words 3 differently
//! needs `split_key_path` and the `" at line "` cut in `to_diagnostic` changed (serde's
//! MESSAGE stays the same whatever the YAML crate). The tests at the end pin all three (line,
//! key path, message and hint), so a swap that breaks one fails `cargo test`.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, closest};

/// Parses `text` as YAML into `T`. `first_line` is the 1-based file line of the text's first
/// line, so reported lines match the file.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|err| to_diagnostic(&err, path, first_line))
}

fn to_diagnostic(err: &serde_yaml::Error, path: &Path, first_line: usize) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C" to the message; we report the place ourselves.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let mut d = Diagnostic::error(humanize(&message)).at(path);
    if let Some(loc) = err.location() {
        d = d.line(first_line + loc.line() - 1).column(loc.column());
    }
    if let Some(hint) = unknown_field_hint(&message) {
        d = d.hint(hint);
    }
    d
}

/// serde says "unknown field `weigth`, expected one of `a`, `b`"; we say the same in
/// house style, name the key path of a nested error after the problem (`unknown key `nxt` in
/// `flow.steps[0]``) and move the suggestion into a hint.
fn humanize(message: &str) -> String {
    let (path, message) = split_key_path(message);
    let backticked = |rest: &str| rest.split(',').next().unwrap_or(rest).to_string();
    let (what, place) = if let Some(rest) = message.strip_prefix("unknown field ") {
        (format!("unknown key {}", backticked(rest)), "in")
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        (format!("unknown value {}", backticked(rest)), "for")
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        (format!("missing required key {rest}"), "in")
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        return match path {
            Some(path) => format!("invalid type for `{path}`: {rest}"),
            None => message.to_string(),
        };
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        return match path {
            Some(path) => format!("invalid value for `{path}`: {rest}"),
            None => message.to_string(),
        };
    } else {
        return match path {
            Some(path) => format!("`{path}`: {message}"),
            None => message.to_string(),
        };
    };
    match path {
        Some(path) => format!("{what} {place} `{path}`"),
        None => what,
    }
}

/// How serde's messages start; serde_yaml puts the key path of an error inside a nested map
/// or list before them (`flow.steps[0].answers[0]: unknown field …`).
const SERDE_MESSAGES: [&str; 7] = [
    "unknown field `",
    "unknown variant `",
    "missing field `",
    "duplicate field `",
    "invalid type: ",
    "invalid value: ",
    "invalid length ",
];

/// Splits serde_yaml's message into the key path (if any) and serde's own message. Keys may
/// hold spaces and `: `, so the path ends where a known serde message starts; for other
/// messages (a type's own, such as a date's) a prefix without spaces is taken as the path.
fn split_key_path(message: &str) -> (Option<&str>, &str) {
    if SERDE_MESSAGES.iter().any(|m| message.starts_with(m)) {
        return (None, message);
    }
    let known = SERDE_MESSAGES
        .iter()
        .filter_map(|m| message.find(&format!(": {m}")))
        .min();
    match known.or_else(|| message.find(": ").filter(|&i| !message[..i].contains(' '))) {
        Some(i) => (Some(&message[..i]), &message[i + 2..]),
        None => (None, message),
    }
}

fn unknown_field_hint(message: &str) -> Option<String> {
    let (_, message) = split_key_path(message);
    let (rest, what) = match message.strip_prefix("unknown field `") {
        Some(rest) => (rest, "keys"),
        None => (message.strip_prefix("unknown variant `")?, "values"),
    };
    let (name, tail) = rest.split_once('`')?;
    let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    match closest(name, &expected) {
        Some(best) => Some(format!("did you mean `{best}`?")),
        None if !expected.is_empty() => Some(format!(
            "known {what} are {}",
            expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let err = parse::<T>("title: x\nweigth: 3\n", Path::new("content/a.md"), 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "unknown key `weigth`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn syntax_error_has_line() {
        let err = parse::<T>("title: [x\n", Path::new("site.yaml"), 1).unwrap_err();
        assert!(err.line.is_some(), "{err}");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        title: String,
        #[serde(default)]
        draft: bool,
        #[serde(default)]
        items: Vec<T>,
        #[serde(default)]
        named: std::collections::BTreeMap<String, T>,
    }

    /// serde_yaml prefixes errors inside nested maps with the key path; the message names it
    /// after the problem, and the hint still comes.
    #[test]
    fn nested_unknown_key_names_its_path_and_suggests() {
        let err = parse::<Outer>(
            "title: x\nitems:\n  - title: a\n    weigth: 1\n",
            Path::new("a.md"),
            2,
        )
        .unwrap_err();
        assert_eq!(err.message, "unknown key `weigth` in `items[0]`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
        assert_eq!(err.line, Some(5));
    }

    /// A key with a space and `: ` in the path is still split where serde's message starts.
    #[test]
    fn key_path_with_spaces() {
        let err = parse::<Outer>(
            "title: x\nnamed:\n  'a: b c':\n    title: t\n    wieght: 1\n",
            Path::new("a.md"),
            1,
        )
        .unwrap_err();
        assert_eq!(err.message, "unknown key `wieght` in `named.a: b c`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn nested_missing_key_and_wrong_type_name_the_path() {
        let err =
            parse::<Outer>("title: x\nitems:\n  - weight: 1\n", Path::new("a.md"), 1).unwrap_err();
        assert_eq!(err.message, "missing required key `title` in `items[0]`");
        let err = parse::<Outer>("title: x\ndraft: maybe\n", Path::new("a.md"), 1).unwrap_err();
        assert_eq!(
            err.message,
            "invalid type for `draft`: string \"maybe\", expected a boolean"
        );
        assert_eq!(err.hint, None);
    }
}
