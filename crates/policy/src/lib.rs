//! What the admin decided about linking, read from the standard policy places
//! with where each value came from:
//!
//! - Linux: JSON files in `/etc/…/policies/{managed,recommended}` (machine).
//! - macOS: the managed-preferences plists in `/Library/Managed Preferences`
//!   (machine) and `/Library/Managed Preferences/<user>` (user), all managed.
//! - Windows: `HKLM` (machine) and `HKCU` (user) `SOFTWARE\Policies\…`, with
//!   a `Recommended` subkey for recommended values.
//!
//! Every system path is resolved under the system root, so the Linux and
//! macOS readers run on a fake machine in tests; the Windows reader's
//! decoding is tested on every OS, its registry access only on Windows.
//!
//! Rules, as Chromium applies them:
//! - Managed beats recommended, then machine beats user; within one level
//!   and scope, files apply in name order and a later file overrides an
//!   earlier one (Chromium documents no order, so Tandem picks a stable one
//!   and reports every source).
//! - A malformed policy source fails closed: linking is off for what it
//!   governs, with the source named as the reason, until it is fixed.
//! - Edge's `LinkedAccountEnabled` governs links of that browser's profiles;
//!   Tandem's `LinkingEnabled` is the global switch.

pub mod declared;
mod macos;
pub mod templates;
pub mod watch;
pub mod windows;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
pub use tandem_i18n::{Language, Said};
use tandem_locations::{Locations, Platform};

/// Tandem's own global switch.
pub const TANDEM_LINKING: &str = declared::LINKING_ENABLED.name;
/// Tandem's rules for which profile opens a link.
pub const TANDEM_ROUTING_RULES: &str = declared::ROUTING_RULES.name;
/// Edge's list of sites and the profile each opens in.
pub const EDGE_SITE_LIST: &str = "AutomaticProfileSwitchingSiteList";
/// Edge's policy for linking a personal account to a work profile.
pub const EDGE_LINKED_ACCOUNT: &str = "LinkedAccountEnabled";

/// Who publishes a policy file tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Publisher {
    Tandem,
    Edge,
    Chrome,
    Chromium,
}

impl Publisher {
    pub const ALL: [Publisher; 4] = [
        Publisher::Tandem,
        Publisher::Edge,
        Publisher::Chrome,
        Publisher::Chromium,
    ];

    /// The publisher by the name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Publisher::Tandem => "Tandem",
            Publisher::Edge => "Microsoft Edge",
            Publisher::Chrome => "Google Chrome",
            Publisher::Chromium => "Chromium",
        }
    }

    /// The policy folder as the OS documents it (Linux).
    pub fn linux_root(self) -> &'static str {
        match self {
            Publisher::Tandem => "/etc/tandem/policies",
            Publisher::Edge => "/etc/opt/edge/policies",
            Publisher::Chrome => "/etc/opt/chrome/policies",
            Publisher::Chromium => "/etc/chromium/policies",
        }
    }

    /// The policy that switches linking off for this publisher's profiles.
    pub fn linking_policy(self) -> Option<&'static str> {
        match self {
            Publisher::Tandem => Some(TANDEM_LINKING),
            Publisher::Edge => Some(EDGE_LINKED_ACCOUNT),
            Publisher::Chrome | Publisher::Chromium => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Recommended,
    Managed,
}

/// Whom a policy source applies to. Ordered so that the stronger is greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    User,
    Machine,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub publisher: Publisher,
    pub level: Level,
    pub scope: Scope,
    /// The file, or the registry key, that holds it.
    pub location: String,
}

impl Source {
    /// Which source wins when two set the same policy: the greater.
    fn rank(&self) -> (Level, Scope) {
        (self.level, self.scope)
    }
}

/// One policy's effective value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    pub value: serde_json::Value,
    pub source: Source,
}

/// A policy file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub source: Source,
    pub reason: Said,
}

/// Everything read, per publisher.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PolicySet {
    /// The effective value of each policy: managed beats recommended.
    pub settings: BTreeMap<Publisher, BTreeMap<String, Setting>>,
    /// The strongest recommended value of each policy, even where a managed
    /// one wins: a list policy (routing rules) applies at both levels.
    #[serde(skip)]
    pub recommended: BTreeMap<Publisher, BTreeMap<String, Setting>>,
    pub problems: Vec<Problem>,
}

/// Whether linking is allowed for one scope. A refusal always carries its
/// reason and the source that decided it: one without cannot be built, so
/// nothing (a lock gone bad, an unread file) can turn into "allowed" or a
/// silent "no".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Allowed,
    Forbidden { reason: Said, source: Source },
}

impl Decision {
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allowed)
    }

    /// Why linking is off, for people.
    pub fn reason(&self) -> Option<&Said> {
        match self {
            Decision::Allowed => None,
            Decision::Forbidden { reason, .. } => Some(reason),
        }
    }

    /// The file or registry key that turned linking off.
    pub fn source(&self) -> Option<&Source> {
        match self {
            Decision::Allowed => None,
            Decision::Forbidden { source, .. } => Some(source),
        }
    }
}

fn linux_folder(publisher: Publisher, level: Level) -> String {
    let folder = match level {
        Level::Recommended => "recommended",
        Level::Managed => "managed",
    };
    format!("{}/{folder}", publisher.linux_root())
}

impl PolicySet {
    /// Reads every publisher's policies from this OS's standard places.
    pub fn read(locations: &Locations) -> Self {
        match Platform::current() {
            Platform::Linux => Self::read_linux(locations),
            Platform::MacOs => macos::read(locations, &macos::current_user()),
            Platform::Windows => windows::read(),
        }
    }

    /// What the Windows reader makes of one policy key's values (name,
    /// registry type, bytes) at `level`, on any OS: for tools and tests
    /// that hold the values an ADMX writes.
    pub fn from_registry_values(
        publisher: Publisher,
        level: Level,
        values: impl IntoIterator<Item = (String, u32, Vec<u8>)>,
    ) -> Self {
        let mut set = PolicySet::default();
        windows::apply_key(
            &mut set,
            publisher,
            level,
            Scope::Machine,
            windows::key_path(publisher, level),
            values,
        );
        set
    }

    /// What the macOS reader makes of one managed-preferences property
    /// list (XML or binary), on any OS.
    pub fn from_plist(publisher: Publisher, bytes: &[u8]) -> Self {
        let mut set = PolicySet::default();
        let source = Source {
            publisher,
            level: Level::Managed,
            scope: Scope::Machine,
            location: "(property list)".into(),
        };
        match macos::parse(bytes) {
            Ok(values) => set.apply(&source, values),
            Err(reason) => set.problem(source, reason),
        }
        set
    }

    /// The Linux JSON policy folders under the system root.
    pub fn read_linux(locations: &Locations) -> Self {
        let mut set = PolicySet::default();
        for publisher in Publisher::ALL {
            for level in [Level::Recommended, Level::Managed] {
                let Ok(dir) = locations.system_path(&linux_folder(publisher, level)) else {
                    continue;
                };
                set.read_folder(publisher, level, &dir);
            }
        }
        set
    }

    /// The macOS managed preferences under the system root, for `user`.
    pub fn read_macos(locations: &Locations, user: &str) -> Self {
        macos::read(locations, user)
    }

    /// The folders whose files `read` looks at on this OS (none on Windows,
    /// where policy lives in the registry).
    pub fn watched_folders(locations: &Locations) -> Vec<PathBuf> {
        match Platform::current() {
            Platform::Linux => Publisher::ALL
                .into_iter()
                .flat_map(|publisher| {
                    [Level::Managed, Level::Recommended]
                        .map(|level| locations.system_path(&linux_folder(publisher, level)))
                })
                .filter_map(Result::ok)
                .collect(),
            Platform::MacOs => macos::folders(locations, &macos::current_user()),
            Platform::Windows => Vec::new(),
        }
    }

    /// Records one source's values. A value replaces an earlier one unless
    /// the earlier came from a stronger source.
    fn apply(&mut self, source: &Source, values: serde_json::Map<String, serde_json::Value>) {
        if source.level == Level::Recommended {
            let recommended = self.recommended.entry(source.publisher).or_default();
            for (name, value) in &values {
                if recommended
                    .get(name)
                    .is_some_and(|existing| existing.source.rank() > source.rank())
                {
                    continue;
                }
                recommended.insert(
                    name.clone(),
                    Setting {
                        value: value.clone(),
                        source: source.clone(),
                    },
                );
            }
        }
        let settings = self.settings.entry(source.publisher).or_default();
        for (name, value) in values {
            if settings
                .get(&name)
                .is_some_and(|existing| existing.source.rank() > source.rank())
            {
                continue;
            }
            settings.insert(
                name,
                Setting {
                    value,
                    source: source.clone(),
                },
            );
        }
    }

    fn problem(&mut self, source: Source, reason: Said) {
        // The decision carries the reason to the person. Policy is read
        // again every second while Tandem runs: the watcher logs a problem
        // at info once, when it appears (`watch::log_new_problems`).
        tracing::debug!(location = %source.location, "policy source {reason}");
        self.problems.push(Problem { source, reason });
    }

    fn read_folder(&mut self, publisher: Publisher, level: Level, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            // Nothing there: no policy. A link to nowhere is not nothing: it
            // may stand for a folder that holds a "no".
            Err(error)
                if error.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(dir).is_err() =>
            {
                return;
            }
            // A folder that exists but cannot be read may hold a "no".
            Err(error) => {
                let source = Source {
                    publisher,
                    level,
                    scope: Scope::Machine,
                    location: dir.display().to_string(),
                };
                self.problem(source, unreadable(error));
                return;
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        for file in files {
            let source = Source {
                publisher,
                level,
                scope: Scope::Machine,
                location: file.display().to_string(),
            };
            let parsed = read_policy_file(&file).and_then(|bytes| {
                let bytes = bytes
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(&bytes)
                    .to_vec();
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(
                    &as_strict_json(&bytes),
                )
                .map_err(|error| {
                    Said::new("policy.problem.not_json").with("detail", error.to_string())
                })
            });
            match parsed {
                Ok(values) => self.apply(&source, values),
                Err(reason) => self.problem(source, reason),
            }
        }
    }

    /// The effective value of a policy. Tandem reads only the policies of
    /// its own it declares (`declared.rs`), so the templates admins are given
    /// cover everything it obeys: reading another is a bug a test catches.
    pub fn get(&self, publisher: Publisher, name: &str) -> Option<&Setting> {
        debug_assert!(
            publisher != Publisher::Tandem || declared::find(name).is_some(),
            "the policy {name} is read but not declared in declared.rs"
        );
        self.settings.get(&publisher)?.get(name)
    }

    /// The value of a policy at one level only: the managed value, or the
    /// recommended one even where a managed value overrides it.
    pub fn get_at(&self, publisher: Publisher, name: &str, level: Level) -> Option<&Setting> {
        match level {
            Level::Managed => self
                .get(publisher, name)
                .filter(|setting| setting.source.level == Level::Managed),
            Level::Recommended => {
                debug_assert!(
                    publisher != Publisher::Tandem || declared::find(name).is_some(),
                    "the policy {name} is read but not declared in declared.rs"
                );
                self.recommended.get(&publisher)?.get(name)
            }
        }
    }

    /// The sources of one publisher at one level that could not be read:
    /// any of them may hold a value Tandem cannot see.
    pub fn problems_at(
        &self,
        publisher: Publisher,
        level: Level,
    ) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |problem| {
            problem.source.publisher == publisher && problem.source.level == level
        })
    }

    /// Whether `publisher`'s policy lets Tandem link. Only `false` turns it off;
    /// a value of another type, or an unreadable file, fails closed.
    pub fn linking(&self, publisher: Publisher) -> Decision {
        if let Some(problem) = self
            .problems
            .iter()
            .find(|p| p.source.publisher == publisher)
        {
            return Decision::Forbidden {
                reason: Said::new("policy.reason.source_broken")
                    .with("location", &problem.source.location)
                    .with("problem", problem.reason.clone()),
                source: problem.source.clone(),
            };
        }
        let Some(name) = publisher.linking_policy() else {
            return Decision::Allowed;
        };
        match self.get(publisher, name) {
            None => Decision::Allowed,
            Some(setting) => match as_switch(&setting.value) {
                Some(true) => Decision::Allowed,
                Some(false) => Decision::Forbidden {
                    reason: Said::new("policy.reason.off")
                        .with("name", name)
                        .with("location", &setting.source.location),
                    source: setting.source.clone(),
                },
                None => Decision::Forbidden {
                    reason: Said::new("policy.reason.not_a_switch")
                        .with("name", name)
                        .with("location", &setting.source.location),
                    source: setting.source.clone(),
                },
            },
        }
    }
}

/// No policy file comes near this; a larger one is refused (and so fails closed).
pub(crate) const MAX_POLICY_BYTES: u64 = 16 * 1024 * 1024;

/// The bytes of a policy file: only a regular file, never waited on, at most
/// [`MAX_POLICY_BYTES`]. A file that is listed but gone by now is empty;
/// a link to nowhere is not nothing (it may stand for a file that holds a
/// "no"), as for the folders.
pub(crate) fn read_policy_file(path: &Path) -> Result<Vec<u8>, Said> {
    match tandem_files::read_regular(path, MAX_POLICY_BYTES) {
        Ok(None) if std::fs::symlink_metadata(path).is_ok() => {
            Err(Said::new("policy.problem.dangling_link"))
        }
        Ok(bytes) => Ok(bytes.unwrap_or_else(|| b"{}".to_vec())),
        // Says itself what the file is instead ("is a named pipe …").
        Err(error) => Err(error.said()),
    }
}

/// A policy source that exists but cannot be read, with what the OS said.
pub(crate) fn unreadable(error: impl std::fmt::Display) -> Said {
    Said::new("policy.problem.unreadable").with("detail", error.to_string())
}

/// Policy JSON as Chromium reads it, made strict: Chromium (and so Edge)
/// accepts `//` and `/* */` comments and a comma before `}` or `]` in its
/// policy files, so a file Edge obeys is one Tandem reads too. Strings are
/// copied as they are; what is not JSON stays so, and fails as before.
fn as_strict_json(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    let mut in_string = false;
    // Where a comma was written, until something other than blanks follows.
    let mut pending_comma: Option<usize> = None;
    while at < bytes.len() {
        let byte = bytes[at];
        if in_string {
            out.push(byte);
            if byte == b'\\' && at + 1 < bytes.len() {
                out.push(bytes[at + 1]);
                at += 2;
                continue;
            }
            if byte == b'"' {
                in_string = false;
            }
            at += 1;
            continue;
        }
        match byte {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
                continue;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at += 2;
                while at + 1 < bytes.len() && !(bytes[at] == b'*' && bytes[at + 1] == b'/') {
                    at += 1;
                }
                at += 2;
                continue;
            }
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take() {
                    out[comma] = b' ';
                }
            }
            b',' => pending_comma = Some(out.len()),
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => pending_comma = None,
        }
        if byte == b'"' {
            in_string = true;
            pending_comma = None;
        }
        out.push(byte);
        at += 1;
    }
    out
}

/// A boolean policy's value. The registry and plists store booleans as the
/// integers 0 and 1 too, which Chromium accepts, so Tandem does.
fn as_switch(value: &serde_json::Value) -> Option<bool> {
    match value {
        serde_json::Value::Bool(on) => Some(*on),
        serde_json::Value::Number(number) => match number.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> (tempfile::TempDir, Locations) {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        (root, locations)
    }

    fn write(locations: &Locations, path: &str, text: &str) {
        let path = locations.system_path(path).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn no_policy_allows_linking() {
        let (_root, locations) = machine();
        let set = PolicySet::read_linux(&locations);
        assert!(set.linking(Publisher::Tandem).allowed());
        assert!(set.linking(Publisher::Edge).allowed());
    }

    #[test]
    fn managed_beats_recommended() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/opt/edge/policies/recommended/r.json",
            r#"{"LinkedAccountEnabled": true}"#,
        );
        write(
            &locations,
            "/etc/opt/edge/policies/managed/m.json",
            r#"{"LinkedAccountEnabled": false}"#,
        );
        let set = PolicySet::read_linux(&locations);
        let decision = set.linking(Publisher::Edge);
        assert!(!decision.allowed());
        assert!(
            decision
                .reason()
                .unwrap()
                .to_string()
                .contains("managed/m.json")
        );
        assert_eq!(
            set.get(Publisher::Edge, EDGE_LINKED_ACCOUNT)
                .unwrap()
                .source
                .level,
            Level::Managed
        );
        // Tandem's own switch is untouched by Edge's.
        assert!(set.linking(Publisher::Tandem).allowed());
    }

    #[test]
    fn a_recommended_value_stays_readable_beside_a_managed_one() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/tandem/policies/recommended/r.json",
            r#"{"RoutingRules": [{"pattern": "a.example", "target": "work"}]}"#,
        );
        write(
            &locations,
            "/etc/tandem/policies/managed/m.json",
            r#"{"RoutingRules": [{"pattern": "b.example", "target": "ask"}]}"#,
        );
        let set = PolicySet::read_linux(&locations);
        let managed = set
            .get_at(Publisher::Tandem, TANDEM_ROUTING_RULES, Level::Managed)
            .unwrap();
        assert!(managed.source.location.ends_with("m.json"));
        let recommended = set
            .get_at(Publisher::Tandem, TANDEM_ROUTING_RULES, Level::Recommended)
            .unwrap();
        assert!(recommended.source.location.ends_with("r.json"));
        assert_eq!(recommended.value[0]["pattern"], "a.example");
        assert!(
            set.get_at(Publisher::Edge, EDGE_SITE_LIST, Level::Managed)
                .is_none()
        );
    }

    #[test]
    fn recommended_applies_when_nothing_is_managed() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/tandem/policies/recommended/a.json",
            r#"{"LinkingEnabled": false}"#,
        );
        assert!(
            !PolicySet::read_linux(&locations)
                .linking(Publisher::Tandem)
                .allowed()
        );
    }

    #[test]
    fn later_files_override_earlier_ones_in_a_folder() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/tandem/policies/managed/10-base.json",
            r#"{"LinkingEnabled": false}"#,
        );
        write(
            &locations,
            "/etc/tandem/policies/managed/20-site.json",
            r#"{"LinkingEnabled": true}"#,
        );
        write(
            &locations,
            "/etc/tandem/policies/managed/notes.txt",
            "ignored",
        );
        let set = PolicySet::read_linux(&locations);
        assert!(set.linking(Publisher::Tandem).allowed());
        assert!(
            set.get(Publisher::Tandem, TANDEM_LINKING)
                .unwrap()
                .source
                .location
                .ends_with("20-site.json")
        );
    }

    #[test]
    fn malformed_policy_fails_closed_with_the_file_named() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/tandem/policies/managed/broken.json",
            r#"{"LinkingEnabled": tru"#,
        );
        let decision = PolicySet::read_linux(&locations).linking(Publisher::Tandem);
        assert!(!decision.allowed());
        let reason = decision.reason().unwrap().to_string();
        assert!(reason.contains("broken.json"), "{reason}");
        assert!(reason.contains("until it is fixed"), "{reason}");
    }

    #[test]
    fn files_edge_accepts_with_comments_and_trailing_commas_are_read() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/opt/edge/policies/managed/edge.json",
            "// set by IT\n{\n  \"HomepageLocation\": \"https://intranet/ // not a comment\", /* old */\n  \"LinkedAccountEnabled\": false,\n  \"List\": [1, 2,],\n}\n",
        );
        let set = PolicySet::read_linux(&locations);
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(
            set.get(Publisher::Edge, "HomepageLocation").unwrap().value,
            "https://intranet/ // not a comment"
        );
        assert!(!set.linking(Publisher::Edge).allowed());
        assert_eq!(
            as_strict_json(br#"{"a": "x\",/*", "b": [1,2,]}"#),
            br#"{"a": "x\",/*", "b": [1,2 ]}"#
        );
    }

    #[test]
    fn a_wrong_type_fails_closed() {
        let (_root, locations) = machine();
        write(
            &locations,
            "/etc/opt/edge/policies/managed/p.json",
            r#"{"LinkedAccountEnabled": "no"}"#,
        );
        let decision = PolicySet::read_linux(&locations).linking(Publisher::Edge);
        assert!(!decision.allowed());
        assert!(
            decision
                .reason()
                .unwrap()
                .to_string()
                .contains("not true or false")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_policy_folder_that_is_a_link_to_nowhere_fails_closed() {
        let (root, locations) = machine();
        let dir = locations
            .system_path("/etc/tandem/policies/managed")
            .unwrap();
        std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(root.path().join("unmounted"), &dir).unwrap();
        let decision = PolicySet::read_linux(&locations).linking(Publisher::Tandem);
        assert!(!decision.allowed());
        assert!(decision.reason().unwrap().to_string().contains("managed"));
    }

    #[cfg(unix)]
    #[test]
    fn a_policy_file_that_is_a_link_to_nowhere_fails_closed() {
        let (root, locations) = machine();
        let dir = locations
            .system_path("/etc/tandem/policies/managed")
            .unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(root.path().join("unmounted.json"), dir.join("m.json")).unwrap();
        let set = PolicySet::read_linux(&locations);
        let decision = set.linking(Publisher::Tandem);
        assert!(!decision.allowed());
        let reason = decision.reason().unwrap().to_string();
        assert!(
            reason.contains("m.json is a link to a file that does not exist"),
            "{reason}"
        );
    }

    #[test]
    fn policy_files_outside_the_root_are_never_read() {
        let (root, locations) = machine();
        assert!(
            locations
                .system_path("/etc/opt/edge/policies/managed")
                .unwrap()
                .starts_with(root.path())
        );
    }
}
