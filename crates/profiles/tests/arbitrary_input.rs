//! Whatever bytes or JSON shapes a browser's files hold, discovery never
//! panics, never hangs (each case is bounded by the test runner's timeout),
//! and never writes a byte to them.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tandem_locations::{Platform, UserRoots};
use tandem_profiles::{BrowserId, discover_browser};

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(tree(&path));
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("profile".to_owned()),
                    Just("info_cache".to_owned()),
                    Just("Default".to_owned()),
                    Just("account_info".to_owned()),
                    Just("email".to_owned()),
                    Just("edge_account_tenant_id".to_owned()),
                    Just("last_used".to_owned()),
                    "[a-z_ ]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

struct Machine {
    _root: tempfile::TempDir,
    roots: UserRoots,
    edge: PathBuf,
    firefox: PathBuf,
}

fn machine() -> Machine {
    let root = tempfile::tempdir().unwrap();
    let roots = UserRoots::conventional(Platform::Linux, root.path());
    let edge = roots.config_home.join("microsoft-edge");
    let firefox = root.path().join(".mozilla/firefox");
    for dir in [
        edge.join("Default"),
        edge.join("Profile 1"),
        firefox.clone(),
    ] {
        std::fs::create_dir_all(dir).unwrap();
    }
    Machine {
        _root: root,
        roots,
        edge,
        firefox,
    }
}

fn discover_all(machine: &Machine) {
    let before = tree(machine._root.path());
    for browser in [BrowserId::Edge, BrowserId::Firefox] {
        for profile in discover_browser(browser, &machine.roots) {
            // Whatever was read, a kind is always decided.
            let _ = profile.account.kind;
        }
    }
    assert_eq!(
        tree(machine._root.path()),
        before,
        "discovery wrote to browser files"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_in_every_browser_file(
        local_state in prop::collection::vec(any::<u8>(), 0..512),
        preferences in prop::collection::vec(any::<u8>(), 0..512),
        profiles_ini in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let machine = machine();
        std::fs::write(machine.edge.join("Local State"), &local_state).unwrap();
        std::fs::write(machine.edge.join("Default/Preferences"), &preferences).unwrap();
        std::fs::write(machine.firefox.join("profiles.ini"), &profiles_ini).unwrap();
        std::fs::write(machine.firefox.join("installs.ini"), &profiles_ini).unwrap();
        discover_all(&machine);
    }

    #[test]
    fn arbitrary_json_shapes_where_profiles_and_accounts_are_read(
        local_state in json(),
        info_cache in json(),
        entry in json(),
        preferences in json(),
        account_info in json(),
    ) {
        let machine = machine();
        std::fs::write(machine.edge.join("Local State"), local_state.to_string()).unwrap();
        discover_all(&machine);
        let shaped = serde_json::json!({"profile": {"info_cache": info_cache, "last_used": entry.clone()}});
        std::fs::write(machine.edge.join("Local State"), shaped.to_string()).unwrap();
        discover_all(&machine);
        let shaped = serde_json::json!({"profile": {"info_cache": {"Default": entry, "Profile 1": {}}}});
        std::fs::write(machine.edge.join("Local State"), shaped.to_string()).unwrap();
        std::fs::write(machine.edge.join("Default/Preferences"), preferences.to_string()).unwrap();
        let shaped = serde_json::json!({"account_info": account_info, "profile": {"name": preferences}});
        std::fs::write(machine.edge.join("Profile 1/Preferences"), shaped.to_string()).unwrap();
        discover_all(&machine);
    }
}
