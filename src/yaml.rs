//! The one module that names `serde_yaml`.
//!
//! serde_yaml is deprecated upstream; keeping every use behind [`parse`] means a maintained
//! fork replaces it here in one line. Errors come back as [`Diagnostic`]s with the line in the
//! *file* (the caller passes the offset of the YAML block) and a "did you mean" hint for
//! unknown keys.

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
/// house style and move the suggestion into a hint.
fn humanize(message: &str) -> String {
    // serde_yaml prefixes errors inside nested maps with the key path (`flow.steps[0]: …`).
    let (prefix, message) = split_key_path(message);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest);
        return format!("{prefix}unknown key {name}");
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let name = rest.split(',').next().unwrap_or(rest);
        return format!("{prefix}unknown value {name}");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("{prefix}missing required key {rest}");
    }
    format!("{prefix}{message}")
}

fn split_key_path(message: &str) -> (&str, &str) {
    match message.find(": ") {
        Some(i) if !message[..i].contains(' ') => (&message[..i + 2], &message[i + 2..]),
        _ => ("", message),
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
}
