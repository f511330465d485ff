//! Reading JSON that browsers wrote, without trusting its shape: a field of the
//! wrong type is treated as missing instead of failing the whole file, and
//! everything Tandem does not need is skipped without building a tree.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor,
};

/// A small leaf value: `Some` when it has the expected type, `None` otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf<T>(pub Option<T>);

impl<T> Default for Leaf<T> {
    fn default() -> Self {
        Leaf(None)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Leaf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Leaves are small, so buffering one costs nothing worth avoiding.
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Leaf(T::deserialize(value).ok()))
    }
}

impl<T> Leaf<T> {
    pub fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl Leaf<String> {
    /// The string, unless it is missing, of another type, or blank.
    pub fn text(&self) -> Option<&str> {
        self.0
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }
}

/// A JSON object section: deserialised field by field when it is an object,
/// and the default when it is anything else. Nothing is buffered, so a large
/// section (Chromium's `profile` holds all content settings) streams past.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section<T>(pub T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Section<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SectionVisitor(PhantomData))
    }
}

struct SectionVisitor<T>(PhantomData<T>);

macro_rules! default_for {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<Self::Value, E> {
            Ok(Section(T::default()))
        })*
    };
}

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for SectionVisitor<T> {
    type Value = Section<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Section)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Section(T::default()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Section(T::default()))
    }

    default_for!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );
}

/// Like `Section`, for maps with arbitrary keys (`profile.info_cache`): entries
/// whose value is not an object are kept as defaults, never fatal. The flag
/// says whether the map was there as an object at all: a missing map and
/// one of the wrong type both read as no entries, but only one is believable.
#[derive(Debug, Clone, PartialEq)]
pub struct Entries<T>(pub Vec<(String, T)>, pub bool);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new(), false)
    }
}

impl<T> Entries<T> {
    /// Whether the map was present, and an object.
    pub fn found(&self) -> bool {
        self.1
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Section::<EntriesInner<T>>::deserialize(deserializer)?;
        Ok(Entries(map.0.0, map.0.1))
    }
}

struct EntriesInner<T>(Vec<(String, T)>, bool);

impl<T> Default for EntriesInner<T> {
    fn default() -> Self {
        EntriesInner(Vec::new(), false)
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for EntriesInner<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for EntriesVisitor<T> {
            type Value = EntriesInner<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let Section(value) = map.next_value::<Section<T>>()?;
                    entries.push((key, value));
                }
                Ok(EntriesInner(entries, true))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// Why a JSON file could not be read, in words a person can act on (the
/// JSON reader's own, for a value of an unexpected shape, stay as they are).
pub fn describe_json_error(file: &str, error: &serde_json::Error) -> tandem_i18n::Said {
    use serde_json::error::Category;
    use tandem_i18n::Said;
    let line = error.line().to_string();
    let said = match error.classify() {
        Category::Eof => Said::new("profile.problem.truncated").with("line", line),
        Category::Syntax => Said::new("profile.problem.not_json")
            .with("line", line)
            .with("column", error.column().to_string()),
        Category::Data => {
            Said::new("profile.problem.shape").with("detail", Said::verbatim(error.to_string()))
        }
        Category::Io => {
            Said::new("profile.problem.io").with("detail", Said::verbatim(error.to_string()))
        }
    };
    said.with("file", file)
}

/// Parses browser JSON leniently: a UTF-8 byte-order mark is skipped, and
/// bytes that are not UTF-8 are replaced rather than fatal.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(error) if std::str::from_utf8(bytes).is_err() => {
            tracing::debug!("retrying with invalid UTF-8 replaced: {error}");
            serde_json::from_str(&String::from_utf8_lossy(bytes))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Inner {
        #[serde(default)]
        name: Leaf<String>,
        #[serde(default)]
        count: Leaf<i64>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Outer {
        #[serde(default)]
        inner: Section<Inner>,
        #[serde(default)]
        map: Entries<Inner>,
    }

    #[test]
    fn wrong_types_become_missing() {
        let outer: Outer =
            parse(br#"{"inner":{"name":5,"count":"x","other":[1,2]},"map":[]}"#).unwrap();
        assert_eq!(outer, Outer::default());
        let outer: Outer = parse(br#"{"inner":"not an object","map":{"a":7}}"#).unwrap();
        assert_eq!(outer.inner.0, Inner::default());
        assert_eq!(outer.map.0, vec![("a".to_owned(), Inner::default())]);
        assert!(outer.map.found());
        let outer: Outer = parse(br#"{"map":"not a map"}"#).unwrap();
        assert!(!outer.map.found());
        assert!(!parse::<Outer>(b"{}").unwrap().map.found());
    }

    #[test]
    fn right_types_are_read() {
        let outer: Outer =
            parse(br#"{"inner":{"name":"n","count":3},"map":{"k":{"name":"v"}}}"#).unwrap();
        assert_eq!(outer.inner.0.name.text(), Some("n"));
        assert_eq!(outer.inner.0.count.get(), Some(&3));
        assert_eq!(outer.map.0[0].1.name.text(), Some("v"));
    }

    #[test]
    fn bom_and_invalid_utf8_are_tolerated() {
        let outer: Outer = parse(b"\xEF\xBB\xBF{\"inner\":{\"name\":\"a\xFFb\"}}").unwrap();
        assert_eq!(outer.inner.0.name.text(), Some("a\u{FFFD}b"));
    }

    #[test]
    fn truncation_is_explained() {
        let error = parse::<Outer>(br#"{"inner":{"name":"#).unwrap_err();
        let said = describe_json_error("Local State", &error);
        assert!(said.to_string().contains("truncated"), "{said:?}");
        let dutch = said.in_language(tandem_i18n::Language::Nl);
        assert!(
            dutch.starts_with("Local State houdt te vroeg op"),
            "{dutch}"
        );
    }
}
