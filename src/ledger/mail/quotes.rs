//! What the sender wrote themselves, without the earlier messages their client quoted.
//!
//! A link a customer sent and staff quoted back, or a link from an older reply in the thread,
//! must not count again. Plain text loses `>` lines and everything from the first quote header
//! on: "On … wrote:", Outlook's "-----Original Message-----" and "From: … Sent: …" blocks, and
//! forwarded-message markers. HTML loses `<blockquote>`s and Gmail/Outlook/Thunderbird quote
//! containers, then becomes text (hrefs kept inline) and goes through the same text rules.

use html5gum::{Token, Tokenizer};

/// The unquoted part of a text/plain body.
pub fn unquoted_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if starts_quote_block(&lines, i) {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Does line `i` open the quoted history (so it and everything after are not the sender's)?
fn starts_quote_block(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    if lower.starts_with("-----original message-----")
        || (lower.starts_with('-') && lower.contains("forwarded message"))
        || lower.starts_with("-------- original message")
        || lower.starts_with("begin forwarded message:")
    {
        return true;
    }
    // "On Mon, 3 Jun 2024 at 10:02, Ann <ann@x> wrote:", which clients may wrap over two lines.
    if lower.starts_with("on ") {
        let joined = match lines.get(i + 1) {
            Some(next) if !lower.ends_with(':') => {
                format!("{lower} {}", next.trim().to_lowercase())
            }
            _ => lower.clone(),
        };
        if joined.ends_with("wrote:") || joined.ends_with("writes:") {
            return true;
        }
    }
    // Outlook: a `From:` line followed within a few lines by `Sent:`/`Date:` (the quoted
    // message's header block), often after a line of underscores.
    if lower.starts_with("from:") {
        return lines[i + 1..].iter().take(4).any(|l| {
            let l = l.trim().to_lowercase();
            l.starts_with("sent:") || l.starts_with("date:")
        });
    }
    false
}

/// Elements whose whole content is quoted history.
fn is_quote_container(
    name: &[u8],
    attrs: &std::collections::BTreeMap<
        html5gum::HtmlString,
        html5gum::Spanned<html5gum::HtmlString, ()>,
    >,
) -> bool {
    if name == b"blockquote" {
        return true;
    }
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|(k, _)| k.as_slice() == key.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(&v.value).to_lowercase())
            .unwrap_or_default()
    };
    let class = attr("class");
    let id = attr("id");
    class.split_whitespace().any(|c| {
        matches!(
            c,
            "gmail_quote" | "moz-cite-prefix" | "yahoo_quoted" | "protonmail_quote"
        )
    }) || matches!(
        id.as_str(),
        "appendonsend" | "divrplyfwdmsg" | "mail-editor-reference-message-container"
    )
}

/// Elements after which the rest of the document is quoted history (Outlook puts the old
/// message next to, not inside, its header block).
fn ends_own_text(name: &[u8], id: &str) -> bool {
    name == b"div" && matches!(id, "divrplyfwdmsg" | "appendonsend")
}

const BLOCK: &[&[u8]] = &[
    b"p", b"div", b"br", b"li", b"tr", b"h1", b"h2", b"h3", b"h4", b"h5", b"h6", b"hr", b"table",
    b"ul", b"ol", b"pre",
];
const VOID: &[&[u8]] = &[
    b"br", b"hr", b"img", b"meta", b"link", b"input", b"wbr", b"col", b"area", b"base", b"source",
];

/// The unquoted part of a text/html body as text, with each link's href written next to its
/// text so the URL finder sees it.
pub fn unquoted_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    // Depth inside a quote container or a non-content element (head, style, script).
    let mut skip_depth = 0usize;
    let mut open: Vec<Vec<u8>> = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                let id = tag
                    .attributes
                    .iter()
                    .find(|(k, _)| k.as_slice() == b"id")
                    .map(|(_, v)| String::from_utf8_lossy(&v.value).to_lowercase())
                    .unwrap_or_default();
                if skip_depth == 0 && ends_own_text(&name, &id) {
                    break;
                }
                let void = tag.self_closing || VOID.contains(&name.as_slice());
                if skip_depth > 0 {
                    if !void {
                        skip_depth += 1;
                    }
                    continue;
                }
                if is_quote_container(&name, &tag.attributes)
                    || matches!(name.as_slice(), b"head" | b"style" | b"script" | b"title")
                {
                    if !void {
                        skip_depth = 1;
                    }
                    continue;
                }
                if BLOCK.contains(&name.as_slice()) {
                    out.push('\n');
                }
                if name == b"a"
                    && let Some((_, href)) =
                        tag.attributes.iter().find(|(k, _)| k.as_slice() == b"href")
                {
                    out.push(' ');
                    out.push_str(&String::from_utf8_lossy(&href.value));
                    out.push(' ');
                }
                if !void {
                    open.push(name);
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                if let Some(pos) = open.iter().rposition(|n| *n == name) {
                    open.truncate(pos);
                }
                if BLOCK.contains(&name.as_slice()) {
                    out.push('\n');
                }
            }
            Token::String(s) if skip_depth == 0 => out.push_str(&String::from_utf8_lossy(&s.value)),
            _ => {}
        }
    }
    unquoted_text(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_quotes_are_dropped() {
        let text = "See https://a/one/\n> https://a/quoted/\nThanks\n\nOn Mon, 3 Jun 2024 at 10:02, Ann <ann@x>\nwrote:\nhttps://a/history/\n";
        assert_eq!(unquoted_text(text), "See https://a/one/\nThanks\n\n");
    }

    #[test]
    fn outlook_header_block_ends_own_text() {
        let text = "Try https://a/mine/\n\n________________________________\nFrom: Ann <ann@x>\nSent: Monday\nTo: support\nhttps://a/theirs/\n";
        assert_eq!(
            unquoted_text(text),
            "Try https://a/mine/\n\n________________________________\n"
        );
        let text = "Mine\n-----Original Message-----\nhttps://a/theirs/\n";
        assert_eq!(unquoted_text(text), "Mine\n");
        // A line that merely starts with "From:" is kept.
        assert_eq!(
            unquoted_text("From: the docs\nhttps://a/x/\n"),
            "From: the docs\nhttps://a/x/\n"
        );
    }

    #[test]
    fn html_quotes_are_dropped_and_hrefs_kept() {
        let html = r#"<html><head><style>a{}</style></head><body><p>Read <a href="https://a/x/?a=1&amp;b=2">this</a></p>
            <div class="gmail_quote"><div class="gmail_attr">On Mon Ann wrote:</div><blockquote><a href="https://a/q1/">q</a></blockquote></div>
            <blockquote type="cite"><p><a href="https://a/q2/">q</a></p><br></blockquote><p>Bye</p></body></html>"#;
        let text = unquoted_html(html);
        assert!(text.contains("https://a/x/?a=1&b=2"), "{text}");
        assert!(text.contains("Bye"), "{text}");
        assert!(
            !text.contains("q1") && !text.contains("q2") && !text.contains("a{}"),
            "{text}"
        );
    }

    #[test]
    fn outlook_html_reply_header_ends_own_text() {
        let html = r#"<div>Use <a href="https://a/mine/">this</a></div><hr><div id="divRplyFwdMsg"><b>From:</b> Ann</div><div><a href="https://a/theirs/">x</a></div>"#;
        let text = unquoted_html(html);
        assert!(
            text.contains("https://a/mine/") && !text.contains("theirs"),
            "{text}"
        );
    }
}
