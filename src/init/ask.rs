//! The questions `helpsite init` asks in a terminal for each fact no flag gave. An empty answer
//! keeps the placeholder (shown in brackets), which the starter site marks `review: true`.

use std::io::{BufRead, IsTerminal as _, Write};

use super::{Facts, placeholder};

/// True when both ends are a person at a terminal: a script, a pipe or a test gets no
/// questions and the placeholders.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks, on stderr, for every fact not given; reads the answers from `input`.
pub fn missing_facts(facts: &mut Facts, input: &mut dyn BufRead, out: &mut dyn Write) {
    let mut ask = |question: &str, fallback: &str, valid: &dyn Fn(&str) -> bool| loop {
        let _ = write!(out, "{question} [{fallback}]: ");
        let _ = out.flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let answer = line.trim();
        if answer.is_empty() {
            return None;
        }
        if valid(answer) {
            return Some(answer.to_string());
        }
        let _ = writeln!(
            out,
            "  that doesn't look right; press Enter to keep the placeholder"
        );
    };
    let any = &|_: &str| true;
    if facts.company.is_none() {
        facts.company = ask("Company name", placeholder::COMPANY, any);
    }
    if facts.email.is_none() {
        facts.email = ask(
            "Support email address",
            placeholder::EMAIL,
            &plausible_email,
        );
    }
    if facts.response_time.is_none() {
        facts.response_time = ask(
            "Response time (\"We aim to reply within …\")",
            placeholder::RESPONSE_TIME,
            any,
        );
    }
    if facts.hours.is_none() {
        facts.hours = ask("Support hours", placeholder::HOURS, any);
    }
    if facts.products.is_none() {
        facts.products = ask("Products, separated by commas", placeholder::PRODUCT, any)
            .map(|list| split_list(&list));
    }
    if facts.base_url.is_none() {
        facts.base_url = ask(
            "URL the site will be published at",
            placeholder::BASE_URL,
            &|u| u.starts_with("https://") || u.starts_with("http://"),
        );
    }
}

/// `a, b,,c ` → `[a, b, c]`.
pub fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// One `@` with something on both sides, a dot in the domain and no spaces: enough to catch
/// a slip, without pretending to validate an address.
pub fn plausible_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_fill_facts_and_empty_keeps_placeholders() {
        let mut facts = Facts {
            hours: Some("Always".into()),
            ..Facts::default()
        };
        let input = "Acme\nnot-an-email\nhelp@acme.test\n\nRockets, Anvils\n\n";
        let mut out = Vec::new();
        missing_facts(&mut facts, &mut input.as_bytes(), &mut out);
        assert_eq!(facts.company.as_deref(), Some("Acme"));
        assert_eq!(facts.email.as_deref(), Some("help@acme.test"));
        assert_eq!(facts.response_time, None);
        assert_eq!(facts.hours.as_deref(), Some("Always"));
        assert_eq!(
            facts.products,
            Some(vec!["Rockets".to_string(), "Anvils".to_string()])
        );
        assert_eq!(facts.base_url, None);
        let asked = String::from_utf8(out).unwrap();
        assert!(asked.contains("that doesn't look right"), "{asked}");
        assert!(!asked.contains("Support hours"), "{asked}");
    }

    #[test]
    fn emails() {
        assert!(plausible_email("help@acme.test"));
        for bad in ["acme", "@acme.test", "a@acme", "a b@acme.test", "a@b@c.d"] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
