//! A small static site for the search browser tests, parity test and benchmark, built without
//! the full `helpsite build` pipeline: each Markdown page becomes an HTML page whose h2/h3 carry
//! ids, one [`SectionDoc`] per lead and heading goes into the real search core, the index is
//! published under `search/` exactly as `helpsite build` publishes it, and the theme's real
//! search templates (`partials/search-box.html`, `search.html`) are rendered with Tera inside a
//! minimal page shell with the theme's CSP.
//!
//! ```text
//! cargo run -p helpsite-search-wasm --example test_site -- CONTENT_DIR OUT_DIR [QUERIES_JSON] [--inline-pack-max BYTES]
//! ```
//! With `QUERIES_JSON` (a JSON list of query strings), it also writes `OUT_DIR/native.json`: the
//! native engine's results for each query, read back from the published files, for the parity
//! test against the WebAssembly engine.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use helpsite_search::{Engine, Layout, NoStore, Query, SectionDoc, build_index_laid_out};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

const BASE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>{% block title %}{{ site.title }}{% endblock title %}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{ css_url }}">
</head>
<body class="{% block body_class %}{% endblock body_class %}">
<header class="site-header"><a class="site-title" href="/">{{ site.title }}</a>
{%- if site.search_enabled %}<div class="search-slot">{% include "partials/search-box.html" %}</div>{% endif %}</header>
<main id="main">{% block content %}{% endblock content %}</main>
</body>
</html>
"#;

const PAGE: &str = r#"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ site.title }}{% endblock title %}
{% block content %}<article><h1>{{ page.title }}</h1>
{{ page.content | safe }}
<p class="filler">End of page.</p></article>{% endblock content %}
"#;

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0}main{max-width:46rem;margin:0 auto;padding:1rem}\
.site-header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid #ccc}\
.site-title{font-weight:700;color:inherit;text-decoration:none}.search-slot{flex:1}\
:target{background:#fff6c7}.filler{margin-top:120vh}";

struct Page {
    url: String,
    title: String,
    html: String,
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--inline-pack-max BYTES`: 0 keeps even a small site's pack out of the hot file, so the
    // tests can read a small index by Range.
    let mut layout = Layout::default();
    if let Some(at) = args.iter().position(|a| a == "--inline-pack-max") {
        let value = args.get(at + 1).and_then(|v| v.parse().ok());
        let Some(value) = value else {
            eprintln!("error: `--inline-pack-max` takes a number of bytes");
            std::process::exit(2);
        };
        layout.inline_pack_max = value;
        args.drain(at..at + 2);
    }
    let [content, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: test_site CONTENT_DIR OUT_DIR [QUERIES_JSON] [--inline-pack-max BYTES]");
        std::process::exit(2);
    };
    let (content, out) = (Path::new(content), Path::new(out));
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../themes/default");

    let mut files = Vec::new();
    walk(content, &mut files);
    files.sort();
    let mut pages = Vec::new();
    let mut docs = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("read page");
        let rel = file.strip_prefix(content).expect("under content");
        let (page, mut sections) = page_of(rel, &text);
        docs.append(&mut sections);
        pages.push(page);
    }

    let started = Instant::now();
    let built = build_index_laid_out(&docs, &NoStore, layout).expect("build index");
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    if out.exists() {
        fs::remove_dir_all(out).expect("clear output");
    }
    let search_dir = out.join("search");
    fs::create_dir_all(&search_dir).expect("create output");
    let mut index_bytes = 0;
    let mut published = built.publish();
    // The site's synonyms travel in the manifest, as `helpsite build` publishes them.
    let synonyms = synonyms_of(&content.join("../site.yaml"));
    helpsite_search::synonyms::add_to_published(&mut published, &synonyms).expect("synonyms");
    for (name, bytes) in published {
        index_bytes += bytes.len();
        fs::write(search_dir.join(name), bytes).expect("write index");
    }

    // The theme's search assets, published under their own names (the test site has no hashing).
    let mut assets = HashMap::new();
    for entry in fs::read_dir(theme.join("static/search")).expect("theme static/search") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        fs::copy(&path, search_dir.join(&name)).expect("copy asset");
        assets.insert(format!("search/{name}"), format!("/search/{name}"));
    }
    fs::write(out.join("test-site.css"), CSS).expect("write css");

    let mut tera = tera::Tera::default();
    let partial = |name: &str| {
        fs::read_to_string(theme.join("templates").join(name)).expect("theme template")
    };
    tera.add_raw_templates(vec![
        ("base.html".to_string(), BASE.to_string()),
        ("page.html".to_string(), PAGE.to_string()),
        ("search.html".to_string(), partial("search.html")),
        (
            "partials/search-box.html".to_string(),
            partial("partials/search-box.html"),
        ),
        (
            "partials/search-engine.html".to_string(),
            partial("partials/search-engine.html"),
        ),
    ])
    .expect("templates parse");
    tera.autoescape_on(vec![".html"]);
    let mut ctx = tera::Context::new();
    ctx.insert("csp", CSP);
    ctx.insert("css_url", "/test-site.css");
    ctx.insert(
        "site",
        &serde_json::json!({
            "title": "Search test site", "base_url": "https://support.example.com/", "base_path": "/",
            "support_email": "hello@example.com", "search_enabled": true,
        }),
    );
    ctx.insert("assets", &assets);
    for page in &pages {
        let mut c = ctx.clone();
        c.insert(
            "page",
            &serde_json::json!({"title": page.title, "content": page.html, "url": page.url}),
        );
        write_page(
            out,
            &page.url,
            &tera.render("page.html", &c).expect("render page"),
        );
    }
    let mut home = String::from("<ul class=\"all-pages\">");
    for page in &pages {
        home += &format!(
            "<li><a href=\"{}\">{}</a></li>",
            page.url,
            escape(&page.title)
        );
    }
    home += "</ul>";
    // The home page links the search assets relatively, so it also loads them when opened from
    // disk (file://), where root-relative URLs point at the file system's root.
    let relative: HashMap<_, _> = assets
        .iter()
        .map(|(k, v)| (k.clone(), v.trim_start_matches('/').to_string()))
        .collect();
    let mut c = ctx.clone();
    c.insert("assets", &relative);
    c.insert("css_url", "test-site.css");
    c.insert(
        "page",
        &serde_json::json!({"title": "Home", "content": home, "url": "/"}),
    );
    write_page(
        out,
        "/",
        &tera.render("page.html", &c).expect("render home"),
    );
    let mut c = ctx.clone();
    c.insert("page", &serde_json::json!({"title": "Contact support", "content": "<p>Contact form.</p>", "url": "/contact/"}));
    write_page(
        out,
        "/contact/",
        &tera.render("page.html", &c).expect("render contact"),
    );
    write_page(
        out,
        "/search/",
        &tera
            .render("search.html", &ctx)
            .expect("render search page"),
    );

    if let Some(queries) = rest.first() {
        let queries: Vec<String> =
            serde_json::from_str(&fs::read_to_string(queries).expect("read queries"))
                .expect("queries are a JSON list");
        let engine = Engine::open_dir(&search_dir).expect("open published index");
        let results: Vec<_> = queries
            .iter()
            .map(|q| {
                engine.search(&Query {
                    text: q.clone(),
                    limit: 10,
                    section: None,
                    kind: None,
                })
            })
            .collect();
        fs::write(
            out.join("native.json"),
            serde_json::to_string_pretty(&results).unwrap(),
        )
        .expect("write native.json");
    }
    println!(
        "{{\"pages\":{},\"docs\":{},\"index_bytes\":{index_bytes},\"index_build_ms\":{build_ms:.1}}}",
        pages.len(),
        docs.len()
    );
}

/// `search.synonyms` of a `site.yaml` written one group per line as a flow list
/// (`    - [sms, text, txt]`), the way the bundled site writes it; the real pipeline parses YAML
/// properly. No file, no synonyms.
fn synonyms_of(site_yaml: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(site_yaml).unwrap_or_default();
    let mut lines = text.lines().skip_while(|l| l.trim() != "synonyms:").skip(1);
    let mut groups = Vec::new();
    while let Some(line) = lines.next().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        let Some(list) = line.strip_prefix("- [").and_then(|l| l.strip_suffix(']')) else {
            break;
        };
        groups.push(list.split(',').map(|e| e.trim().to_string()).collect());
    }
    groups
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read content dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// `connect/senders.md` → `/connect/senders/`; `connect/_index.md` → `/connect/`.
fn url_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".md");
    if stem != "_index" && stem != "index" {
        parts.push(stem.to_string());
    }
    if parts.is_empty() {
        "/".into()
    } else {
        format!("/{}/", parts.join("/"))
    }
}

/// Just the front matter keys the index needs; the real pipeline parses YAML properly.
fn front_matter(text: &str) -> (HashMap<String, String>, &str) {
    let mut fm = HashMap::new();
    let Some(rest) = text.strip_prefix("---\n") else {
        return (fm, text);
    };
    let Some(end) = rest.find("\n---\n") else {
        return (fm, text);
    };
    for line in rest[..end].lines() {
        if let Some((k, v)) = line.split_once(':')
            && !line.starts_with([' ', '-'])
        {
            fm.insert(
                k.trim().to_string(),
                v.trim().trim_matches(['"', '\'']).to_string(),
            );
        }
    }
    (fm, &rest[end + 5..])
}

fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_string()
}

fn page_of(rel: &Path, text: &str) -> (Page, Vec<SectionDoc>) {
    let (fm, body) = front_matter(text);
    let url = url_of(rel);
    let title = fm.get("title").cloned().unwrap_or_else(|| url.clone());
    let kind = fm.get("kind").cloned().unwrap_or_else(|| "guide".into());
    let section = if rel.components().count() > 1 {
        rel.iter().next().unwrap().to_string_lossy().to_string()
    } else {
        String::new()
    };
    let tags = fm
        .get("tags")
        .map(|t| {
            t.trim_matches(['[', ']'])
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let new_doc = |anchor: String, trail: Vec<String>| SectionDoc {
        page_url: url.clone(),
        anchor,
        page_title: title.clone(),
        trail,
        body: String::new(),
        kind: kind.clone(),
        section: section.clone(),
        tags: Vec::clone(&tags),
        boost: 0,
    };

    let mut events: Vec<Event> = Parser::new_ext(body, Options::all()).collect();
    let mut docs = vec![new_doc(String::new(), Vec::new())];
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut h2 = String::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level, id: given, ..
        }) = &events[i]
        {
            let (level, given) = (*level, given.as_ref().map(|g| g.to_string()));
            let mut j = i + 1;
            let mut heading = String::new();
            while !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    heading += t;
                }
                j += 1;
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                let base = given.unwrap_or_else(|| slug(&heading));
                let n = seen.entry(base.clone()).or_insert(0);
                let id = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                let trail = if level == HeadingLevel::H2 {
                    h2 = heading.clone();
                    vec![heading.clone()]
                } else if h2.is_empty() {
                    vec![heading.clone()]
                } else {
                    vec![h2.clone(), heading.clone()]
                };
                docs.push(new_doc(id.clone(), trail));
                events[i] = Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: vec![],
                    attrs: vec![],
                });
            }
            i = j + 1;
            continue;
        }
        let doc = docs.last_mut().unwrap();
        match &events[i] {
            Event::Text(t) | Event::Code(t) => doc.body += t,
            Event::SoftBreak | Event::HardBreak | Event::End(_) => doc.body.push(' '),
            _ => {}
        }
        i += 1;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (Page { url, title, html }, docs)
}

fn write_page(out: &Path, url: &str, html: &str) {
    let dir = out.join(url.trim_start_matches('/'));
    fs::create_dir_all(&dir).expect("create page dir");
    fs::write(dir.join("index.html"), html).expect("write page");
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
