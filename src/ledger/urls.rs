//! Which URLs point at this site, and the one normal form they are counted under.
//!
//! A link counts when its host is `base_url`'s or one of `feedback.site_hosts` (either scheme)
//! and its path is under the base path. The normal form keeps the path and the anchor only: a
//! static page never depends on its query string, so tracking parameters (`utm_*`, `ref`,
//! `fbclid`, `gclid`, `mc_*`, …) and everything else in the query go, and `ref=reply` is kept as
//! a flag. `index.html` and a missing trailing slash map to the pretty URL the build writes
//! ([`crate::urls::normalise_path`]); the base path is the build's ([`crate::urls::base_path`]).

use percent_encoding::percent_decode_str;
use url::Url;

use crate::config::Config;
use crate::urls::{self, normalise_path};

/// A URL of this site in normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLink {
    /// Root-relative path, percent-decoded, pretty form (`/connect/senders/`).
    pub path: String,
    /// Heading id, percent-decoded, without `#`.
    pub anchor: Option<String>,
    /// The URL carried `ref=reply` (added by copy-link buttons and `helpsite search`).
    pub from_reply: bool,
}

/// Recognises this site's URLs.
#[derive(Debug, Clone)]
pub struct SiteUrls {
    base: Url,
    hosts: Vec<String>,
    base_path: String,
}

impl SiteUrls {
    pub fn new(config: &Config) -> SiteUrls {
        SiteUrls::from_parts(&config.base_url, &config.feedback.site_hosts)
    }

    /// `base_url` must be absolute (the config checks it); a broken one matches nothing.
    pub fn from_parts(base_url: &str, site_hosts: &[String]) -> SiteUrls {
        let base = Url::parse(base_url)
            .unwrap_or_else(|_| Url::parse("http://invalid.invalid/").expect("valid"));
        let mut hosts: Vec<String> = site_hosts
            .iter()
            .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
            .collect();
        hosts.extend(base.host_str().map(str::to_ascii_lowercase));
        // The build's base path, in the decoded form every link is compared in.
        let mut base_path = normalise_path(urls::base_path(base_url));
        if !base_path.ends_with('/') {
            base_path.push('/');
        }
        SiteUrls {
            base,
            hosts,
            base_path,
        }
    }

    /// The site's origin (`https://support.example`), what browsers send as `Origin`.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// An absolute URL found in mail, if it points at this site.
    pub fn parse(&self, raw: &str) -> Option<SiteLink> {
        let url = Url::parse(raw).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        if !self.hosts.contains(&host) {
            return None;
        }
        self.normalise(&url)
    }

    /// A request target from an access log (`/faq/?ref=reply`).
    pub fn parse_target(&self, target: &str) -> Option<SiteLink> {
        if !target.starts_with('/') || target.starts_with("//") {
            return None;
        }
        self.normalise(&self.base.join(target).ok()?)
    }

    fn normalise(&self, url: &Url) -> Option<SiteLink> {
        let path = normalise_path(url.path());
        let under_base = path.starts_with(&self.base_path) || format!("{path}/") == self.base_path;
        if !under_base {
            return None;
        }
        let from_reply = url.query_pairs().any(|(k, v)| k == "ref" && v == "reply");
        let anchor = url
            .fragment()
            // Text fragments (`#:~:text=…`) highlight a quote; they are not heading ids.
            .map(|f| f.split(":~:").next().unwrap_or(""))
            .map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned())
            .filter(|f| !f.is_empty());
        Some(SiteLink {
            path,
            anchor,
            from_reply,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteUrls {
        SiteUrls::from_parts(
            "https://support.example.com/",
            &["Docs.Example.com".to_string()],
        )
    }

    fn check(raw: &str, expected: Option<(&str, Option<&str>, bool)>) {
        let got = site().parse(raw);
        let got = got
            .as_ref()
            .map(|l| (l.path.as_str(), l.anchor.as_deref(), l.from_reply));
        assert_eq!(got, expected, "{raw}");
    }

    #[test]
    fn normal_forms() {
        check(
            "https://support.example.com/connect/senders/",
            Some(("/connect/senders/", None, false)),
        );
        check(
            "http://SUPPORT.example.com/connect/senders",
            Some(("/connect/senders/", None, false)),
        );
        check(
            "https://support.example.com/connect/senders/index.html#verify",
            Some(("/connect/senders/", Some("verify"), false)),
        );
        check(
            "https://support.example.com/faq/?utm_source=mail&utm_medium=x&fbclid=1&gclid=2&mc_eid=3&ref=reply#can%27t-log-in",
            Some(("/faq/", Some("can't-log-in"), true)),
        );
        check(
            "https://docs.example.com//a//b/?ref=other",
            Some(("/a/b/", None, false)),
        );
        check(
            "https://support.example.com/files/guide.pdf",
            Some(("/files/guide.pdf", None, false)),
        );
        check("https://support.example.com", Some(("/", None, false)));
        check(
            "https://support.example.com/a/#:~:text=hello",
            Some(("/a/", None, false)),
        );
        check(
            "https://support.example.com/a/b/../c/",
            Some(("/a/c/", None, false)),
        );
        check("https://other.example.com/connect/", None);
        check("mailto:help@support.example.com", None);
        check("not a url", None);
    }

    #[test]
    fn base_path_is_required() {
        let s = SiteUrls::from_parts("https://x.org/help/", &[]);
        assert_eq!(
            s.parse("https://x.org/help/faq/").unwrap().path,
            "/help/faq/"
        );
        assert_eq!(s.parse("https://x.org/help").unwrap().path, "/help/");
        assert!(s.parse("https://x.org/blog/").is_none());
        assert!(s.parse("https://x.org/helpdesk/").is_none());
        assert_eq!(s.origin(), "https://x.org");
    }

    #[test]
    fn log_targets() {
        let s = site();
        assert_eq!(
            s.parse_target("/faq/?ref=reply").unwrap(),
            SiteLink {
                path: "/faq/".into(),
                anchor: None,
                from_reply: true
            }
        );
        assert!(s.parse_target("//evil.example/").is_none());
        assert!(s.parse_target("*").is_none());
    }
}
