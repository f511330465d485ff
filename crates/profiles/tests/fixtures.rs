//! Discovery on fake machines: Edge-shaped fixtures (after the shapes recorded
//! in the research notes), Firefox, and every kind of broken file. The whole
//! tree is hashed before and after, because browser files are never written.

// A test that cannot build its own fixtures should stop right there.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;
use tandem_locations::UserRoots;
use tandem_profiles::{AccountKind, BrowserId, Evidence, Profile, discover, discover_browser};

const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const MSA_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The workspace's fake machine, with the user folders discovery reads.
struct Machine {
    machine: tandem_testkit::Machine,
    roots: UserRoots,
}

impl Machine {
    fn new() -> Self {
        let machine = tandem_testkit::Machine::new();
        let roots = machine.roots();
        Self { machine, roots }
    }

    fn edge(&self) -> PathBuf {
        self.machine.edge_dir()
    }

    fn write(&self, path: &Path, bytes: impl AsRef<[u8]>) {
        self.machine.write(path, bytes);
    }

    fn write_json(&self, path: &Path, value: &serde_json::Value) {
        self.machine.write_json(path, value);
    }

    /// Every file under the home folder with its contents, to prove nothing changed.
    fn tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        tandem_testkit::tree(&self.roots.home)
    }
}

fn edge_local_state(machine: &Machine, info_cache: serde_json::Value) {
    machine.write_json(
        &machine.edge().join("Local State"),
        &json!({"profile": {"info_cache": info_cache, "profiles_created": 4}, "edge": {"x": 1}}),
    );
}

fn by_dir<'a>(profiles: &'a [Profile], dir: &str) -> &'a Profile {
    profiles
        .iter()
        .find(|profile| profile.profile_dir == dir)
        .unwrap_or_else(|| panic!("no profile {dir} in {profiles:#?}"))
}

/// The four Edge shapes the issue names, in one user data folder.
fn edge_machine() -> Machine {
    let machine = Machine::new();
    edge_local_state(
        &machine,
        json!({
            // Work: Local State knows nothing; Preferences has the tenant (Edge 151, macOS).
            "Default": {"name": "Profile 1", "is_using_default_name": true, "user_name": "",
                        "gaia_name": "", "edge_account_type": 0, "active_time": 1764000000.75},
            "Profile 1": {"name": "Personal", "user_name": "ada@outlook.com", "gaia_id": "0003BFFD",
                          "edge_account_cid": "0a1b2c3d4e5f6a7b", "edge_account_type": 1,
                          "edge_account_tenant_id": MSA_TENANT},
            // Blank: never signed in (fixture F1's shape).
            "Profile 2": {"name": "Profile 2", "edge_account_type": 0, "edge_account_oid": "",
                          "edge_account_tenant_id": "", "user_name": "", "gaia_id": ""},
            "Profile 3": {"name": "Profile 3", "user_name": "odd@example.com", "edge_account_type": 5},
            "Guest Profile": {"name": "Guest"},
            "System Profile": {"name": "System"},
        }),
    );
    machine.write_json(
        &machine.edge().join("Default/Preferences"),
        &json!({
            "account_info": [{"email": "ada.lovelace@contoso.com", "full_name": "Ada Lovelace",
                              "edge_account_type": 2, "edge_account_tenant_id": WORK_TENANT,
                              "edge_account_oid": "00000000-0000-0000-0000-00000000000a"}],
            "profile": {"name": "Profile 1", "is_relative_to_aad": true,
                        "content_settings": {"exceptions": {"cookies": {"a": {"setting": 1}}}}},
        }),
    );
    machine.write_json(
        &machine.edge().join("Profile 1/Preferences"),
        // A single object instead of a list: seen in real files.
        &json!({"account_info": {"email": "ada@outlook.com", "full_name": "Ada L.",
                                  "edge_account_type": 1, "edge_account_tenant_id": MSA_TENANT},
                "sync": {"edge_account_type": 1}}),
    );
    machine.write_json(
        &machine.edge().join("Profile 2/Preferences"),
        &json!({"account_info": [], "profile": {"name": "Profile 2"}}),
    );
    machine.write_json(
        &machine.edge().join("Profile 3/Preferences"),
        &json!({"account_info": [{"email": "odd@example.com", "edge_account_type": 5}]}),
    );
    machine
}

#[test]
fn edge_work_profile_with_the_tenant_only_in_preferences() {
    let machine = edge_machine();
    let profiles = discover_browser(BrowserId::Edge, &machine.roots);
    let work = by_dir(&profiles, "Default");
    assert_eq!(work.account.kind, AccountKind::Work);
    assert_eq!(work.account.evidence, Evidence::TenantId);
    assert_eq!(work.account.tenant_id.as_deref(), Some(WORK_TENANT));
    assert_eq!(
        work.account.email.as_deref(),
        Some("ada.lovelace@contoso.com")
    );
    // Edge left the name at "Profile 1": the person's name is what Edge shows.
    assert_eq!(work.name, "Ada Lovelace");
    assert_eq!(work.last_active, Some(1764000000));
    assert!(work.is_default, "no last_used: Default is the default");
    assert_eq!(work.unreadable, None);
}

#[test]
fn edge_personal_blank_and_unknown_profiles() {
    let machine = edge_machine();
    let profiles = discover_browser(BrowserId::Edge, &machine.roots);
    let dirs: Vec<_> = profiles.iter().map(|p| p.profile_dir.as_str()).collect();
    assert_eq!(
        dirs,
        ["Default", "Profile 1", "Profile 2", "Profile 3"],
        "guest and system skipped"
    );

    let personal = by_dir(&profiles, "Profile 1");
    assert_eq!(personal.account.kind, AccountKind::Personal);
    assert_eq!(personal.name, "Personal", "a name the user chose is kept");
    assert_eq!(personal.account.display_name.as_deref(), Some("Ada L."));

    let blank = by_dir(&profiles, "Profile 2");
    assert_eq!(blank.account.kind, AccountKind::None);
    assert_eq!(blank.account.email, None);
    assert_eq!(blank.name, "Profile 2");

    let odd = by_dir(&profiles, "Profile 3");
    assert_eq!(odd.account.kind, AccountKind::Unknown);
    assert_eq!(odd.account.evidence, Evidence::EdgeAccountType { value: 5 });
}

#[test]
fn json_output_has_the_documented_shape() {
    let machine = edge_machine();
    let snapshot = discover(&machine.roots);
    let json = serde_json::to_value(&snapshot).unwrap();
    let first = &json["profiles"][0];
    assert_eq!(first["browser"], "edge");
    assert_eq!(first["profile_dir"], "Default");
    assert_eq!(first["account"]["kind"], "work");
    assert_eq!(first["account"]["tenant_id"], WORK_TENANT);
    assert_eq!(first["unreadable"], serde_json::Value::Null);
    assert!(first["last_active"].is_i64());
    assert!(
        first["user_data_dir"]
            .as_str()
            .unwrap()
            .ends_with("microsoft-edge")
    );
}

#[test]
fn chrome_google_accounts_and_profile_order() {
    let machine = Machine::new();
    let chrome = machine.roots.config_home.join("google-chrome");
    machine.write_json(
        &chrome.join("Local State"),
        &json!({"profile": {
            "info_cache": {
                "Default": {"name": "Person 1", "is_using_default_name": true,
                            "gaia_given_name": "Grace", "gaia_name": "Grace Hopper",
                            "user_name": "grace@gmail.com", "gaia_id": "1234567890",
                            "hosted_domain": "NO_HOSTED_DOMAIN"},
                "Profile 10": {"name": "Work", "user_name": "g@corp.example", "gaia_id": "99"},
                "Profile 2": {"name": "Empty"}
            },
            "last_used": "Profile 10",
            "last_active_profiles": ["Profile 10"],
            "profiles_order": ["Profile 10", "Default"]
        }}),
    );
    for dir in ["Default", "Profile 10", "Profile 2"] {
        machine.write_json(&chrome.join(dir).join("Preferences"), &json!({}));
    }
    let profiles = discover_browser(BrowserId::Chrome, &machine.roots);
    let dirs: Vec<_> = profiles.iter().map(|p| p.profile_dir.as_str()).collect();
    assert_eq!(dirs, ["Profile 10", "Default", "Profile 2"]);
    let grace = by_dir(&profiles, "Default");
    assert_eq!(grace.name, "Grace");
    assert_eq!(grace.account.kind, AccountKind::Google);
    assert!(matches!(
        grace.account.evidence,
        Evidence::HostedDomain { .. }
    ));
    let work = by_dir(&profiles, "Profile 10");
    assert!(work.is_default);
    assert!(work.in_last_session);
    assert!(!grace.in_last_session);
    assert_eq!(work.account.kind, AccountKind::Google);
    assert_eq!(work.account.evidence, Evidence::GoogleSignIn);
    assert_eq!(
        by_dir(&profiles, "Profile 2").account.kind,
        AccountKind::None
    );
}

#[test]
fn malformed_files_are_explained_and_never_fatal() {
    let machine = edge_machine();
    let edge = machine.edge();
    // Truncated (half-written), wrong types, BOM, non-UTF-8, missing Preferences.
    machine.write(
        &edge.join("Profile 1/Preferences"),
        br#"{"account_info": [{"email": "ada@out"#,
    );
    machine.write(
        &edge.join("Profile 2/Preferences"),
        br#"{"account_info": "not a list", "profile": 7, "sync": {"edge_account_type": "two"}}"#,
    );
    machine.write(
        &edge.join("Profile 3/Preferences"),
        b"\xEF\xBB\xBF{\"profile\": {\"name\": \"Caf\xE9 \xD0\x9C\xD0\xB8\xD1\x80 \xE6\x97\xA5\"}}",
    );
    std::fs::remove_file(edge.join("Default/Preferences")).unwrap();
    let before = machine.tree();

    let profiles = discover_browser(BrowserId::Edge, &machine.roots);
    assert_eq!(profiles.len(), 4, "every profile is still listed");

    let truncated = by_dir(&profiles, "Profile 1");
    assert!(
        truncated
            .unreadable
            .as_ref()
            .unwrap()
            .to_string()
            .contains("truncated"),
        "{truncated:?}"
    );
    assert_eq!(
        truncated.account.kind,
        AccountKind::Personal,
        "best reading from Local State"
    );

    let wrong_types = by_dir(&profiles, "Profile 2");
    assert_eq!(wrong_types.unreadable, None);
    assert_eq!(wrong_types.account.kind, AccountKind::None);

    let odd_bytes = by_dir(&profiles, "Profile 3");
    assert_eq!(odd_bytes.unreadable, None, "{odd_bytes:?}");

    let no_prefs = by_dir(&profiles, "Default");
    assert_eq!(
        no_prefs
            .unreadable
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("the profile has no Preferences file")
    );

    assert_eq!(machine.tree(), before, "discovery wrote to browser files");
}

#[test]
fn truncated_local_state_falls_back_to_profile_folders() {
    let machine = edge_machine();
    let local_state = machine.edge().join("Local State");
    let full = std::fs::read(&local_state).unwrap();
    machine.write(&local_state, &full[..full.len() / 2]);
    let profiles = discover_browser(BrowserId::Edge, &machine.roots);
    let dirs: Vec<_> = profiles.iter().map(|p| p.profile_dir.as_str()).collect();
    assert_eq!(dirs, ["Default", "Profile 1", "Profile 2", "Profile 3"]);
    for profile in &profiles {
        let reason = profile.unreadable.as_ref().unwrap();
        assert!(
            reason.to_string().contains("Local State ends early"),
            "{reason:?}"
        );
        // Worded in the person's language, to the end of the sentence.
        let dutch = reason.in_language(tandem_i18n::Language::Nl);
        assert!(
            dutch.starts_with("Local State houdt te vroeg op (regel ")
                && dutch.ends_with("getoond op basis van alleen de profielmap"),
            "{dutch}"
        );
    }
    // The work profile is still recognised from its Preferences.
    assert_eq!(by_dir(&profiles, "Default").account.kind, AccountKind::Work);
}

#[test]
fn local_state_of_the_wrong_shape_lists_nothing_but_does_not_fail() {
    let machine = Machine::new();
    let dir = machine.roots.config_home.join("vivaldi");
    machine.write(&dir.join("Local State"), b"[1, 2, 3]");
    assert!(discover_browser(BrowserId::Vivaldi, &machine.roots).is_empty());
    machine.write(
        &dir.join("Local State"),
        br#"{"profile": {"info_cache": {"../../etc": {}}}}"#,
    );
    assert!(
        discover_browser(BrowserId::Vivaldi, &machine.roots).is_empty(),
        "a key that leaves the folder is refused"
    );
}

#[test]
fn a_large_preferences_file_is_read() {
    let machine = edge_machine();
    // About 50 MB of settings Tandem does not need, after the account.
    let mut big =
        String::from(r#"{"account_info":[{"email":"big@contoso.com","edge_account_tenant_id":""#);
    big.push_str(WORK_TENANT);
    big.push_str(r#""}],"profile":{"content_settings":{"exceptions":{"#);
    let entry =
        r#""https://site-000000.example:443,*":{"last_modified":"13300000000000000","setting":1},"#;
    for index in 0..(50 * 1024 * 1024 / entry.len()) {
        big.push_str(&entry.replace("000000", &format!("{index:06}")));
    }
    big.push_str(r#""end":{}}}}}"#);
    machine.write(&machine.edge().join("Profile 2/Preferences"), big);
    let profiles = discover_browser(BrowserId::Edge, &machine.roots);
    let large = by_dir(&profiles, "Profile 2");
    assert_eq!(large.unreadable, None);
    assert_eq!(large.account.kind, AccountKind::Work);
}

#[test]
fn opera_is_one_profile_in_its_user_data_folder() {
    let machine = Machine::new();
    let opera = machine.roots.config_home.join("opera");
    machine.write_json(
        &opera.join("Local State"),
        &json!({"profile": {"info_cache": {}}}),
    );
    machine.write_json(
        &opera.join("Preferences"),
        &json!({"profile": {"name": "Main"}}),
    );
    let profiles = discover_browser(BrowserId::Opera, &machine.roots);
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0].name, "Main");
    assert_eq!(profiles[0].profile_dir, "");
}

#[test]
fn firefox_in_the_legacy_and_the_xdg_folder() {
    let machine = Machine::new();
    let legacy = machine.roots.home.join(".mozilla/firefox");
    let xdg = machine.roots.config_home.join("mozilla/firefox");
    machine.write(
        &legacy.join("profiles.ini"),
        "[Profile0]\nName=old\nIsRelative=1\nPath=a.old\nDefault=1\n",
    );
    std::fs::create_dir_all(legacy.join("a.old")).unwrap();
    machine.write(
        &xdg.join("profiles.ini"),
        "[Profile0]\nName=test\nIsRelative=1\nPath=5q83xfrf.test\n",
    );
    std::fs::create_dir_all(xdg.join("5q83xfrf.test")).unwrap();
    let profiles = discover_browser(BrowserId::Firefox, &machine.roots);
    let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["old", "test"]);
    assert!(profiles.iter().all(|p| p.account.kind == AccountKind::None));
}

#[test]
fn an_empty_machine_has_no_profiles() {
    let machine = Machine::new();
    assert!(discover(&machine.roots).profiles.is_empty());
}

/// Every browser file is opened read-only: after discovery and a watcher's
/// life on a machine with every shape above, every file is byte-for-byte and
/// time-for-time what it was, and no file was added or removed.
#[test]
fn browser_files_are_never_written() {
    let machine = edge_machine();
    let chrome = machine.roots.config_home.join("google-chrome");
    machine.write_json(
        &chrome.join("Local State"),
        &json!({"profile": {"info_cache": {"Default": {}}}}),
    );
    machine.write(
        &chrome.join("Default/Preferences"),
        br#"{"account_info": [{"email": "tr"#,
    );
    machine.write(
        &machine.roots.home.join(".mozilla/firefox/profiles.ini"),
        "[Profile0]\nName=x\nPath=x.x\n",
    );
    let opera = machine.roots.config_home.join("opera");
    machine.write(&opera.join("Local State"), b"\xEF\xBB\xBF{}");
    machine.write(&opera.join("Preferences"), b"{\"profile\": 5}");

    let stamps = |machine: &Machine| -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
        machine
            .tree()
            .into_iter()
            .map(|(path, bytes)| {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                (path, (bytes, modified))
            })
            .collect()
    };
    let before = stamps(&machine);
    for _ in 0..3 {
        let snapshot = discover(&machine.roots);
        assert!(snapshot.profiles.len() >= 7, "{snapshot:#?}");
    }
    let watcher = tandem_profiles::watch::ProfileWatcher::start(
        machine.roots.clone(),
        std::time::Duration::from_millis(20),
        |_| {},
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    drop(watcher);
    assert_eq!(stamps(&machine), before);
}
