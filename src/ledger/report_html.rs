//! The HTML form of the report: one self-contained file (inline CSS and SVG charts, no script,
//! no fonts or images from anywhere) so it can be mailed around or opened from disk, and served
//! as is by `helpsite serve` at `/_helpsite/feedback`.

use std::fmt::Write as _;

use super::report::{FailedSearch, Flag, PageReport, Report, WeeklyLinks};

const FEEDBACK_ROWS: usize = 10;

/// Escapes text for HTML element content and double-quoted attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.3rem .5rem;border-bottom:1px solid #d0d7de;text-align:right}th:first-child,td:first-child{text-align:left}
td.flags{text-align:left}.flag{display:inline-block;background:#fff1c2;border-radius:.3rem;padding:0 .3rem;margin:.1rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}figure{margin:0}
figcaption{font-size:.85rem}.bar{fill:#2f6feb}.yes{fill:#1a7f37}.no{fill:#cf222e}.read{fill:#bf8700}
svg text{font-size:11px;fill:#57606a}.legend span{margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th,td{border-color:#30363d}.flag{background:#4d3800}svg text{fill:#8b949e}}";

/// Renders the whole report page.
pub fn render(report: &Report) -> String {
    let mut h = String::new();
    let period = report
        .since
        .as_deref()
        .map_or_else(|| "all time".to_string(), |s| format!("since {s}"));
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Reply links and reader feedback</title><style>{STYLE}</style></head><body>\
         <h1>Reply links and reader feedback</h1><p>{} · generated {}</p>",
        esc(&period),
        esc(&report.generated_at)
    );
    flagged(&mut h, &report.pages);
    h.push_str("<h2>Reply links per week</h2>");
    if report.weekly.is_empty() {
        h.push_str("<p>No page was linked in a reply in this period.</p>");
    } else {
        h.push_str("<div class=\"charts\">");
        for series in &report.weekly {
            weekly_chart(&mut h, series);
        }
        h.push_str("</div>");
    }
    feedback_mix(&mut h, &report.pages);
    failed_searches(&mut h, &report.failed_searches);
    pages_table(&mut h, &report.pages);
    h.push_str("</body></html>\n");
    h
}

fn flagged(h: &mut String, pages: &[PageReport]) {
    let flagged: Vec<&PageReport> = pages
        .iter()
        .filter(|p| !p.flags.is_empty() && !p.flags.iter().all(|f| *f == Flag::Unused))
        .collect();
    let unused = pages
        .iter()
        .filter(|p| p.flags.contains(&Flag::Unused))
        .count();
    h.push_str("<h2>To act on</h2>");
    if flagged.is_empty() && unused == 0 {
        h.push_str("<p>Nothing flagged.</p>");
        return;
    }
    h.push_str("<ul>");
    for p in flagged {
        for f in p.flags.iter().filter(|f| **f != Flag::Unused) {
            let anchors = if *f == Flag::MissingAnchor {
                format!(" (#{})", esc(&p.missing_anchors.join(", #")))
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<li><strong>{}</strong> <code>{}</code>: {}{anchors}</li>",
                esc(&p.title),
                esc(&p.url),
                esc(f.describe())
            );
        }
    }
    if unused > 0 {
        let _ = write!(
            h,
            "<li>{unused} {} never linked and never viewed (marked in the table)</li>",
            if unused == 1 {
                "page was"
            } else {
                "pages were"
            }
        );
    }
    h.push_str("</ul>");
}

fn weekly_chart(h: &mut String, s: &WeeklyLinks) {
    let (w, ht, pad) = (320.0_f64, 110.0_f64, 18.0_f64);
    let max = s.weeks.iter().map(|w| w.links).max().unwrap_or(0).max(1);
    let n = s.weeks.len().max(1) as f64;
    let slot = (w - pad) / n;
    let total: u64 = s.weeks.iter().map(|w| w.links).sum();
    let label = format!(
        "{}: {total} reply links over {} weeks, at most {max} in a week",
        s.title,
        s.weeks.len()
    );
    let _ = write!(
        h,
        "<figure><svg viewBox=\"0 0 {w} {ht}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(&label),
        esc(&label)
    );
    for (i, wc) in s.weeks.iter().enumerate() {
        let (week, count) = (&wc.week, &wc.links);
        let bh = (*count as f64 / max as f64) * (ht - 2.0 * pad);
        let x = pad + i as f64 * slot;
        let y = ht - pad - bh;
        let _ = write!(
            h,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\"><title>week of {week}: {count}</title></rect>",
            (slot - 1.0).max(1.0)
        );
    }
    let _ = write!(
        h,
        "<text x=\"0\" y=\"{}\">{max}</text><text x=\"0\" y=\"{}\">0</text>",
        pad,
        ht - pad
    );
    if let (Some(first), Some(last)) = (s.weeks.first(), s.weeks.last()) {
        let _ = write!(
            h,
            "<text x=\"{pad}\" y=\"{}\">{}</text><text x=\"{w}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            ht - 4.0,
            esc(&first.week),
            ht - 4.0,
            esc(&last.week)
        );
    }
    let _ = write!(
        h,
        "</svg><figcaption>{} <code>{}</code></figcaption></figure>",
        esc(&s.title),
        esc(&s.url)
    );
}

fn feedback_mix(h: &mut String, pages: &[PageReport]) {
    let mut with: Vec<&PageReport> = pages
        .iter()
        .filter(|p| p.helpful + p.not_helpful + p.already_read > 0)
        .collect();
    with.sort_by_key(|p| std::cmp::Reverse(p.helpful + p.not_helpful + p.already_read));
    with.truncate(FEEDBACK_ROWS);
    h.push_str("<h2>Reader feedback</h2>");
    if with.is_empty() {
        h.push_str("<p>No reader feedback in this period.</p>");
        return;
    }
    h.push_str("<p class=\"legend\"><span><i class=\"yes\" style=\"background:#1a7f37\"></i>solved it</span><span><i style=\"background:#cf222e\"></i>did not</span><span><i style=\"background:#bf8700\"></i>had already read it</span></p>");
    let (w, row, label_w) = (640.0_f64, 22.0_f64, 220.0_f64);
    let ht = row * with.len() as f64;
    let max = with
        .iter()
        .map(|p| p.helpful + p.not_helpful + p.already_read)
        .max()
        .unwrap_or(1) as f64;
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {w} {ht}\" role=\"img\" aria-label=\"Feedback mix per page\"><title>Feedback mix per page</title>"
    );
    for (i, p) in with.iter().enumerate() {
        let y = i as f64 * row;
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{:.1}\">{}</text>",
            y + 15.0,
            esc(&truncate(&p.title, 34))
        );
        let mut x = label_w;
        for (class, n, what) in [
            ("yes", p.helpful, "solved it"),
            ("no", p.not_helpful, "did not"),
            ("read", p.already_read, "had already read it"),
        ] {
            let bw = n as f64 / max * (w - label_w - 40.0);
            if n > 0 {
                let _ = write!(
                    h,
                    "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\"><title>{}: {n} {what}</title></rect>",
                    y + 4.0,
                    row - 8.0,
                    esc(&p.title)
                );
            }
            x += bw;
        }
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 4.0,
            y + 15.0,
            p.helpful + p.not_helpful + p.already_read
        );
    }
    h.push_str("</svg>");
}

fn failed_searches(h: &mut String, searches: &[FailedSearch]) {
    h.push_str("<h2 id=\"failed-searches\">Searches with no results</h2>");
    if searches.is_empty() {
        h.push_str("<p>No search without results was reported in this period.</p>");
        return;
    }
    h.push_str(
        "<p>What readers looked for and did not find: each may be a missing page, or a word \
         an existing page should use.</p><table class=\"failed-searches\"><thead><tr>\
         <th>query</th><th>searches</th><th>last seen</th></tr></thead><tbody>",
    );
    for s in searches {
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&s.query),
            s.count,
            esc(&s.last_seen)
        );
    }
    h.push_str("</tbody></table>");
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn pages_table(h: &mut String, pages: &[PageReport]) {
    h.push_str(
        "<h2>All pages</h2><table><thead><tr><th>page</th><th>linked</th><th>conversations</th><th>last linked</th>\
         <th>views from replies</th><th>views</th><th>solved</th><th>not solved</th><th>already read</th><th>updated</th><th>flags</th></tr></thead><tbody>",
    );
    for p in pages {
        let flags: String = p
            .flags
            .iter()
            .map(|f| format!("<span class=\"flag\">{}</span> ", esc(f.describe())))
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"flags\">{flags}</td></tr>",
            esc(&p.title),
            esc(&p.url),
            p.linked,
            p.conversations,
            esc(p
                .last_linked
                .as_deref()
                .and_then(|d| d.get(..10))
                .unwrap_or("–")),
            p.reply_views,
            p.views,
            p.helpful,
            p.not_helpful,
            p.already_read,
            esc(p.updated.as_deref().unwrap_or("–")),
        );
    }
    h.push_str("</tbody></table>");
}
