//! `helpsite init`: the starter site builds and checks with no error and no warning, from
//! flags and from placeholders, marks what a writer must review, and never overwrites.

use std::path::Path;
use std::process::{Command, Output};

fn helpsite(dir: &Path, args: &[&str]) -> Output {
    // `output()` gives the child no terminal on stdin, as a script would: no questions asked.
    Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run helpsite")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `build` and `check` both succeed with nothing on stderr but their summary line.
fn builds_clean(site: &Path) {
    for args in [&["build"][..], &["check"][..]] {
        let out = helpsite(site, args);
        let err = stderr(&out);
        assert!(out.status.success(), "`helpsite {args:?}` failed:\n{err}");
        assert!(
            !err.lines()
                .any(|l| l.starts_with("warning") || l.starts_with("error")),
            "`helpsite {args:?}` printed diagnostics:\n{err}"
        );
    }
}

fn review_list(site: &Path) -> Vec<String> {
    let out = helpsite(site, &["check", "--review"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn without_flags_or_terminal_it_writes_placeholders_marked_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let out = helpsite(dir.path(), &["init", "help"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("content/contact.md"),
        "{}",
        stderr(&out)
    );
    let site = dir.path().join("help");
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(yaml.contains("# review: true"), "{yaml}");
    assert!(
        yaml.contains("support_email: \"support@example.com\"  # placeholder: replace"),
        "{yaml}"
    );
    builds_clean(&site);

    // Every page that shows a placeholder fact is listed, and so are the pages a writer must
    // adapt anyway; the troubleshooting section page shows no fact.
    let review = review_list(&site);
    for page in [
        "content/_index.md",
        "content/contact.md",
        "content/faq.md",
        "content/getting-help/_index.md",
        "content/getting-help/before-you-write.md",
        "content/getting-help/etiquette.md",
        "content/troubleshooting/should-i-email-support.md",
    ] {
        assert!(review.iter().any(|r| r == page), "{page} not in {review:?}");
    }
    assert!(
        !review
            .iter()
            .any(|r| r == "content/troubleshooting/_index.md")
    );

    // The pages the theme links from every page are there: the composer behind "Write a
    // support request", the flow, the search page.
    let public = site.join("public");
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(home.contains("href=\"/contact/\""), "{home}");
    let contact = std::fs::read_to_string(public.join("contact/index.html")).unwrap();
    assert!(contact.contains("id=\"composer\""), "{contact}");
    assert!(contact.contains("data-etiquette-url=\"/getting-help/etiquette/\""));
    let flow =
        std::fs::read_to_string(public.join("troubleshooting/should-i-email-support/index.html"))
            .unwrap();
    assert!(flow.contains("step-gather"), "{flow}");
    assert!(public.join("search/index.html").is_file());
    assert!(public.join("faq/index.html").is_file());
}

#[test]
fn facts_from_flags_fill_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = helpsite(
        dir.path(),
        &[
            "init",
            "--company",
            "Acme | Rockets",
            "--email",
            "help@acme.test",
            "--response-time",
            "one business day",
            "--hours",
            "Mon–Fri, 8am–4pm CET",
            "--products",
            "Rockets, Anvils",
            "--base-url",
            "https://help.acme.test/docs",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = std::fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    assert!(!yaml.contains("placeholder"), "{yaml}");
    assert!(yaml.contains("title: \"Acme | Rockets Support\""), "{yaml}");
    assert!(
        yaml.contains("products: [\"Rockets\",\"Anvils\"]"),
        "{yaml}"
    );
    builds_clean(dir.path());

    // Only the pages a writer must adapt whatever the facts are left to review.
    let mut review = review_list(dir.path());
    review.sort();
    assert_eq!(
        review,
        [
            "content/faq.md",
            "content/getting-help/etiquette.md",
            "content/troubleshooting/should-i-email-support.md"
        ]
    );
    let public = dir.path().join("public");
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    for fact in [
        "Acme | Rockets Support",
        "mailto:help@acme.test",
        "one business day",
        "Mon–Fri, 8am–4pm CET",
        "Rockets and Anvils",
        // Published under the URL's path.
        "href=\"/docs/contact/\"",
    ] {
        assert!(
            home.contains(fact),
            "`{fact}` not on the home page:\n{home}"
        );
    }
    let contact = std::fs::read_to_string(public.join("contact/index.html")).unwrap();
    assert!(contact.contains("<option>Anvils</option>"), "{contact}");
}

#[test]
fn it_never_overwrites_and_rejects_bad_facts() {
    let dir = tempfile::tempdir().unwrap();
    // An unrelated file is fine: a fresh repository with a README.
    std::fs::write(dir.path().join("README.md"), "mine").unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/faq.md"), "mine").unwrap();
    let out = helpsite(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    insta::assert_snapshot!(stderr(&out).replace(&dir.path().display().to_string(), "[DIR]"), @r"
    error: `.` already holds `content/faq.md`: nothing was written
      hint: `init` never overwrites: choose an empty or new folder, e.g. `helpsite init my-help-site`
    ");
    assert!(!dir.path().join("site.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("content/faq.md")).unwrap(),
        "mine"
    );

    let out = helpsite(dir.path(), &["init", "new", "--email", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`nobody` is not an email address"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("new").exists());
    let out = helpsite(dir.path(), &["init", "new", "--base-url", "help.acme.test"]);
    assert_eq!(out.status.code(), Some(2));
}
