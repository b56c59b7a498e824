//! `helpsite init [DIR]`: a starter support site for a new company, ready to build and to be
//! filled in. The company's facts (name, support address, response time, hours, products, the
//! URL) come from flags, from questions when run in a terminal ([`ask`]), or else are
//! placeholders; every page that shows a placeholder, and every page a writer must adapt
//! anyway, is marked `review: true`, so `helpsite check --review` lists what is left to do.
//!
//! The starter files live in `src/init/starter/` and are embedded, with `{{fact}}` (Markdown
//! text) and `{{fact|yaml}}` (a YAML string) filled in here. Nothing is ever overwritten: if
//! any file would exist already, nothing is written.

pub mod ask;

use std::path::{Path, PathBuf};

use helpsite::diagnostics::Diagnostic;

/// The starter site: path under the new site's folder, and its text with `{{…}}` slots.
const STARTER: &[(&str, &str)] = &[
    ("site.yaml", include_str!("starter/site.yaml")),
    (
        "content/_index.md",
        include_str!("starter/content/_index.md"),
    ),
    (
        "content/contact.md",
        include_str!("starter/content/contact.md"),
    ),
    ("content/faq.md", include_str!("starter/content/faq.md")),
    (
        "content/getting-help/_index.md",
        include_str!("starter/content/getting-help/_index.md"),
    ),
    (
        "content/getting-help/before-you-write.md",
        include_str!("starter/content/getting-help/before-you-write.md"),
    ),
    (
        "content/getting-help/etiquette.md",
        include_str!("starter/content/getting-help/etiquette.md"),
    ),
    (
        "content/troubleshooting/_index.md",
        include_str!("starter/content/troubleshooting/_index.md"),
    ),
    (
        "content/troubleshooting/should-i-email-support.md",
        include_str!("starter/content/troubleshooting/should-i-email-support.md"),
    ),
    (
        ".gitignore",
        "/public/\n/.public.prev/\n/.helpsite/cache/\n/.helpsite/relative/\n",
    ),
];

/// The company's facts as given; `None` is "not given", filled with a placeholder.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub company: Option<String>,
    pub email: Option<String>,
    pub response_time: Option<String>,
    pub hours: Option<String>,
    pub products: Option<Vec<String>>,
    pub base_url: Option<String>,
}

/// What each fact becomes when it was not given: obviously not real, and still a site that
/// builds clean.
pub mod placeholder {
    pub const COMPANY: &str = "Your Company";
    pub const EMAIL: &str = "support@example.com";
    pub const RESPONSE_TIME: &str = "2 business days";
    pub const HOURS: &str = "Monday to Friday, 9am–5pm";
    pub const PRODUCT: &str = "Your Product";
    pub const BASE_URL: &str = "https://support.example.com/";
}

/// Writes the starter site into `dir` (created if missing) and returns the files written,
/// relative to `dir`. Refuses, writing nothing, when any of them exists.
pub fn create(dir: &Path, facts: &Facts) -> Result<Vec<PathBuf>, Diagnostic> {
    check_facts(facts)?;
    let existing: Vec<&str> = STARTER
        .iter()
        .map(|(rel, _)| *rel)
        .filter(|rel| dir.join(rel).exists())
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostic::error(format!(
            "`{}` already holds {}: nothing was written",
            dir.display(),
            existing
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint("`init` never overwrites: choose an empty or new folder, e.g. `helpsite init my-help-site`"));
    }
    let slots = slots(facts);
    let mut written = Vec::new();
    for (rel, template) in STARTER {
        let full = dir.join(rel);
        let io = |e: std::io::Error| {
            Diagnostic::error(format!("cannot write `{}`", full.display())).cause(e.to_string())
        };
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        // `create_new`: a file that appeared since the check above is still not overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
            .map_err(io)?;
        std::io::Write::write_all(&mut file, fill(template, &slots).as_bytes()).map_err(io)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

/// Facts given on the command line must be usable as they are.
fn check_facts(facts: &Facts) -> Result<(), Diagnostic> {
    if let Some(email) = &facts.email
        && !ask::plausible_email(email)
    {
        return Err(
            Diagnostic::error(format!("`{email}` is not an email address"))
                .hint("for example `--email support@example.com`"),
        );
    }
    if let Some(url) = &facts.base_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(
            Diagnostic::error(format!("`{url}` is not an absolute http(s) URL"))
                .hint("for example `--base-url https://support.example.com/`"),
        );
    }
    for (name, value) in [
        ("--company", &facts.company),
        ("--response-time", &facts.response_time),
        ("--hours", &facts.hours),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(Diagnostic::error(format!("`{name}` is empty"))
                .hint("leave the flag out to get a placeholder marked `review: true`"));
        }
    }
    Ok(())
}

/// Each `{{slot}}` of the starter files with its text.
fn slots(facts: &Facts) -> Vec<(&'static str, String)> {
    let given = |v: &Option<String>, fallback: &str| {
        v.as_deref().map(str::trim).unwrap_or(fallback).to_string()
    };
    let company = given(&facts.company, placeholder::COMPANY);
    let email = given(&facts.email, placeholder::EMAIL);
    let response_time = given(&facts.response_time, placeholder::RESPONSE_TIME);
    let hours = given(&facts.hours, placeholder::HOURS);
    let mut base_url = given(&facts.base_url, placeholder::BASE_URL);
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let products: Vec<String> = match &facts.products {
        Some(p) if !p.is_empty() => p.iter().map(|s| s.trim().to_string()).collect(),
        _ => vec![placeholder::PRODUCT.to_string()],
    };
    let any_placeholder = facts.company.is_none()
        || facts.email.is_none()
        || facts.response_time.is_none()
        || facts.hours.is_none()
        || facts.products.as_ref().is_none_or(Vec::is_empty)
        || facts.base_url.is_none();
    let note = |missing: bool| {
        if missing {
            "  # placeholder: replace".to_string()
        } else {
            String::new()
        }
    };
    let title = format!("{company} Support");
    let description = format!(
        "Guides, answers and troubleshooting for {}. Still stuck? Email {email} and a person will reply within {response_time}.",
        natural_list(&products)
    );
    vec![
        ("title", title),
        ("description", description),
        ("company", company),
        ("email", email),
        ("response_time", response_time),
        ("hours", hours),
        ("first_product", products[0].clone()),
        ("products_text", natural_list(&products)),
        (
            "products",
            serde_json::to_string(&products).expect("strings"),
        ),
        ("base_url", base_url),
        ("review", any_placeholder.to_string()),
        (
            "review_note",
            if any_placeholder {
                "# review: true: the values marked `placeholder` were not given to `helpsite init`;\n# replace them (the pages that show them are marked `review: true` too).\n".to_string()
            } else {
                String::new()
            },
        ),
        ("company_note", note(facts.company.is_none())),
        ("base_url_note", note(facts.base_url.is_none())),
        ("email_note", note(facts.email.is_none())),
        ("response_time_note", note(facts.response_time.is_none())),
        ("hours_note", note(facts.hours.is_none())),
        (
            "products_note",
            note(facts.products.as_ref().is_none_or(Vec::is_empty)),
        ),
    ]
}

/// `A`, `A and B`, `A, B and C`.
fn natural_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Replaces every `{{name}}` with the slot's text escaped for Markdown and every
/// `{{name|yaml}}` with it as a YAML string (a JSON string is a double-quoted YAML scalar).
/// The `products` slot is already a YAML flow sequence; the `*_note` slots are verbatim.
fn fill(template: &str, slots: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e)
            .expect("a starter slot is closed");
        let slot = &rest[start + 2..end];
        let (name, yaml) = match slot.strip_suffix("|yaml") {
            Some(name) => (name, true),
            None => (slot, false),
        };
        let value = &slots
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("unknown starter slot `{name}`"))
            .1;
        let verbatim =
            name.ends_with("_note") || matches!(name, "products" | "review" | "base_url");
        if yaml && name != "products" {
            out.push_str(&serde_json::to_string(value).expect("a string serializes"));
        } else if verbatim {
            out.push_str(value);
        } else {
            out.push_str(&markdown_text(value));
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A fact as Markdown text: the characters that would start markup, or end a table cell, are
/// escaped, so "A|B *Tools*" stays what the company wrote.
fn markdown_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_is_filled() {
        let slots = slots(&Facts::default());
        for (rel, template) in STARTER {
            let text = fill(template, &slots);
            assert!(!text.contains("{{"), "{rel}: {text}");
        }
    }

    #[test]
    fn facts_are_escaped_for_their_context() {
        let facts = Facts {
            company: Some("A|B \"Tools\"".into()),
            products: Some(vec!["X*".into(), "Y".into(), "Z".into()]),
            ..Facts::default()
        };
        let slots = slots(&facts);
        assert_eq!(
            fill(
                "{{company}} {{title|yaml}} {{products}} {{products_text}}",
                &slots
            ),
            r#"A\|B "Tools" "A|B \"Tools\" Support" ["X*","Y","Z"] X\*, Y and Z"#
        );
    }

    #[test]
    fn lists_read_naturally() {
        let s = |v: &[&str]| natural_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["A"]), "A");
        assert_eq!(s(&["A", "B"]), "A and B");
        assert_eq!(s(&["A", "B", "C"]), "A, B and C");
    }
}
