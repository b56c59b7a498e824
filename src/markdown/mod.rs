//! Markdown to HTML for one page, in one pass over pulldown-cmark's events:
//!
//! 1. headings get stable unique ids (`slug`) and a visible anchor link; h2/h3 form the TOC;
//! 2. relative `.md` links are rewritten to page URLs and recorded with their line (`link`);
//! 3. fenced code is highlighted with CSS classes (`crate::highlight`);
//! 4. GitHub alerts (`> [!NOTE]`) become callouts;
//! 5. the plain text is cut at h2/h3 for the search index (`text`);
//! 6. on FAQ pages, each h2 with the HTML under it becomes a question/answer pair.
//!
//! It also keeps what other people's Markdown needs: email autolinks stay `mailto:` links and
//! are never checked as files; links inside an image's description (never rendered) are not
//! recorded; table column alignment becomes an `align-*` class, because the theme's CSP
//! (`style-src 'self'`) blocks the `style` attribute pulldown-cmark writes; and template syntax
//! of other generators (`{{< … >}}`…) outside code is a warning (`foreign`).
//!
//! The function is pure: text in, HTML and facts out, plus diagnostics for explicit heading ids
//! used twice. Warnings go into [`Rendered::warnings`] rather than the error list, so they never
//! keep a page from loading; the link check reports them with the page's links. Whether link
//! targets exist is checked once all pages are known (`crate::links`).

pub mod foreign;
pub mod link;
pub mod slug;
pub mod smart;
pub mod text;

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options,
    Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::escape_html;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
pub use link::{Link, Target};
pub use text::TextSection;

/// What the Markdown pass needs to know about the page.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The Markdown body (front matter already cut off).
    pub text: &'a str,
    /// File line of the body's first line.
    pub first_line: usize,
    /// Content path of the page (`connect/senders.md`), for resolving relative links.
    pub source: &'a str,
    /// Path for diagnostics (`content/connect/senders.md`).
    pub file: &'a Path,
    pub base_path: &'a str,
    /// Collect h2 question/answer pairs (`kind: faq`).
    pub faq: bool,
}

/// A page's body, rendered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rendered {
    pub html: String,
    /// Every heading in order (h1–h6).
    pub headings: Vec<Heading>,
    pub toc: Vec<TocEntry>,
    /// Internal links and images, in order.
    pub links: Vec<Link>,
    pub text: Vec<TextSection>,
    /// Question/answer pairs; empty unless [`Input::faq`].
    pub faq: Vec<FaqEntry>,
    /// Problems that do not stop the build (template syntax of other generators), with file
    /// and line; `crate::links::check_page` reports them.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaqEntry {
    pub id: String,
    pub question: String,
    /// HTML.
    pub answer: String,
}

/// The parser options of every page: CommonMark with GFM (tables, strikethrough, task lists,
/// alerts), footnotes, heading attributes and smart punctuation.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
}

/// Renders one page body. Diagnostics are errors that do not stop rendering.
pub fn render(input: &Input<'_>) -> (Rendered, Vec<Diagnostic>) {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(input.text, options())
        .into_offset_iter()
        .collect();
    let mut pass = Pass::new(input);
    pass.reserve_explicit_ids(&events);
    pass.rendered.warnings =
        foreign::template_syntax(input, &events, |offset| pass.lines.line(offset));
    let mut iter = events.into_iter();
    while let Some((event, range)) = iter.next() {
        pass.event(event, range, &mut iter);
    }
    pass.finish()
}

/// 1-based file lines from byte offsets in the body.
struct Lines {
    newlines: Vec<usize>,
    first: usize,
}

impl Lines {
    fn new(text: &str, first: usize) -> Self {
        Self {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
            first,
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.first + self.newlines.partition_point(|&p| p < offset)
    }
}

struct Pass<'i, 'a> {
    input: &'i Input<'a>,
    lines: Lines,
    ids: slug::Ids,
    out: Vec<Event<'a>>,
    /// Index in `out` of each h2's opening and the index after its closing, for FAQ answers.
    h2_bounds: Vec<(usize, usize)>,
    text: text::TextBuilder,
    /// How deep inside images we are: what an image's description holds is only its alt text,
    /// so links there are neither rewritten nor checked.
    in_image: usize,
    table: TableState,
    rendered: Rendered,
    diagnostics: Vec<Diagnostic>,
}

/// Where the pass is in a table, to give each cell its column's alignment class.
#[derive(Debug, Default)]
struct TableState {
    alignments: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

type Events<'a> = std::vec::IntoIter<(Event<'a>, Range<usize>)>;

impl<'i, 'a> Pass<'i, 'a> {
    fn new(input: &'i Input<'a>) -> Self {
        Self {
            input,
            lines: Lines::new(input.text, input.first_line),
            ids: slug::Ids::default(),
            out: Vec::new(),
            h2_bounds: Vec::new(),
            text: text::TextBuilder::new(),
            in_image: 0,
            table: TableState::default(),
            rendered: Rendered::default(),
            diagnostics: Vec::new(),
        }
    }

    /// Explicit `{#id}`s are reserved first; one used twice is an error naming both lines.
    fn reserve_explicit_ids(&mut self, events: &[(Event<'a>, Range<usize>)]) {
        let mut first_line = std::collections::HashMap::new();
        for (event, range) in events {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
                let line = self.lines.line(range.start);
                if self.ids.reserve(id) {
                    first_line.insert(id.to_string(), line);
                } else {
                    let first = first_line.get(id.as_ref()).copied().unwrap_or(line);
                    self.diagnostics.push(
                        Diagnostic::error(format!("duplicate heading id `{id}`"))
                            .at(self.input.file)
                            .line(line)
                            .cause(format!("`{{#{id}}}` is already used on line {first}"))
                            .hint("give each heading its own `{#id}`; links need ids to be unique"),
                    );
                }
            }
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>, rest: &mut Events<'a>) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let inner = self.take_until(rest, |e| matches!(e, Event::End(TagEnd::Heading(_))));
                self.heading(level, id, &classes, &attrs, inner, range);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let code: String = self
                    .take_until(rest, |e| matches!(e, Event::End(TagEnd::CodeBlock)))
                    .iter()
                    .filter_map(|e| {
                        if let Event::Text(t) = e {
                            Some(t.as_ref())
                        } else {
                            None
                        }
                    })
                    .collect();
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => language(info),
                    CodeBlockKind::Indented => None,
                };
                self.text.push(" ");
                self.text.push(&code);
                self.out.push(Event::Html(
                    crate::highlight::code_block(lang, &code).into(),
                ));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.out.push(Event::Html(callout_open(kind).into()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.out.push(Event::Html("</div>\n".into()))
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Image) => {
                let event = self.link(event, range);
                self.out.push(event);
            }
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(TagEnd::TableHead | TagEnd::TableCell) => {
                let event = self.table(event);
                self.text.push(" ");
                self.out.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                self.text.push(t);
                self.out.push(event);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                self.text.push(" ");
                self.out.push(event);
            }
            other => self.out.push(other),
        }
    }

    /// Events up to (not including) the first that `end` accepts, which is consumed. Links in
    /// them are rewritten, so headings can hold links too.
    fn take_until(
        &mut self,
        rest: &mut Events<'a>,
        end: impl Fn(&Event<'a>) -> bool,
    ) -> Vec<Event<'a>> {
        let mut inner = Vec::new();
        for (event, range) in rest.by_ref() {
            if end(&event) {
                break;
            }
            inner.push(match event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Image) => {
                    self.link(event, range)
                }
                e => e,
            });
        }
        inner
    }

    /// Rewrites and records a link or image destination; keeps count of open images.
    fn link(&mut self, event: Event<'a>, range: Range<usize>) -> Event<'a> {
        let in_image = self.in_image > 0;
        let (mut tag, dest) = match event {
            Event::End(TagEnd::Image) => {
                self.in_image = self.in_image.saturating_sub(1);
                return event;
            }
            // An email autolink's destination is the bare address; the HTML writer adds the
            // `mailto:`, so it must stay as written.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => return event,
            Event::Start(tag @ Tag::Image { .. }) => {
                self.in_image += 1;
                let dest = match &tag {
                    Tag::Image { dest_url, .. } => dest_url.to_string(),
                    _ => unreachable!("matched above"),
                };
                (tag, dest)
            }
            Event::Start(tag @ Tag::Link { .. }) => {
                let dest = match &tag {
                    Tag::Link { dest_url, .. } => dest_url.to_string(),
                    _ => unreachable!("matched above"),
                };
                (tag, dest)
            }
            other => return other,
        };
        if in_image {
            return Event::Start(tag);
        }
        let (href, target) = link::resolve(&dest, self.input.source, self.input.base_path);
        if let Some(target) = target {
            let line = self.lines.line(range.start);
            self.rendered.links.push(Link {
                line,
                written: dest,
                target,
            });
        }
        if let (Some(href), Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) =
            (href, &mut tag)
        {
            *dest_url = CowStr::from(href);
        }
        Event::Start(tag)
    }

    /// Table events with the column alignment as a class instead of pulldown-cmark's inline
    /// `style`, which the theme's CSP would block. The writer still opens and closes the table,
    /// head and rows; only the cell openings are ours.
    fn table(&mut self, event: Event<'a>) -> Event<'a> {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                self.table = TableState {
                    alignments,
                    in_head: false,
                    column: 0,
                };
                Event::Start(Tag::Table(Vec::new()))
            }
            Event::Start(Tag::TableHead) => {
                self.table.in_head = true;
                self.table.column = 0;
                event
            }
            Event::End(TagEnd::TableHead) => {
                self.table.in_head = false;
                event
            }
            Event::Start(Tag::TableRow) => {
                self.table.column = 0;
                event
            }
            Event::Start(Tag::TableCell) => {
                let cell = if self.table.in_head { "th" } else { "td" };
                let class = match self.table.alignments.get(self.table.column) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    Some(Alignment::None) | None => "",
                };
                Event::Html(format!("<{cell}{class}>").into())
            }
            Event::End(TagEnd::TableCell) => {
                self.table.column += 1;
                event
            }
            other => other,
        }
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit: Option<CowStr<'a>>,
        classes: &[CowStr<'a>],
        attrs: &[(CowStr<'a>, Option<CowStr<'a>>)],
        inner: Vec<Event<'a>>,
        range: Range<usize>,
    ) {
        let level = level as u8;
        let title = plain_text(&inner);
        let id = match explicit {
            Some(id) => id.to_string(),
            None => self.ids.unique(slug::slug(&title)),
        };
        let start = self.out.len();
        self.out
            .push(Event::Html(heading_open(level, &id, classes, attrs).into()));
        self.out.extend(inner);
        self.out.push(Event::Html(heading_close(level, &id).into()));
        if level == 2 {
            self.h2_bounds.push((start, self.out.len()));
        }
        self.text.heading(level, &id, &title);
        let line = self.lines.line(range.start);
        self.rendered.headings.push(Heading {
            level,
            id,
            title,
            line,
        });
    }

    fn finish(mut self) -> (Rendered, Vec<Diagnostic>) {
        if self.input.faq {
            self.rendered.faq = faq_entries(&self.out, &self.h2_bounds, &self.rendered.headings);
        }
        let mut html = String::with_capacity(self.input.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        self.rendered.html = html;
        self.rendered.toc = toc(&self.rendered.headings);
        self.rendered.text = self.text.finish();
        (self.rendered, self.diagnostics)
    }
}

/// The language token of a fence's info string: ```` ```rust,ignore ```` → `rust`.
fn language(info: &str) -> Option<&str> {
    let lang = info.split([' ', ',', '{']).next().unwrap_or("").trim();
    (!lang.is_empty()).then_some(lang)
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn heading_open(
    level: u8,
    id: &str,
    classes: &[CowStr<'_>],
    attrs: &[(CowStr<'_>, Option<CowStr<'_>>)],
) -> String {
    let mut s = format!("<h{level} id=\"");
    escape_html(&mut s, id).expect("writing to a String cannot fail");
    s.push('"');
    if !classes.is_empty() {
        s.push_str(" class=\"");
        escape_html(&mut s, &classes.join(" ")).expect("infallible");
        s.push('"');
    }
    for (key, value) in attrs {
        s.push(' ');
        escape_html(&mut s, key).expect("infallible");
        if let Some(value) = value {
            s.push_str("=\"");
            escape_html(&mut s, value).expect("infallible");
            s.push('"');
        }
    }
    s.push('>');
    s
}

fn heading_close(level: u8, id: &str) -> String {
    let mut s = String::from(" <a class=\"anchor\" href=\"#");
    escape_html(&mut s, id).expect("infallible");
    s.push_str(&format!(
        "\" aria-label=\"Link to this section\">#</a></h{level}>\n"
    ));
    s
}

fn callout_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
    )
}

/// h2/h3 as a two-level tree; an h3 before any h2 stays at the top.
fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for h in headings.iter().filter(|h| h.level == 2 || h.level == 3) {
        let entry = TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: vec![],
        };
        match toc.last_mut() {
            Some(parent) if h.level == 3 && parent.level == 2 => parent.children.push(entry),
            _ => toc.push(entry),
        }
    }
    toc
}

/// Each h2 is a question; its answer is the HTML up to the next h2 (or the end).
fn faq_entries(
    out: &[Event<'_>],
    bounds: &[(usize, usize)],
    headings: &[Heading],
) -> Vec<FaqEntry> {
    let h2s: Vec<&Heading> = headings.iter().filter(|h| h.level == 2).collect();
    bounds
        .iter()
        .enumerate()
        .map(|(i, &(_, after))| {
            let until = bounds.get(i + 1).map_or(out.len(), |b| b.0);
            let mut answer = String::new();
            pulldown_cmark::html::push_html(&mut answer, out[after..until].iter().cloned());
            FaqEntry {
                id: h2s[i].id.clone(),
                question: h2s[i].title.clone(),
                answer: answer.trim().to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
