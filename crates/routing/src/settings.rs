//! The person's routing settings: `rules.toml` in Tandem's settings folder.
//! A documented file meant to be edited by hand as well as by `tandem
//! rules` and the app; edits keep its comments and layout (`toml_edit`).
//!
//! Reading is lenient: a rule Tandem cannot read is shown as invalid and
//! skipped, the others apply. A file that cannot be read at all (broken
//! syntax, written by a newer Tandem) applies nothing, and every link the
//! admin's rules do not decide is asked about until it is fixed: Tandem
//! never guesses what the person meant. Edits refuse such a file rather
//! than replace it, and never write through a link.

use std::path::{Path, PathBuf};

use tandem_files::{DirLock, OwnedDir, OwnedError};
use tandem_profiles::ProfileRef;
use toml_edit::{DocumentMut, Item, Table, value};

use crate::Said;
use crate::pattern::Pattern;
use crate::rules::{Invalid, Layer, Origin, Rule};
use crate::target::Target;
use crate::target::TargetError;

pub const RULES_FILE: &str = "rules.toml";
/// The schema version this Tandem writes and reads.
pub const RULES_VERSION: i64 = 1;
/// No rules file comes near this.
pub const MAX_RULES_BYTES: u64 = 4 * 1024 * 1024;

const TEMPLATE: &str = r#"# Tandem's link rules: which browser profile opens each link.
#
# Tandem reads this file each time a link is opened; edit it by hand, with
# `tandem rules add|remove`, or in the app. Rules are tried in order and the
# first that matches decides. Your organization's managed rules come before
# these; its recommended rules and Tandem's built-in ones come after, so
# yours override them. `tandem rules list` shows them all.
#
# pattern: example.com        that host only (any letter case, default port)
#          *.example.com      its subdomains, not example.com itself
#          example.com/docs   that host, under the path /docs
#          example.com:8443   that host on another port
#          re:https://.*\.example\.com/.*   a regular expression over the
#                             whole link, anchored at both ends
# target:  work, personal     the linked work or personal profile (without a
#                             link: the most recently used one of that kind)
#          edge:Profile 1     one profile, as <browser>:<profile folder>
#          *@contoso.com      the most recently used profile signed in with
#                             an account of that domain
#          ask                show the picker
#
# Example:
#   [[rule]]
#   id = "u1"
#   pattern = "github.com"
#   target = "personal"
#
# The settings below go above the first [[rule]] (TOML reads a key under
# a [[rule]] as part of that rule).
#
# When no rule matches: "ask", or a profile such as "edge:Profile 1". Left
# out, links open where they opened before Tandem was the link handler.
# fallback = "ask"
#
# Outlook and Teams wrap links in Safe Links. Tandem decides by the link
# inside, but opens the wrapped link so Microsoft Defender still checks it
# when you click. Set this to true to open the link inside instead.
# unwrap_before_opening = false

version = 1
"#;

/// What happens to a link no rule decides.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Fallback {
    /// Where the link would have opened without Tandem: the handler Tandem
    /// replaced. Until the person chooses.
    #[default]
    AsBefore,
    Ask,
    Profile(ProfileRef),
}

impl Fallback {
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        match text.trim() {
            "ask" => Ok(Fallback::Ask),
            "as-before" | "default" => Ok(Fallback::AsBefore),
            other => other
                .parse::<ProfileRef>()
                .map(Fallback::Profile)
                .map_err(TargetError::Profile),
        }
    }
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fallback::AsBefore => f.write_str("as-before"),
            Fallback::Ask => f.write_str("ask"),
            Fallback::Profile(profile) => write!(f, "{profile}"),
        }
    }
}

/// The settings as read.
#[derive(Debug, Clone, Default)]
pub struct UserSettings {
    pub rules: Vec<Rule>,
    pub invalid: Vec<Invalid>,
    pub fallback: Fallback,
    pub unwrap_before_opening: bool,
    /// Why nothing in the file applies, if so.
    pub problem: Option<Said>,
    /// Settings Tandem does not know, for the person to see.
    pub ignored: Vec<Said>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "{path} cannot be read ({reason}); fix it by hand (or move it away) before Tandem \
         changes it"
    )]
    Unreadable { path: PathBuf, reason: Said },
    #[error("there is no rule {0} of yours; `tandem rules list` shows the ids")]
    NoSuchRule(String),
    #[error(
        "{path} would grow past {MAX_RULES_BYTES} bytes, more than Tandem reads; remove rules first"
    )]
    Full { path: PathBuf },
    #[error(transparent)]
    Files(#[from] OwnedError),
}

/// The settings file in Tandem's settings folder.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    dir: OwnedDir,
}

/// Line numbers by byte offset, found by a binary search: counting from the
/// start for each rule would make a long file slow to read.
struct Lines(Vec<usize>);

impl Lines {
    fn of(text: &str) -> Self {
        Self(
            text.bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b'\n')
                .map(|(at, _)| at)
                .collect(),
        )
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Reads the settings from the text of `rules.toml`.
pub fn parse(text: &str) -> UserSettings {
    let mut settings = UserSettings::default();
    let document = match toml_edit::Document::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let line = error
                .span()
                .map_or(0, |span| Lines::of(text).line(span.start));
            // The parser's own words: it says best what it could not read.
            let complaint = error
                .message()
                .lines()
                .next()
                .map_or_else(|| Said::new("rules.file.not_toml"), Said::verbatim);
            settings.problem = Some(
                Said::new("rules.file.at_line")
                    .with("line", line.to_string())
                    .with("problem", complaint),
            );
            return settings;
        }
    };
    match document.get("version").map(|item| item.as_integer()) {
        None => {}
        Some(Some(RULES_VERSION)) => {}
        Some(Some(version)) if version > RULES_VERSION => {
            settings.problem =
                Some(Said::new("rules.file.newer").with("version", version.to_string()));
            return settings;
        }
        Some(_) => {
            settings.problem =
                Some(Said::new("rules.file.version").with("version", RULES_VERSION.to_string()));
            return settings;
        }
    }
    for (key, item) in document.iter() {
        match key {
            "version" | "rule" => {}
            "fallback" => match item.as_str().map(Fallback::parse) {
                Some(Ok(fallback)) => settings.fallback = fallback,
                Some(Err(reason)) => settings
                    .ignored
                    .push(Said::new("rules.ignored.fallback").with("problem", reason.said())),
                None => settings
                    .ignored
                    .push(Said::new("rules.ignored.fallback_not_text")),
            },
            "unwrap_before_opening" => match item.as_bool() {
                Some(on) => settings.unwrap_before_opening = on,
                None => settings
                    .ignored
                    .push(Said::new("rules.ignored.unwrap_not_switch")),
            },
            other => settings
                .ignored
                .push(Said::new("rules.ignored.unknown_setting").with("key", other)),
        }
    }
    let Some(rules) = document.get("rule") else {
        return settings;
    };
    let Some(tables) = rules.as_array_of_tables() else {
        settings.problem = Some(Said::new("rules.file.not_tables"));
        return settings;
    };
    let mut ids = std::collections::BTreeSet::new();
    let lines = Lines::of(text);
    for (index, table) in tables.iter().enumerate() {
        let line = table.span().map_or(0, |span| lines.line(span.start));
        let field = |name: &str| table.get(name).and_then(Item::as_str).map(str::to_owned);
        for (key, _) in table.iter() {
            if !matches!(key, "id" | "pattern" | "target" | "account" | "note") {
                settings.ignored.push(
                    Said::new("rules.ignored.unknown_rule_key")
                        .with("line", line.to_string())
                        .with("key", key),
                );
            }
        }
        let id = match table.get("id") {
            None => format!("u{}", index + 1),
            Some(item) => item.as_str().unwrap_or("").to_owned(),
        };
        let pattern_text = field("pattern").unwrap_or_default();
        let target_text = field("target").unwrap_or_default();
        let invalid = |reason: Said| Invalid {
            id: id.clone(),
            layer: Layer::User,
            pattern: pattern_text.clone(),
            target: target_text.clone(),
            origin: Origin::File { line },
            reason,
        };
        // `pattern = 42` is not an empty pattern: say what is wrong with it.
        if let Some(key) = ["id", "pattern", "target", "account", "note"]
            .into_iter()
            .find(|key| table.get(key).is_some_and(|item| item.as_str().is_none()))
        {
            let example = match key {
                "pattern" => "example.com",
                "target" => "work",
                "id" => "mine",
                _ => "…",
            };
            settings.invalid.push(invalid(
                Said::new("rule.invalid.not_text")
                    .with("key", key)
                    .with("example", example),
            ));
            continue;
        }
        if !is_valid_id(&id) {
            settings.invalid.push(invalid(Said::new("rule.invalid.id")));
            continue;
        }
        if !ids.insert(id.clone()) {
            settings.invalid.push(invalid(
                Said::new("rule.invalid.id_taken").with("id", id.as_str()),
            ));
            continue;
        }
        let pattern = match Pattern::parse(&pattern_text) {
            Ok(pattern) => pattern,
            Err(error) => {
                settings.invalid.push(invalid(
                    Said::new("rule.invalid.pattern").with("problem", error.said()),
                ));
                continue;
            }
        };
        let target = match Target::parse(&target_text) {
            Ok(target) => target,
            Err(error) => {
                settings.invalid.push(invalid(
                    Said::new("rule.invalid.target").with("problem", error.said()),
                ));
                continue;
            }
        };
        settings.rules.push(Rule {
            id,
            layer: Layer::User,
            pattern,
            target,
            origin: Origin::File { line },
            account: field("account"),
        });
    }
    settings
}

impl SettingsFile {
    pub fn new(config_dir: &Path) -> Self {
        Self {
            dir: OwnedDir::new(config_dir),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path_of(RULES_FILE)
    }

    /// The settings, for a decision: a link to the file is followed (as for
    /// any settings file the person may keep elsewhere), only to a regular
    /// file, never waited on.
    pub fn load(&self) -> UserSettings {
        match tandem_files::read_regular(&self.path(), MAX_RULES_BYTES) {
            Ok(None) => UserSettings::default(),
            Ok(Some(bytes)) => match String::from_utf8(bytes) {
                Ok(text) => parse(&text),
                Err(_) => UserSettings {
                    problem: Some(Said::new("rules.file.not_utf8")),
                    ..UserSettings::default()
                },
            },
            Err(error) => UserSettings {
                problem: Some(error.said()),
                ..UserSettings::default()
            },
        }
    }

    fn unreadable(&self, reason: Said) -> SettingsError {
        SettingsError::Unreadable {
            path: self.path(),
            reason,
        }
    }

    /// The file's document, for an edit, read without following a link:
    /// an edit writes only Tandem's own regular file.
    fn document(&self, _lock: &DirLock) -> Result<DocumentMut, SettingsError> {
        let unreadable = |reason: Said| self.unreadable(reason);
        let text = match self.dir.read(RULES_FILE, MAX_RULES_BYTES)? {
            None => TEMPLATE.to_owned(),
            Some(bytes) => String::from_utf8(bytes)
                .map_err(|_| unreadable(Said::new("rules.file.not_utf8")))?,
        };
        let parsed = parse(&text);
        if let Some(problem) = parsed.problem {
            return Err(unreadable(problem));
        }
        text.parse::<DocumentMut>()
            .map_err(|error| unreadable(Said::verbatim(error.message())))
    }

    fn edit<T>(
        &self,
        change: impl FnOnce(&mut DocumentMut) -> Result<T, SettingsError>,
    ) -> Result<T, SettingsError> {
        let lock = self.dir.lock(tandem_files::LOCK_WAIT)?;
        let mut document = self.document(&lock)?;
        let result = change(&mut document)?;
        let text = document.to_string();
        if text.len() as u64 > MAX_RULES_BYTES {
            return Err(SettingsError::Full { path: self.path() });
        }
        self.dir
            .write_atomically(&lock, RULES_FILE, text.as_bytes())?;
        Ok(result)
    }

    /// Appends a rule of the person's, and returns it as it now reads.
    pub fn add(
        &self,
        pattern: &Pattern,
        target: &Target,
        account: Option<&str>,
    ) -> Result<Rule, SettingsError> {
        self.edit(|document| {
            let tables = rule_tables(document).map_err(|reason| self.unreadable(reason))?;
            let id = name_every_rule(tables);
            let mut table = Table::new();
            table.insert("id", value(id.clone()));
            table.insert("pattern", value(pattern.to_string()));
            table.insert("target", value(target.to_string()));
            if let Some(account) = account {
                table.insert("account", value(account));
            }
            tables.push(table);
            Ok(Rule {
                id,
                layer: Layer::User,
                pattern: pattern.clone(),
                target: target.clone(),
                origin: Origin::File { line: 0 },
                account: account.map(str::to_owned),
            })
        })
    }

    /// Removes the person's rule `id` (also one Tandem could not read).
    /// Returns the text of its pattern.
    pub fn remove(&self, id: &str) -> Result<String, SettingsError> {
        self.edit(|document| {
            let tables = rule_tables(document).map_err(|reason| self.unreadable(reason))?;
            name_every_rule(tables);
            let index = tables
                .iter()
                .position(|table| table.get("id").and_then(Item::as_str) == Some(id))
                .ok_or_else(|| SettingsError::NoSuchRule(id.to_owned()))?;
            let removed = tables.remove(index);
            Ok(removed
                .get("pattern")
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_owned())
        })
    }

    /// Removes the recorded account of every rule whose profile held an
    /// account of `kind` (`personal`): the fingerprint is derived from the
    /// address, so it goes when the person's personal data does. Whether
    /// the file changed.
    pub fn forget_accounts_of(&self, kind: &str) -> Result<bool, SettingsError> {
        if !self.dir.is_file(RULES_FILE) {
            return Ok(false);
        }
        let prefix = format!("{kind}:");
        self.edit(|document| {
            let mut changed = false;
            if let Some(tables) = document
                .get_mut("rule")
                .and_then(Item::as_array_of_tables_mut)
            {
                for table in tables.iter_mut() {
                    if table
                        .get("account")
                        .and_then(Item::as_str)
                        .is_some_and(|account| account.starts_with(&prefix))
                    {
                        table.remove("account");
                        changed = true;
                    }
                }
            }
            Ok(changed)
        })
    }

    pub fn set_fallback(&self, fallback: &Fallback) -> Result<(), SettingsError> {
        self.edit(|document| {
            match fallback {
                Fallback::AsBefore => {
                    document.remove("fallback");
                }
                other => set_top_level(document, "fallback", value(other.to_string())),
            }
            Ok(())
        })
    }

    pub fn set_unwrap_before_opening(&self, on: bool) -> Result<(), SettingsError> {
        self.edit(|document| {
            set_top_level(document, "unwrap_before_opening", value(on));
            Ok(())
        })
    }
}

/// Sets a top-level key, keeping it above the `[[rule]]` tables.
fn set_top_level(document: &mut DocumentMut, key: &str, item: Item) {
    document.insert(key, item);
}

fn rule_tables(document: &mut DocumentMut) -> Result<&mut toml_edit::ArrayOfTables, Said> {
    document
        .entry("rule")
        .or_insert(Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| Said::new("rules.file.not_tables"))
}

/// Writes the id every rule is known by into the rules that have none (so
/// ids stay stable once the file changes), and returns a new free id.
fn name_every_rule(tables: &mut toml_edit::ArrayOfTables) -> String {
    let mut taken = std::collections::BTreeSet::new();
    let mut highest: u64 = tables.len() as u64;
    for (index, table) in tables.iter_mut().enumerate() {
        if table.get("id").is_none() {
            let id = format!("u{}", index + 1);
            // Before the other keys, where a person looks for it.
            table.insert("id", value(id));
            table.sort_values_by(|a, _, b, _| (b.get() == "id").cmp(&(a.get() == "id")));
        }
        if let Some(id) = table.get("id").and_then(Item::as_str) {
            taken.insert(id.to_owned());
            if let Some(number) = id.strip_prefix('u').and_then(|n| n.parse::<u64>().ok()) {
                highest = highest.max(number);
            }
        }
    }
    let mut next = highest.saturating_add(1);
    while taken.contains(&format!("u{next}")) || next == u64::MAX {
        next = if next == u64::MAX { 1 } else { next + 1 };
    }
    format!("u{next}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_as_empty_settings() {
        let settings = parse(TEMPLATE);
        assert_eq!(settings.problem, None);
        assert!(settings.rules.is_empty() && settings.invalid.is_empty());
        assert_eq!(settings.fallback, Fallback::AsBefore);
        assert!(settings.ignored.is_empty());
    }

    #[test]
    fn a_bad_rule_is_shown_and_the_others_apply() {
        let settings = parse(
            "version = 1\nfallback = \"ask\"\n\n[[rule]]\npattern = \"github.com\"\ntarget = \"work\"\n\n[[rule]]\npattern = \"a.*.com\"\ntarget = \"work\"\n\n[[rule]]\nid = \"mine\"\npattern = \"example.com\"\ntarget = \"netscape:x\"\n",
        );
        assert_eq!(settings.problem, None);
        assert_eq!(settings.fallback, Fallback::Ask);
        assert_eq!(settings.rules.len(), 1);
        assert_eq!(settings.rules[0].id, "u1");
        assert_eq!(settings.rules[0].origin, Origin::File { line: 4 });
        let ids: Vec<_> = settings.invalid.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["u2", "mine"]);
    }

    #[test]
    fn a_value_that_is_not_text_is_named_as_such() {
        let settings = parse(
            "version = 1\n[[rule]]\npattern = 42\ntarget = \"work\"\n\n[[rule]]\npattern = \"a.example\"\ntarget = [\"work\"]\n",
        );
        assert!(settings.rules.is_empty());
        let reasons: Vec<_> = settings
            .invalid
            .iter()
            .map(|i| i.reason.to_string())
            .collect();
        assert_eq!(
            reasons,
            [
                "pattern must be text in quotes, as in pattern = \"example.com\"",
                "target must be text in quotes, as in target = \"work\"",
            ]
        );
    }

    #[test]
    fn a_setting_written_under_a_rule_is_reported() {
        let settings = parse(
            "version = 1\n[[rule]]\npattern = \"a.example\"\ntarget = \"ask\"\nfallback = \"ask\"\n",
        );
        assert_eq!(settings.fallback, Fallback::AsBefore);
        assert!(
            settings.ignored[0]
                .to_string()
                .contains("\"fallback\" is not a key of a rule"),
            "{:?}",
            settings.ignored
        );
    }

    #[test]
    fn ids_never_overflow_or_repeat() {
        let root = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(root.path());
        std::fs::write(
            file.path(),
            "version = 1\n[[rule]]\nid = \"u18446744073709551615\"\npattern = \"a.example\"\ntarget = \"ask\"\n",
        )
        .unwrap();
        let added = file
            .add(&Pattern::parse("b.example").unwrap(), &Target::Ask, None)
            .unwrap();
        assert_ne!(added.id, "u18446744073709551615");
        assert_eq!(file.load().invalid, Vec::new());
    }

    #[test]
    fn a_file_that_cannot_be_read_applies_nothing() {
        let broken = parse("version = 1\n[[rule]\npattern = \"x\"\n");
        assert!(broken.problem.unwrap().to_string().starts_with("line 2"));
        let newer = parse("version = 2\n");
        let newer = newer.problem.unwrap();
        assert!(newer.to_string().contains("newer Tandem"));
        assert!(
            newer
                .in_language(tandem_policy::Language::Nl)
                .contains("nieuwere Tandem"),
            "{newer:?}"
        );
    }

    #[test]
    fn edits_keep_the_persons_comments_and_name_every_rule() {
        let root = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(root.path());
        std::fs::write(
            file.path(),
            "# my rules\nversion = 1\n\n[[rule]]\n# the forge\npattern = \"github.com\"\ntarget = \"work\"\n",
        )
        .unwrap();
        let added = file
            .add(
                &Pattern::parse("*.example.com").unwrap(),
                &Target::Ask,
                None,
            )
            .unwrap();
        assert_eq!(added.id, "u2");
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.starts_with("# my rules\nversion = 1\n"), "{text}");
        assert!(text.contains("# the forge"), "{text}");
        assert!(text.contains("id = \"u1\""), "{text}");
        let settings = parse(&text);
        assert_eq!(settings.rules.len(), 2);
        assert_eq!(file.remove("u1").unwrap(), "github.com");
        assert!(matches!(
            file.remove("u1"),
            Err(SettingsError::NoSuchRule(_))
        ));
        file.set_fallback(&Fallback::Ask).unwrap();
        let settings = file.load();
        assert_eq!(settings.fallback, Fallback::Ask);
        assert_eq!(settings.rules.len(), 1);
        assert_eq!(settings.rules[0].id, "u2");
        file.add(
            &Pattern::parse("home.example").unwrap(),
            &Target::Ask,
            Some("personal::0123456789ab"),
        )
        .unwrap();
        assert!(file.forget_accounts_of("personal").unwrap());
        assert!(
            !std::fs::read_to_string(file.path())
                .unwrap()
                .contains("0123456789ab")
        );
        assert!(!file.forget_accounts_of("personal").unwrap());
    }

    #[test]
    fn an_edit_refuses_a_file_it_cannot_read() {
        let root = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(root.path());
        std::fs::write(file.path(), "version = [\n").unwrap();
        let error = file
            .add(&Pattern::parse("a.example").unwrap(), &Target::Ask, None)
            .unwrap_err();
        assert!(matches!(error, SettingsError::Unreadable { .. }), "{error}");
        assert_eq!(
            std::fs::read_to_string(file.path()).unwrap(),
            "version = [\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_edit_never_writes_through_a_link() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = root.path().join("elsewhere.toml");
        std::fs::write(&elsewhere, "version = 1\n").unwrap();
        let config = root.path().join("config");
        std::fs::create_dir(&config).unwrap();
        std::os::unix::fs::symlink(&elsewhere, config.join(RULES_FILE)).unwrap();
        let file = SettingsFile::new(&config);
        // Read through the link, as settings files often are…
        assert_eq!(file.load().problem, None);
        // …but never written through it.
        assert!(
            file.add(&Pattern::parse("a.example").unwrap(), &Target::Ask, None)
                .is_err()
        );
        assert_eq!(
            std::fs::read_to_string(&elsewhere).unwrap(),
            "version = 1\n"
        );
    }
}
