//! Smart punctuation for the plain text that sits beside a page's Markdown: titles and
//! descriptions from front matter, flow step titles and answer labels. They show next to the
//! body (headings, sidebar, pager, section lists), so they must read like it: `isn't` becomes
//! `isn’t` there exactly as it does in the body.
//!
//! pulldown-cmark decides which quote is opening or closing; only the punctuation it changed is
//! replaced, everything else stays as written, because these strings are text, not Markdown
//! (`*`, `_` or `[` in a title are kept).

use std::borrow::Cow;

use pulldown_cmark::{Event, Options, Parser};

/// `text` with curly quotes, en and em dashes and ellipses, as the body gets them.
pub fn punctuate(text: &str) -> Cow<'_, str> {
    // Most titles have nothing to change: skip the parser for them.
    if !text.contains(['\'', '"']) && !text.contains("--") && !text.contains("...") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (event, range) in
        Parser::new_ext(text, Options::ENABLE_SMART_PUNCTUATION).into_offset_iter()
    {
        let Event::Text(replaced) = event else {
            continue;
        };
        let written = &text[range.clone()];
        let is_punctuation = written.chars().all(|c| matches!(c, '\'' | '"' | '-' | '.'));
        if is_punctuation && range.start >= copied && *replaced != *written {
            out.push_str(&text[copied..range.start]);
            out.push_str(&replaced);
            copied = range.end;
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::punctuate;

    #[test]
    fn quotes_dashes_and_ellipses_like_the_body() {
        for (written, shown) in [
            ("Why isn't my email sending?", "Why isn’t my email sending?"),
            ("The \"Verified\" badge", "The “Verified” badge"),
            ("'Pending' senders", "‘Pending’ senders"),
            ("Hours -- and holidays", "Hours – and holidays"),
            ("Wait---what", "Wait—what"),
            ("Still stuck...", "Still stuck…"),
            ("Customers' accounts", "Customers’ accounts"),
        ] {
            assert_eq!(punctuate(written), shown, "{written}");
        }
    }

    #[test]
    fn everything_else_stays_as_written() {
        for text in [
            "Plain title",
            "C++ *beta* [draft] _x_ <b>",
            "# Not a heading",
            "- not a list",
        ] {
            assert_eq!(punctuate(text), text);
        }
        assert_eq!(punctuate("# It's *bold* [x](y)"), "# It’s *bold* [x](y)");
        assert!(matches!(punctuate("Plain"), std::borrow::Cow::Borrowed(_)));
    }
}
