use std::path::Path;

use serde::Deserialize;

use super::*;

#[derive(Deserialize)]
struct FrontMatter {
    flow: Flow,
}

/// Validates the `flow:` in `front_matter` (as if it started on line 2 of
/// `content/troubleshooting/sms.md`) and returns the printed diagnostics.
fn check(front_matter: &str) -> String {
    let path = Path::new("content/troubleshooting/sms.md");
    let fm: FrontMatter = crate::yaml::parse(front_matter, path, 2).unwrap();
    let src = Source {
        path,
        front_matter,
        first_line: 2,
    };
    let resolve = |page: &str| match page {
        "../connect/senders.md" => Ok("/connect/senders/".to_string()),
        "../connect/senders.md#verify-a-sender" => {
            Ok("/connect/senders/#verify-a-sender".to_string())
        }
        "../connect/senders.md#verify" => Err(Unresolved {
            reason: "`content/connect/senders.md` has no heading `#verify`".to_string(),
            hint: Some("did you mean `#verify-a-sender`?".to_string()),
        }),
        other => Err(format!("no page `{other}`").into()),
    };
    let mut diags = crate::diagnostics::Diagnostics(validate(&fm.flow, &src, resolve));
    diags.sort();
    diags.to_string()
}

const GOOD: &str = "\
flow:
  steps:
    - id: verified
      title: Is the sender verified?
      text: Open **Connect → Senders**.
      answers:
        - label: \"Yes\"
          next: test-send
        - label: \"No\"
          page: ../connect/senders.md#verify-a-sender
    - id: test-send
      title: Send a test message
      answers:
        - label: It arrived
          solved: true
        - label: It did not arrive
          contact: true
";

#[test]
fn a_good_flow_has_no_diagnostics() {
    assert_eq!(check(GOOD), "");
}

#[test]
fn unknown_next_step() {
    let fm = GOOD.replace("next: test-send", "next: test-sned");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:8: flow step `verified`: answer `Yes` leads to unknown step `test-sned`\n  \
         hint: did you mean `test-send`?\n\
         error: content/troubleshooting/sms.md:12: flow step `test-send` cannot be reached from the first step `verified`\n  \
         hint: lead to it with `next: test-send` from another step's answer, or remove it\n"
    );
}

#[test]
fn unresolved_page() {
    let fm = GOOD.replace("senders.md#verify-a-sender", "sender.md");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:10: flow step `verified`: answer `No` links to `../connect/sender.md`, which does not resolve\n  \
         caused by: no page `../connect/sender.md`\n  \
         hint: write the page as a path relative to this file, like a Markdown link (`../connect/senders.md#verify-a-sender`)\n"
    );
}

#[test]
fn unresolved_anchor() {
    let fm = GOOD.replace("#verify-a-sender", "#verify");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:10: flow step `verified`: answer `No` links to `../connect/senders.md#verify`, which does not resolve\n  \
         caused by: `content/connect/senders.md` has no heading `#verify`\n  \
         hint: did you mean `#verify-a-sender`?\n"
    );
}

#[test]
fn unreachable_step() {
    let fm = format!(
        "{GOOD}    - id: orphan\n      title: Nobody gets here\n      answers:\n        - label: Ok\n          solved: true\n"
    );
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:19: flow step `orphan` cannot be reached from the first step `verified`\n  \
         hint: lead to it with `next: orphan` from another step's answer, or remove it\n"
    );
}

#[test]
fn cycle_with_a_way_out() {
    let fm = GOOD.replace("solved: true", "next: verified");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:15: flow steps form a cycle: `verified` → `test-send` → `verified`\n  \
         hint: a flow must always move forward: point this answer at a later step or end it with `solved`, `page` or `contact`\n"
    );
}

#[test]
fn cycle_with_no_way_out() {
    let fm = "\
flow:
  steps:
    - id: a
      title: A
      answers:
        - label: Go on
          next: b
    - id: b
      title: B
      answers:
        - label: Back
          next: a
";
    assert_eq!(
        check(fm),
        "error: content/troubleshooting/sms.md:12: flow steps form a cycle: `a` → `b` → `a`\n  \
         hint: no answer in this loop leads out of it, so there is no way out: end one with `solved`, `page` or `contact`\n"
    );
}

#[test]
fn self_loop_is_a_cycle() {
    let fm = GOOD.replace("contact: true", "next: test-send");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:17: flow steps form a cycle: `test-send` → `test-send`\n  \
         hint: a flow must always move forward: point this answer at a later step or end it with `solved`, `page` or `contact`\n"
    );
}

#[test]
fn step_with_no_answers() {
    let fm = "flow:\n  steps:\n    - id: only\n      title: Restart the app\n";
    assert_eq!(
        check(fm),
        "error: content/troubleshooting/sms.md:4: flow step `only` has no answers, so the flow stops there with no way out\n  \
         hint: add answers that lead to another step (`next`), a page (`page`), `solved: true` or `contact: true`\n"
    );
}

#[test]
fn answer_with_no_target() {
    let fm = GOOD.replace("          contact: true\n", "");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:17: flow step `test-send`: answer `It did not arrive` leads nowhere\n  \
         hint: give it exactly one of `next`, `page`, `solved: true` or `contact: true`\n"
    );
}

#[test]
fn answer_with_several_targets() {
    let fm = GOOD.replace("solved: true", "solved: true\n          contact: true");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:15: flow step `test-send`: answer `It arrived` has several targets: `solved`, `contact`\n  \
         hint: give it exactly one of `next`, `page`, `solved: true` or `contact: true`\n"
    );
}

#[test]
fn duplicate_step_id() {
    let fm = GOOD.replace("- id: test-send", "- id: verified");
    // The second `verified` is a duplicate; `test-send` (a `next` target) is now unknown.
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:8: flow step `verified`: answer `Yes` leads to unknown step `test-send`\n  \
         hint: steps in this flow: `verified`\n\
         error: content/troubleshooting/sms.md:12: flow step id `verified` is used by more than one step\n  \
         hint: step ids are anchors (`#step-<id>`) and must be unique within a flow\n"
    );
}

#[test]
fn invalid_step_id() {
    let fm = GOOD.replace("test-send", "test send");
    assert_eq!(
        check(&fm),
        "error: content/troubleshooting/sms.md:12: flow step id `test send` is not a valid id\n  \
         hint: use letters, digits, `-` and `_`: the id becomes the anchor `#step-<id>` and part of the page's `?path=` URL\n"
    );
}

#[test]
fn empty_flow() {
    assert_eq!(
        check("flow:\n  steps: []\n"),
        "error: content/troubleshooting/sms.md: flow has no steps\n  \
         hint: add at least one step under `flow: steps:`, or remove `flow:`\n"
    );
}

#[test]
fn all_problems_are_reported_together() {
    let fm = GOOD
        .replace("next: test-send", "next: nope")
        .replace("senders.md#verify-a-sender", "gone.md");
    assert_eq!(check(&fm).matches("error: ").count(), 3, "{}", check(&fm));
}
