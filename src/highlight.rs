//! Code highlighting with syntect at build time, as CSS classes: one stylesheet for light and
//! one for dark colours (`syntax-light.css`, `syntax-dark.css`), so the page HTML is the same for
//! both and `prefers-color-scheme` picks the colours.
//!
//! The stylesheets are generated from the theme's `syntax/helpsite-{light,dark}.tmTheme`
//! (embedded, so every site has them): syntect's bundled themes fail WCAG AA for comments, ours
//! are checked against the theme's code backgrounds. The syntax set is loaded once per process,
//! on first use, and shared by the render threads; matching runs on Oniguruma, which is several
//! times faster than fancy-regex on the Sublime grammars.

use std::sync::LazyLock;

use pulldown_cmark_escape::escape_html;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// `(stylesheet, tmTheme)` pairs, light first.
const THEMES: [(&str, &str); 2] = [
    (
        "syntax-light.css",
        include_str!("../themes/default/syntax/helpsite-light.tmTheme"),
    ),
    (
        "syntax-dark.css",
        include_str!("../themes/default/syntax/helpsite-dark.tmTheme"),
    ),
];

/// A fenced code block as HTML. An unknown (or no) language gives plain escaped code.
pub fn code_block(lang: Option<&str>, code: &str) -> String {
    let syntax = lang.and_then(|l| SYNTAXES.find_syntax_by_token(l));
    let mut out = String::with_capacity(code.len() * 2 + 64);
    out.push_str("<pre><code");
    if let Some(lang) = lang {
        out.push_str(" class=\"language-");
        escape_html(&mut out, lang).expect("infallible");
        out.push('"');
    }
    out.push('>');
    match syntax.and_then(|s| highlighted(s, code)) {
        Some(html) => out.push_str(&html),
        None => escape_html(&mut out, code).expect("infallible"),
    }
    out.push_str("</code></pre>\n");
    out
}

fn highlighted(syntax: &syntect::parsing::SyntaxReference, code: &str) -> Option<String> {
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, ClassStyle::Spaced);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// `(file name, CSS)` for the light and dark highlighting stylesheets.
pub fn stylesheets() -> Vec<(&'static str, String)> {
    THEMES
        .into_iter()
        .map(|(file, tm_theme)| {
            let theme = ThemeSet::load_from_reader(&mut std::io::Cursor::new(tm_theme))
                .expect("the embedded tmTheme files parse (tested)");
            let css = css_for_theme_with_class_style(&theme, ClassStyle::Spaced)
                .expect("a parsed theme produces CSS");
            // syntect names the block `.code`; ours is `<pre><code>`.
            (file, css.replacen(".code {", "pre code {", 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_come_from_the_shipped_themes() {
        let sheets = stylesheets();
        assert_eq!(sheets.len(), 2);
        let (light, dark) = (&sheets[0].1, &sheets[1].1);
        assert!(light.contains("pre code {\n color: #1f2328;"), "{light}");
        assert!(light.contains(".comment {\n color: #57606a;"), "{light}");
        assert!(dark.contains(".comment {\n color: #9aa5b1;"), "{dark}");
        assert!(!light.contains(".code {"));
    }

    #[test]
    fn known_language_gets_classes_and_unknown_is_escaped() {
        let html = code_block(Some("python"), "# hi\nx = 1\n");
        assert!(html.contains("<span class=\"comment line"), "{html}");
        let plain = code_block(Some("nope"), "<b>\n");
        assert_eq!(
            plain,
            "<pre><code class=\"language-nope\">&lt;b&gt;\n</code></pre>\n"
        );
    }
}
