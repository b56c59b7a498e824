//! The sent-links guard: a build that drops a linked page fails, naming the URL, how many
//! replies carried it and when last; an alias makes it pass; a lost anchor is a warning.

use helpsite::ledger::guard::manifest_resolver;
use helpsite::ledger::{Manifest, Resolution, check_sent_links, mail};

use crate::ledger_support::{all_mail, ledger, manifest, with_extractor};

#[test]
fn removed_page_fails_until_an_alias_is_added() {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();

    // The fixture site: everything resolves except the anchor `#reset` on /identity/sso/.
    let m = manifest();
    let diags = check_sent_links(&t.ledger, manifest_resolver(&m)).unwrap();
    assert!(!diags.has_errors(), "{diags}");
    assert_eq!(
        diags.to_string(),
        "warning: `/identity/sso/#reset` was sent to customers in 1 reply (last on 2025-04-23) and the page has no heading `reset` any more\n  hint: give the heading that replaced it the id `reset` (`## Title {#reset}`)\n"
    );

    // The senders page moves and nobody adds an alias: error per sent URL.
    let mut pages = m.pages.clone();
    pages.retain(|p| p.url != "/connect/senders/");
    let mut moved = pages[0].clone();
    moved.url = "/connect/sending-identities/".into();
    moved.anchors = vec!["verify-a-sender".into()];
    pages.push(moved);
    let broken = Manifest::new(pages.clone(), Default::default());
    let diags = check_sent_links(&t.ledger, manifest_resolver(&broken)).unwrap();
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        vec![
            "error: `/connect/senders/` was sent to customers in 2 replies (last on 2025-05-08) and no longer resolves\n  hint: restore the page, or add `/connect/senders/` to the `aliases:` of the page that replaced it",
            "error: `/old/senders/` was sent to customers in 1 reply (last on 2025-04-15) and no longer resolves\n  hint: restore the page, or add `/old/senders/` to the `aliases:` of the page that replaced it",
        ]
    );

    // Aliases on the new page: passes again (anchors carried over).
    let aliases = [
        ("/connect/senders/", "/connect/sending-identities/"),
        ("/old/senders/", "/connect/sending-identities/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let fixed = Manifest::new(pages, aliases);
    let diags = check_sent_links(&t.ledger, manifest_resolver(&fixed)).unwrap();
    assert!(!diags.has_errors(), "{diags}");
}

#[test]
fn any_resolver_can_drive_it() {
    let mut t = ledger();
    with_extractor(|ex| mail::ingest(&mut t.ledger, &all_mail(), ex)).unwrap();
    let diags = check_sent_links(&t.ledger, |_, _| Resolution::Missing).unwrap();
    // Every distinct sent path is one error.
    assert_eq!(diags.error_count(), 5, "{diags}");
    let diags = check_sent_links(&t.ledger, |_, anchor| {
        if anchor.is_some() {
            Resolution::MissingAnchor
        } else {
            Resolution::Alias
        }
    })
    .unwrap();
    assert_eq!(
        (diags.error_count(), diags.iter().count()),
        (0, 5),
        "{diags}"
    );
}
