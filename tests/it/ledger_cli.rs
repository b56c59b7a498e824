//! `helpsite feedback …` as a user runs it: summaries, exit codes, a SIGKILLed ingest, two
//! ingests at once, report files and the link check.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use helpsite::ledger::Ledger;

use crate::ledger_support::{all_mail, site_root};

/// A copy of the fixture site in a temp dir, with the manifest where the build puts it.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(site_root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("public/_helpsite")).unwrap();
    std::fs::copy(
        site_root().join("pages.json"),
        dir.path().join("public/_helpsite/pages.json"),
    )
    .unwrap();
    dir
}

fn helpsite(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_helpsite"));
    c.arg("feedback").arg("--root").arg(root).args(args);
    c
}

fn run(root: &Path, args: &[&str]) -> Output {
    helpsite(root, args).output().unwrap()
}

fn ledger_path(root: &Path) -> PathBuf {
    root.join(".helpsite/ledger.sqlite")
}

/// An mbox of `n` staff replies, each linking one page.
fn big_mbox(path: &Path, n: usize, tag: &str) {
    let mut s = String::with_capacity(n * 420);
    for i in 0..n {
        s.push_str(&format!(
            "From MAILER-DAEMON Mon May 12 09:00:00 2025\nFrom: Sam <sam@divergent.cloud>\nTo: c{i}@example.com\nSubject: Re: question {i}\nDate: Mon, 12 May 2025 09:00:00 +0000\nMessage-ID: <{tag}-{i}@divergent.cloud>\nIn-Reply-To: <c-{tag}-{i}@example.com>\nContent-Type: text/plain; charset=utf-8\n\nHello,\nplease see https://support.divergent.cloud/faq/?ref=reply#can-i-pay-by-invoice\nSam\n\n"
        ));
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn ingest_mail_prints_summary_and_positions() {
    let site = site();
    let mut args = vec!["ingest-mail"];
    let paths: Vec<String> = all_mail().iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let out = run(site.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("messages read:  14\n"), "{stderr}");
    assert!(
        stderr.contains("new:            9 messages, 9 links, 1 feedback\n"),
        "{stderr}"
    );
    assert!(stderr.contains("skipped:        3\n"), "{stderr}");
    assert!(
        stderr.contains("sent.mbox: message 10 at byte "),
        "{stderr}"
    );
    let again = run(site.path(), &args);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("new:            0 messages, 0 links, 0 feedback\n")
            && stderr.contains("already known:  9 messages"),
        "{stderr}"
    );
}

#[test]
fn killed_ingest_leaves_a_ledger_that_opens_and_rerun_finishes() {
    let site = site();
    let mbox = site.path().join("big.mbox");
    big_mbox(&mbox, 20_000, "k");
    // Create the ledger first so the kill lands inside the ingest, not in its set-up.
    Ledger::open(&ledger_path(site.path())).unwrap();
    let mut child = helpsite(site.path(), &["ingest-mail", mbox.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "ingest finished before it could be killed; make the mbox bigger"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let ledger = Ledger::open(&ledger_path(site.path())).expect("ledger opens after SIGKILL");
    assert_eq!(
        ledger.counts().unwrap().messages,
        0,
        "an ingest is all or nothing"
    );
    drop(ledger);
    let out = run(site.path(), &["ingest-mail", mbox.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(site.path(), &["ingest-mail", mbox.to_str().unwrap()]);
    assert!(out.status.success());
    let counts = Ledger::open(&ledger_path(site.path()))
        .unwrap()
        .counts()
        .unwrap();
    assert_eq!((counts.messages, counts.links), (20_000, 20_000));
}

#[test]
fn two_ingests_at_once_lose_nothing() {
    let site = site();
    let (a, b) = (site.path().join("a.mbox"), site.path().join("b.mbox"));
    big_mbox(&a, 5_000, "a");
    big_mbox(&b, 5_000, "b");
    let start = Instant::now();
    let ca = helpsite(site.path(), &["ingest-mail", a.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let cb = helpsite(site.path(), &["ingest-mail", b.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for c in [ca, cb] {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let counts = Ledger::open(&ledger_path(site.path()))
        .unwrap()
        .counts()
        .unwrap();
    assert_eq!(
        (counts.messages, counts.links),
        (10_000, 10_000),
        "after {:?}",
        start.elapsed()
    );
}

#[test]
fn report_files_and_link_check_exit_codes() {
    let site = site();
    let paths: Vec<String> = all_mail().iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["ingest-mail"];
    args.extend(paths.iter().map(String::as_str));
    assert!(run(site.path(), &args).status.success());

    let html = site.path().join("report.html");
    let out = run(
        site.path(),
        &[
            "report",
            "--since",
            "all",
            "--format",
            "html",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&html).unwrap().contains("<svg"));
    let out = run(
        site.path(),
        &["report", "--since", "all", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["pages"][0]["url"], "/connect/senders/");
    let out = run(site.path(), &["report", "--since", "soon"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: `soon` is not a period"));

    // Only a lost anchor: warning, exit 0.
    let out = run(site.path(), &["check-links"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: `/identity/sso/#reset`"));
    // The FAQ disappears from the build: error, exit 1.
    let manifest = site.path().join("public/_helpsite/pages.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\"url\": \"/faq/\"", "\"url\": \"/questions/\"");
    std::fs::write(&manifest, text).unwrap();
    let out = run(site.path(), &["check-links"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("error: `/faq/` was sent to customers in 2 replies")
    );
}

#[test]
fn ingest_of_a_path_that_does_not_exist_fails_with_exit_2_and_ingests_nothing() {
    let site = site();
    let missing = site.path().join("sent-typo.mbox");
    let out = run(
        site.path(),
        &[
            "ingest-mail",
            &all_mail()[0].display().to_string(),
            &missing.display().to_string(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("sent-typo.mbox") && stderr.contains("nothing was ingested"),
        "{stderr}"
    );
    assert!(
        !ledger_path(site.path()).exists() || {
            let l = Ledger::open(&ledger_path(site.path())).unwrap();
            l.counts().unwrap().messages == 0
        }
    );
    let out = run(site.path(), &["ingest-log", "/nonexistent/access.log"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
