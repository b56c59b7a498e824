//! Finding URLs in decoded text. Transfer encodings and charsets are already undone by
//! mail-parser, so a quoted-printable soft break inside a URL or `=3D` in its query is gone by
//! the time text arrives here.

/// Every `http://` or `https://` URL in `text`, in order, with trailing punctuation trimmed
/// (`(see https://x/a/).` → `https://x/a/`) and `<…>` brackets honoured.
pub fn find_urls(text: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let mut rest = text;
    let mut base = 0;
    while let Some(pos) = find_scheme(rest) {
        let start = base + pos;
        let tail = &text[start..];
        let end = tail
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '<' | '>' | '"' | '\'' | '`' | '{' | '}' | '|' | '\\' | '^'
                    )
            })
            .unwrap_or(tail.len());
        let url = trim_trailing(&tail[..end]);
        if url.len() > "https://".len() {
            urls.push(url);
        }
        base = start + end.max(1);
        rest = &text[base..];
    }
    urls
}

fn find_scheme(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find("http").map(|i| i + from) {
        let after = &bytes[i + 4..];
        let is_url = after.starts_with(b"://") || after.starts_with(b"s://");
        // Mid-word "http" (as in "xhttp://") is not a URL start.
        let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if is_url && word_start {
            return Some(i);
        }
        from = i + 4;
    }
    None
}

/// Drops sentence punctuation after a URL, and a closing bracket that has no opening one
/// inside the URL (Wikipedia-style `(…)` paths keep theirs).
fn trim_trailing(mut url: &str) -> &str {
    loop {
        let Some(last) = url.chars().last() else {
            return url;
        };
        let unbalanced =
            |open: char, close: char| url.matches(close).count() > url.matches(open).count();
        let trim = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' => true,
            ')' => unbalanced('(', ')'),
            ']' => unbalanced('[', ']'),
            _ => false,
        };
        if !trim {
            return url;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_trims() {
        let text = "Read https://a.b/x/ (or https://a.b/y/). Also <https://a.b/z/?q=1&r=2#h>, xhttp://no and https://a.b/w_(v)";
        assert_eq!(
            find_urls(text),
            vec![
                "https://a.b/x/",
                "https://a.b/y/",
                "https://a.b/z/?q=1&r=2#h",
                "https://a.b/w_(v)"
            ]
        );
        assert_eq!(find_urls("https:// and http://"), Vec::<&str>::new());
        assert_eq!(
            find_urls("**https://a.b/bold/**"),
            vec!["https://a.b/bold/"]
        );
    }
}
