//! The plain text of a page cut at its h2/h3 headings: what the search index stores, one
//! document per section, so a result lands on the heading that answers the query.

use serde::Serialize;

/// One searchable part of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextSection {
    /// Heading id; empty for the lead text before the first heading.
    pub anchor: String,
    /// 2 or 3 for headings (1 for an h1 in the body), 1 for the lead text.
    pub level: u8,
    /// The heading's text; empty for the lead text.
    pub heading: String,
    /// Titles of the headings above this one on the page (the h2 above an h3), outermost first;
    /// the page title is not included.
    pub trail: Vec<String>,
    /// Whitespace-collapsed text of the section, code included; h4–h6 fold into their section.
    pub text: String,
}

/// Accumulates [`TextSection`]s while the Markdown pass walks the events.
#[derive(Debug)]
pub(super) struct TextBuilder {
    sections: Vec<TextSection>,
    outer: Option<String>,
}

impl TextBuilder {
    pub(super) fn new() -> Self {
        let lead = TextSection {
            anchor: String::new(),
            level: 1,
            heading: String::new(),
            trail: vec![],
            text: String::new(),
        };
        Self {
            sections: vec![lead],
            outer: None,
        }
    }

    pub(super) fn heading(&mut self, level: u8, anchor: &str, title: &str) {
        if level > 3 {
            self.push(" ");
            self.push(title);
            self.push(" ");
            return;
        }
        let trail = match (&self.outer, level) {
            (Some(outer), 3) => vec![outer.clone()],
            _ => vec![],
        };
        if level <= 2 {
            self.outer = Some(title.to_string());
        }
        self.sections.push(TextSection {
            anchor: anchor.to_string(),
            level,
            heading: title.to_string(),
            trail,
            text: String::new(),
        });
    }

    /// Appends text; callers pass block ends as `" "` so words never run together.
    pub(super) fn push(&mut self, text: &str) {
        let section = self.sections.last_mut().expect("lead section always there");
        section.text.push_str(text);
    }

    pub(super) fn finish(self) -> Vec<TextSection> {
        self.sections
            .into_iter()
            .map(|mut s| {
                s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
                s
            })
            .filter(|s| !(s.anchor.is_empty() && s.text.is_empty()))
            .collect()
    }
}
