//! The tray menu on a crowded machine (8 browsers × 25 profiles): each
//! group lists at most `MAX_PROFILES_PER_GROUP` profiles, then one line that
//! opens the switcher, which lists and searches them all.

#![allow(clippy::unwrap_used)]

use tandem_api::tray::{MAX_PROFILES_PER_GROUP, TrayAction, TrayEntry, menu};
use tandem_api::watch::LinkWatcher;
use tandem_i18n::Language;
use tandem_locations::Locations;

#[test]
fn a_crowded_menu_lists_a_dozen_a_group_and_a_line_for_the_rest() {
    let root = tempfile::tempdir().unwrap();
    let locations = Locations::under(root.path());
    tandem_testkit::bench::build_machine(locations.user_roots());
    let (_watcher, update) = LinkWatcher::start(&locations, |_| {}).unwrap();
    let menu = menu(Some(&update), Language::En);

    let mut groups: Vec<(String, Vec<&TrayEntry>)> = Vec::new();
    for entry in &menu.entries {
        match entry {
            TrayEntry::Heading(name) => groups.push((name.clone(), Vec::new())),
            TrayEntry::Separator => {
                if groups.last().is_some_and(|(_, items)| !items.is_empty()) {
                    break;
                }
            }
            item => {
                if let Some((_, items)) = groups.last_mut() {
                    items.push(item);
                }
            }
        }
    }
    let names: Vec<&str> = groups.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["Work", "Other"], "{menu:?}");
    for (name, items) in &groups {
        assert_eq!(items.len(), MAX_PROFILES_PER_GROUP + 1, "{name}: {items:?}");
        match items.last().unwrap() {
            TrayEntry::Item { label, action } => {
                assert_eq!(*action, TrayAction::OpenTandem);
                assert!(label.contains("more"), "{label}");
            }
            other => panic!("{name} ends with {other:?}"),
        }
    }
}
