//! Code highlighting with syntect at build time, as CSS classes: one stylesheet for light and
//! one for dark colours (`syntax-light.css`, `syntax-dark.css`), so the page HTML is the same for
//! both and `prefers-color-scheme` picks the colours.
//!
//! The syntax set is loaded once per process, on first use, and shared by the render threads.

use std::sync::LazyLock;

use pulldown_cmark_escape::escape_html;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

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
    let themes = ThemeSet::load_defaults();
    [
        ("syntax-light.css", LIGHT_THEME),
        ("syntax-dark.css", DARK_THEME),
    ]
    .into_iter()
    .map(|(file, name)| {
        let css = css_for_theme_with_class_style(&themes.themes[name], ClassStyle::Spaced)
            .expect("bundled syntect themes produce CSS");
        (file, css)
    })
    .collect()
}
