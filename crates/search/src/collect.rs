//! A tantivy collector that groups matching sections by page as it goes.
//!
//! Each doc's page comes from the `page` fast field (a column that compresses to almost nothing,
//! since it only grows), so grouping reads no stored documents. The `boost` fast field (the
//! page's reply-link weight) scales each match's score as it is collected. Every page keeps its best few
//! sections; the count of pages is the result total.
//!
//! A page's sections are consecutive documents and tantivy hands matches over in document
//! order, so a page's matches arrive in one run: the collector appends to the last group while
//! the page stays the same, with no hashing (a common word matches tens of thousands of
//! sections). Should a page come back later (an index written otherwise), its groups are merged
//! at the end, with the same result.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Sections kept per page: the lead plus three headings.
pub(crate) const PER_PAGE: usize = 4;

/// One page's best sections, best first.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageGroup {
    pub(crate) page: u64,
    pub(crate) best: Score,
    pub(crate) docs: Vec<(Score, DocAddress)>,
}

impl PageGroup {
    fn push(&mut self, score: Score, doc: DocAddress) {
        if self.docs.is_empty() || score > self.best {
            self.best = score;
        }
        self.docs.push((score, doc));
        if self.docs.len() > PER_PAGE * 2 {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.docs
            .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.docs.truncate(PER_PAGE);
    }
}

/// Collects [`PageGroup`]s, best page first.
pub(crate) struct ByPage;

pub(crate) struct ByPageSegment {
    segment: SegmentOrdinal,
    pages: Column<u64>,
    boosts: Column<u64>,
    groups: Vec<PageGroup>,
}

impl Collector for ByPage {
    type Fruit = Vec<PageGroup>;
    type Child = ByPageSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ByPageSegment> {
        Ok(ByPageSegment {
            segment,
            pages: reader.fast_fields().u64("page")?,
            boosts: reader.fast_fields().u64("boost")?,
            groups: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, mut fruits: Vec<Vec<PageGroup>>) -> tantivy::Result<Vec<PageGroup>> {
        let mut groups: Vec<PageGroup> = if fruits.len() == 1 {
            fruits.pop().unwrap_or_default()
        } else {
            fruits.into_iter().flatten().collect()
        };
        if !groups.windows(2).all(|w| w[0].page < w[1].page) {
            groups = merge_same_pages(groups);
        }
        for g in &mut groups {
            g.trim();
        }
        groups.sort_unstable_by(|a, b| b.best.total_cmp(&a.best).then(a.page.cmp(&b.page)));
        Ok(groups)
    }
}

/// Joins the groups of the same page into one.
fn merge_same_pages(mut groups: Vec<PageGroup>) -> Vec<PageGroup> {
    groups.sort_by_key(|g| g.page);
    let mut out: Vec<PageGroup> = Vec::with_capacity(groups.len());
    for g in groups {
        match out.last_mut() {
            Some(last) if last.page == g.page => {
                for (score, doc) in g.docs {
                    last.push(score, doc);
                }
            }
            _ => out.push(g),
        }
    }
    out
}

impl SegmentCollector for ByPageSegment {
    type Fruit = Vec<PageGroup>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let score = match self.boosts.first(doc) {
            Some(boost) if boost > 0 => score * (1.0 + boost as Score / 1000.0),
            _ => score,
        };
        let page = self.pages.first(doc).unwrap_or(u64::MAX);
        let address = DocAddress::new(self.segment, doc);
        match self.groups.last_mut() {
            Some(last) if last.page == page => last.push(score, address),
            _ => {
                let mut group = PageGroup {
                    page,
                    best: score,
                    // Room for every push before a trim: one allocation per page.
                    docs: Vec::with_capacity(PER_PAGE * 2 + 1),
                };
                group.push(score, address);
                self.groups.push(group);
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(page: u64, docs: &[(Score, u32)]) -> PageGroup {
        let mut g = PageGroup {
            page,
            ..PageGroup::default()
        };
        for &(score, doc) in docs {
            g.push(score, DocAddress::new(0, doc));
        }
        g
    }

    #[test]
    fn pages_split_in_runs_merge_to_the_same_groups() {
        let split = vec![
            group(2, &[(1.0, 20), (3.0, 21)]),
            group(1, &[(2.0, 10)]),
            group(2, &[(0.5, 22), (4.0, 23), (2.5, 24), (1.5, 25)]),
        ];
        let merged = ByPage.merge_fruits(vec![split]).unwrap();
        let whole = ByPage
            .merge_fruits(vec![vec![
                group(1, &[(2.0, 10)]),
                group(
                    2,
                    &[
                        (1.0, 20),
                        (3.0, 21),
                        (0.5, 22),
                        (4.0, 23),
                        (2.5, 24),
                        (1.5, 25),
                    ],
                ),
            ]])
            .unwrap();
        let shape = |gs: &[PageGroup]| -> Vec<(u64, Score, Vec<u32>)> {
            gs.iter()
                .map(|g| (g.page, g.best, g.docs.iter().map(|d| d.1.doc_id).collect()))
                .collect()
        };
        assert_eq!(shape(&merged), shape(&whole));
        assert_eq!(
            shape(&merged),
            [(2, 4.0, vec![23, 21, 24, 25]), (1, 2.0, vec![10])]
        );
    }
}
