//! Every sentence key the core and the windows name is in the catalogues:
//! a `Said` with a key no catalogue has would reach a person as the key.

use std::path::{Path, PathBuf};

use tandem_i18n::{Language, keys};

/// Catalogue prefixes whose keys the core builds `Said`s from.
const PREFIXES: &[&str] = &[
    "account",
    "cli",
    "entry",
    "file",
    "keyring",
    "launch",
    "locations",
    "link",
    "notice",
    "profile",
    "policy",
    "preset",
    "refusal",
    "route",
    "rules",
    "said",
    "store",
    "unsupported",
    "unwrap",
];

/// Literals that look like keys but name files or hosts.
const NOT_KEYS: &[&str] = &[
    ".json", ".toml", ".plist", ".com", ".desktop", ".list", ".lock", ".png", ".rs", ".txt", ".md",
];

/// The key tests use for a sentence of a newer Tandem, absent on purpose.
const FROM_A_NEWER_TANDEM: &str = "link.reason.from_the_future";

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "node_modules" || name == "target" || name == "dist" {
            continue;
        }
        if path.is_dir() {
            sources(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "rs" || ext == "ts" || ext == "svelte")
        {
            out.push(path);
        }
    }
}

/// The string literals of `text` that look like `prefix.rest` keys.
fn key_literals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in text.split('"').skip(1).step_by(2) {
        let Some((first, rest)) = piece.split_once('.') else {
            continue;
        };
        let looks_like_key = PREFIXES.contains(&first)
            && !rest.is_empty()
            && piece
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
            && !NOT_KEYS.iter().any(|end| piece.ends_with(end));
        if looks_like_key {
            found.push(piece.to_owned());
        }
    }
    found
}

#[test]
fn every_key_the_sources_name_is_in_the_catalogues() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri/src", "ui/src", "ui/screenshots"] {
        sources(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let known = keys(Language::En);
    let mut missing = Vec::new();
    let mut named = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for key in key_literals(&text) {
            named += 1;
            if !known.contains(&key.as_str()) && key != FROM_A_NEWER_TANDEM {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(named > 100, "keys were found in the sources: {named}");
    assert!(
        missing.is_empty(),
        "keys missing from the catalogues:\n{}",
        missing.join("\n")
    );
}
