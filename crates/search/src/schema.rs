//! The tantivy schema: which fields exist, what is indexed, stored and fast, and why.
//!
//! Every byte here is a byte a phone may download, so each field records only what the query
//! path uses:
//! - `title`, `trail`, `body`, `tags`: stemmed text with positions (BM25 and quoted phrases).
//! - `words`: the unstemmed vocabulary of all of them, with doc ids only; queries never read its
//!   postings, only its term dictionary, to expand typos and prefixes into real words.
//! - `kind`, `section`: raw tokens for filters and the FAQ boost, stored for display.
//! - `page`: the page's ordinal as a fast field, to group sections by page without reading the
//!   doc store.
//! - `boost`: the page's ranking weight ([`crate::SectionDoc::boost`]) as a fast field, read as
//!   each match is collected; nearly all zeros, so its column costs next to nothing.
//! - stored: `title` and `trail` (also indexed), `url`, `anchor` and `excerpt` (the body trimmed
//!   to [`EXCERPT_CHARS`]) for result display and snippets.

use tantivy::schema::{Field, Schema};

/// Characters of a section's body kept for snippets; matches beyond are ranked but not shown.
pub const EXCERPT_CHARS: usize = 1200;

/// The fields of the one schema, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) title: Field,
    pub(crate) trail: Field,
    pub(crate) body: Field,
    pub(crate) tags: Field,
    pub(crate) words: Field,
    pub(crate) kind: Field,
    pub(crate) section: Field,
    pub(crate) page: Field,
    pub(crate) boost: Field,
    pub(crate) url: Field,
    pub(crate) anchor: Field,
    pub(crate) excerpt: Field,
}

impl Fields {
    /// Looks the fields up in `schema`; fails on an index written by another schema.
    pub(crate) fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            title: f("title")?,
            trail: f("trail")?,
            body: f("body")?,
            tags: f("tags")?,
            words: f("words")?,
            kind: f("kind")?,
            section: f("section")?,
            page: f("page")?,
            boost: f("boost")?,
            url: f("url")?,
            anchor: f("anchor")?,
            excerpt: f("excerpt")?,
        })
    }
}

#[cfg(feature = "write")]
pub(crate) use define::schema;

/// Field definitions, needed only where indexes are written.
#[cfg(feature = "write")]
mod define {
    use tantivy::schema::{
        FAST, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    };

    use crate::analyzer::{STEMMED, WORDS};

    fn ranked(stored: bool) -> TextOptions {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(STEMMED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    }

    fn vocabulary() -> TextOptions {
        // No fieldnorms: nothing scores on this field.
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false);
        TextOptions::default().set_indexing_options(indexing)
    }

    /// Builds the schema.
    pub(crate) fn schema() -> Schema {
        let mut b = Schema::builder();
        b.add_text_field("title", ranked(true));
        b.add_text_field("trail", ranked(true));
        b.add_text_field("body", ranked(false));
        b.add_text_field("tags", ranked(false));
        b.add_text_field("words", vocabulary());
        b.add_text_field("kind", STRING | STORED);
        b.add_text_field("section", STRING | STORED);
        b.add_u64_field("page", FAST);
        b.add_u64_field("boost", FAST);
        b.add_text_field("url", STORED);
        b.add_text_field("anchor", STORED);
        b.add_text_field("excerpt", STORED);
        b.build()
    }
}
