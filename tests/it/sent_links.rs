//! The sent-links guard inside `helpsite build` and `check`: once staff have sent a page's URL
//! to a customer, removing the page fails the build (old output untouched) until an alias keeps
//! the URL alive.

use crate::driver::SiteTest;

const REPLY: &str = "From: Ana <ana@example.com>\r\n\
To: customer@example.org\r\n\
Subject: Re: automations not firing\r\n\
Message-ID: <reply-1@example.com>\r\n\
Date: Tue, 10 Nov 2026 10:00:00 +0000\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hello, this should help: https://help.example.com/connect/automations/#triggers\r\n";

#[test]
fn removing_a_page_staff_linked_fails_the_build_until_an_alias_is_added() {
    let t = SiteTest::fixture("basic");
    let config = std::fs::read_to_string(t.root.join("site.yaml")).unwrap();
    t.write(
        "site.yaml",
        &format!("{config}feedback:\n  staff_addresses: [\"*@example.com\"]\n"),
    );
    t.build();
    t.write("mail/reply.eml", REPLY);
    let ingest = t.run(&["feedback", "ingest-mail", "mail/reply.eml"]);
    assert_eq!(ingest.code, 0, "{}", ingest.stderr);

    // The page goes away: build and check fail, naming the URL, and the old output stays.
    let page = std::fs::read_to_string(t.root.join("content/connect/automations.md")).unwrap();
    t.remove("content/connect/automations.md");
    t.write(
        "content/fragment.md",
        "---\ntitle: Fragment\n---\n\nNo links.\n",
    );
    let run = t.build_fails();
    assert!(
        run.stderr.contains(
            "`/connect/automations/` was sent to customers in 1 reply (last on 2026-11-10) and no longer resolves"
        ),
        "{}",
        run.stderr
    );
    assert!(t.output_exists("connect/automations/index.html"));
    let check = t.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);

    // The page returns under a new name with the old URL as an alias: the build passes.
    t.write(
        "content/connect/automation-rules.md",
        &page.replacen(
            "weight: 2\n",
            "weight: 2\naliases: [/connect/automations/]\n",
            1,
        ),
    );
    t.build();
    assert!(t.output_exists("connect/automation-rules/index.html"));
}
