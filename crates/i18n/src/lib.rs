//! Tandem's words in English and Dutch.
//!
//! **Invariant:** every user-facing sentence lives in one catalogue per
//! language (`catalogues/en.json`, `catalogues/nl.json`), keyed, with
//! `{name}` placeholders. The window imports the same files; the tray, the
//! notifications and the CLI read them through this crate. A test fails
//! when a key is missing from one catalogue, or a placeholder differs.
//!
//! The language is the person's choice (kept by the app's settings), else
//! the OS locale (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`), else English.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Nl,
}

const EN: &str = include_str!("../catalogues/en.json");
const NL: &str = include_str!("../catalogues/nl.json");

type Catalogue = HashMap<String, String>;

fn parse(text: &str) -> Catalogue {
    serde_json::from_str(text).unwrap_or_default()
}

fn catalogue(language: Language) -> &'static Catalogue {
    static EN_CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    static NL_CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    match language {
        Language::En => EN_CATALOGUE.get_or_init(|| parse(EN)),
        Language::Nl => NL_CATALOGUE.get_or_init(|| parse(NL)),
    }
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
        }
    }

    /// The language a locale or language tag names (`nl`, `nl_BE.UTF-8`,
    /// `nl-NL`), if Tandem speaks it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::En),
            "nl" => Some(Language::Nl),
            _ => None,
        }
    }

    /// The OS locale's language, as `gettext` reads it: the first of
    /// `LANGUAGE` (a `:` list) Tandem speaks, else `LC_ALL`, `LC_MESSAGES`,
    /// `LANG`; English when none is set or Tandem does not speak it.
    pub fn from_environment() -> Self {
        Self::from_variables(|name| std::env::var(name).ok())
    }

    /// [`Language::from_environment`] over any source of variables.
    pub fn from_variables(get: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| get(name).filter(|value| !value.is_empty());
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(set);
        // "C" and "POSIX" mean no language; LANGUAGE is ignored then, as
        // gettext ignores it.
        if locale
            .as_deref()
            .is_some_and(|locale| locale == "C" || locale == "POSIX" || locale.starts_with("C."))
        {
            return Language::En;
        }
        if let Some(list) = set("LANGUAGE")
            && let Some(language) = list.split(':').find_map(Self::from_tag)
        {
            return language;
        }
        locale
            .as_deref()
            .and_then(Self::from_tag)
            .unwrap_or(Language::En)
    }

    /// The sentence `key`, in this language (in English where it is missing,
    /// which a test forbids; the key itself as a last resort).
    pub fn text(self, key: &str) -> &'static str {
        catalogue(self)
            .get(key)
            .or_else(|| catalogue(Language::En).get(key))
            .map_or("", String::as_str)
    }

    /// The sentence `key` with its `{name}` placeholders filled in.
    pub fn format(self, key: &str, params: &[(&str, &str)]) -> String {
        let text = self.text(key);
        if text.is_empty() {
            return key.to_owned();
        }
        fill(text, |name| {
            params
                .iter()
                .find(|(param, _)| *param == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }
}

/// A sentence for people, kept as its catalogue key and parameters rather
/// than as text: the core does not know which language the window that
/// shows it speaks, and a window can switch language while it is open. A
/// parameter is plain text (a name, a path, a pattern) or a sentence of its
/// own. `Display` gives the English, for logs and the English CLI. It is
/// written as `{key, params, text}`: `text` is the English, for scripts
/// (`tandem --json`) and people reading a file; readers ignore it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Said {
    pub key: String,
    pub params: BTreeMap<String, Part>,
}

/// One parameter of a [`Said`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum Part {
    Text(String),
    Said(Said),
}

/// What files written before sentences had keys hold: plain English,
/// kept as it was.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredSaid {
    Keyed {
        key: String,
        #[serde(default)]
        params: BTreeMap<String, Part>,
    },
    Plain(String),
}

impl Serialize for Said {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut said = serializer.serialize_struct("Said", 3)?;
        said.serialize_field("key", &self.key)?;
        said.serialize_field("params", &self.params)?;
        said.serialize_field("text", &self.to_string())?;
        said.end()
    }
}

impl<'de> Deserialize<'de> for Said {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StoredSaid::deserialize(deserializer).map(Said::from)
    }
}

impl From<StoredSaid> for Said {
    fn from(stored: StoredSaid) -> Self {
        match stored {
            StoredSaid::Keyed { key, params } => Said { key, params },
            StoredSaid::Plain(text) => Said::verbatim(text),
        }
    }
}

impl Said {
    /// The sentence `key` of the catalogues; its placeholders are given
    /// with [`Said::with`].
    pub fn new(key: &str) -> Self {
        Said {
            key: key.to_owned(),
            params: BTreeMap::new(),
        }
    }

    /// Text that has no translation: what a browser, an identity provider
    /// or the OS said, shown as it came.
    pub fn verbatim(text: impl Into<String>) -> Self {
        Said::new("said.verbatim").with("text", text.into())
    }

    /// A name that has its own words in each language (a program's
    /// `Name[nl]`), shown in the reader's: each catalogue's
    /// `said.by_language` names only its own language's parameter.
    pub fn by_language(mut name: impl FnMut(Language) -> String) -> Self {
        Language::ALL
            .into_iter()
            .fold(Said::new("said.by_language"), |said, language| {
                said.with(language.code(), name(language))
            })
    }

    pub fn with(mut self, name: &str, value: impl Into<Part>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The sentence in `language`. A key no catalogue has (a history
    /// entry written by a newer Tandem, say) shows as the key with its
    /// parameters, which still says what happened; the keys the sources
    /// name are checked by `tests/keys_in_use.rs`.
    pub fn in_language(&self, language: Language) -> String {
        let part = |part: &Part| match part {
            Part::Text(text) => text.clone(),
            Part::Said(said) => said.in_language(language),
        };
        let text = language.text(&self.key);
        if text.is_empty() {
            if self.params.is_empty() {
                return self.key.clone();
            }
            let params: Vec<String> = self
                .params
                .iter()
                .map(|(name, value)| format!("{name}: {}", part(value)))
                .collect();
            return format!("{} ({})", self.key, params.join(", "));
        }
        fill(text, |name| self.params.get(name).map(part))
    }
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Language::En))
    }
}

impl From<String> for Part {
    fn from(text: String) -> Self {
        Part::Text(text)
    }
}

impl From<&str> for Part {
    fn from(text: &str) -> Self {
        Part::Text(text.to_owned())
    }
}

impl From<&String> for Part {
    fn from(text: &String) -> Self {
        Part::Text(text.clone())
    }
}

impl From<Said> for Part {
    fn from(said: Said) -> Self {
        Part::Said(said)
    }
}

impl From<&Said> for Part {
    fn from(said: &Said) -> Self {
        Part::Said(said.clone())
    }
}

/// `text` with each `{name}` replaced by `value(name)`, when it has one.
pub fn fill(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                match value(name) {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders a sentence uses.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let _ = fill(text, |name| {
        names.push(name.to_owned());
        None
    });
    names.sort();
    names.dedup();
    names
}

/// Every key of every catalogue, for the tests that keep them in step.
pub fn keys(language: Language) -> Vec<&'static str> {
    let mut keys: Vec<&str> = catalogue(language).keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys_and_placeholders() {
        let english = keys(Language::En);
        let dutch = keys(Language::Nl);
        assert!(!english.is_empty(), "the English catalogue parses");
        let missing: Vec<_> = english.iter().filter(|key| !dutch.contains(key)).collect();
        let extra: Vec<_> = dutch.iter().filter(|key| !english.contains(key)).collect();
        assert!(missing.is_empty(), "missing in nl.json: {missing:?}");
        assert!(extra.is_empty(), "only in nl.json: {extra:?}");
        for key in english {
            // Each catalogue picks its own language's parameter here.
            if key == "said.by_language" {
                for language in Language::ALL {
                    assert_eq!(placeholders(language.text(key)), [language.code()]);
                }
                continue;
            }
            assert_eq!(
                placeholders(Language::En.text(key)),
                placeholders(Language::Nl.text(key)),
                "the placeholders of {key} differ"
            );
            assert!(
                !Language::Nl.text(key).trim().is_empty(),
                "{key} is empty in nl.json"
            );
        }
    }

    #[test]
    fn the_locale_decides_unless_it_says_nothing() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert_eq!(
            Language::from_variables(env(&[("LANG", "nl_NL.UTF-8")])),
            Language::Nl
        );
        assert_eq!(
            Language::from_variables(env(&[("LANG", "nl_BE")])),
            Language::Nl
        );
        assert_eq!(
            Language::from_variables(env(&[("LANG", "de_DE.UTF-8")])),
            Language::En
        );
        assert_eq!(
            Language::from_variables(env(&[("LANG", "en_GB.UTF-8"), ("LC_ALL", "nl_NL.UTF-8")])),
            Language::Nl
        );
        assert_eq!(
            Language::from_variables(env(&[("LANGUAGE", "fr:nl:en"), ("LANG", "fr_FR.UTF-8")])),
            Language::Nl
        );
        assert_eq!(
            Language::from_variables(env(&[("LANGUAGE", "nl"), ("LANG", "C")])),
            Language::En
        );
        assert_eq!(Language::from_variables(env(&[])), Language::En);
    }

    #[test]
    fn a_said_sentence_is_worded_in_each_language_nested_ones_too() {
        let said =
            Said::new("linking.off").with("reason", Said::new("linking.off_by_organization"));
        assert_eq!(
            said.to_string(),
            "Linking is off: your organization turned it off."
        );
        assert_eq!(
            said.in_language(Language::Nl),
            format!(
                "{}",
                Language::Nl
                    .text("linking.off")
                    .replace("{reason}", Language::Nl.text("linking.off_by_organization"))
            )
        );
        let json = serde_json::to_value(&said).unwrap();
        assert_eq!(
            json["text"], "Linking is off: your organization turned it off.",
            "scripts get the English with the key"
        );
        assert_eq!(serde_json::from_value::<Said>(json).unwrap(), said);
        // What files written before keys hold.
        let old: Said = serde_json::from_str(r#""policy turned it off""#).unwrap();
        assert_eq!(old.to_string(), "policy turned it off");
        assert_eq!(old.in_language(Language::Nl), "policy turned it off");
        // A key from a newer Tandem still says what it can.
        let newer = Said::new("link.reason.from_the_future").with("detail", "AADSTS1");
        assert_eq!(
            newer.in_language(Language::Nl),
            "link.reason.from_the_future (detail: AADSTS1)"
        );
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(
            fill("{a} and {b}", |name| (name == "a").then(|| "x".into())),
            "x and {b}"
        );
        assert_eq!(fill("{ not one }", |_| Some("y".into())), "{ not one }");
        assert_eq!(placeholders("{b} {a} {b}"), ["a", "b"]);
    }
}
