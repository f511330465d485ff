//! The rules `ARCHITECTURE.md` states, checked where a test can check them.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    out
}

/// A source file without its unit tests.
fn without_tests(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn core_crates() -> Vec<PathBuf> {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(repo().join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").exists())
        .collect();
    crates.sort();
    crates
}

#[test]
fn the_core_has_no_ui_and_types_for_the_ui_only_behind_a_feature() {
    for krate in core_crates() {
        let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
        let dependencies = manifest.split("[features]").next().unwrap();
        assert!(
            !dependencies.contains("tauri"),
            "{} depends on Tauri",
            krate.display()
        );
        for line in dependencies
            .lines()
            .filter(|line| line.starts_with("ts-rs"))
        {
            assert!(
                line.contains("optional = true"),
                "{}: ts-rs only behind the `ts` feature: {line}",
                krate.display()
            );
        }
        for file in rust_files(&krate.join("src")) {
            let text = without_tests(&file);
            for line in text.lines().filter(|line| line.contains("ts_rs::TS")) {
                assert!(
                    line.contains("cfg_attr(feature = \"ts\""),
                    "{}: {line}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn only_tandem_files_opens_a_file() {
    let opens = [
        "File::open(",
        "File::create(",
        "OpenOptions::new(",
        "fs::read(",
        "fs::read_to_string(",
        "fs::write(",
    ];
    for krate in core_crates() {
        let name = krate.file_name().unwrap().to_string_lossy().into_owned();
        if name == "files" || name == "testkit" {
            continue;
        }
        for file in rust_files(&krate.join("src")) {
            let text = without_tests(&file);
            for pattern in opens {
                assert!(
                    !text.contains(pattern),
                    "{} calls {pattern}: files are opened through tandem-files",
                    file.display()
                );
            }
        }
    }
}

/// The crates (with their whole dependency tree) `crate_name` builds on.
fn dependency_tree(crate_name: &str) -> String {
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
        ])
        .arg(crate_name)
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Routing decides from rules and facts alone: unwrapping a link never asks
/// the network where it leads.
#[test]
fn reading_profiles_and_routing_need_no_keyring_and_no_network() {
    for krate in [
        "tandem-profiles",
        "tandem-files",
        "tandem-text",
        "tandem-policy",
        "tandem-routing",
    ] {
        let tree = dependency_tree(krate);
        for forbidden in [
            "keyring",
            "ureq",
            "oauth2",
            "jsonwebtoken",
            "reqwest",
            "hyper",
            "tauri",
        ] {
            assert!(
                !tree
                    .lines()
                    .any(|line| line.starts_with(&format!("{forbidden} "))),
                "{krate} depends on {forbidden}:\n{tree}"
            );
        }
    }
}

#[test]
fn no_two_modules_of_the_shell_import_each_other() {
    let src = repo().join("src-tauri/src");
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut modules = BTreeSet::new();
    for file in rust_files(&src) {
        let module = file.file_stem().unwrap().to_string_lossy().into_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        modules.insert(module.clone());
        let text = std::fs::read_to_string(&file).unwrap();
        let used: BTreeSet<String> = text
            .match_indices("crate::")
            .filter_map(|(at, _)| {
                let rest = &text[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                (!name.is_empty()).then_some(name)
            })
            .collect();
        imports.insert(module, used);
    }
    assert!(modules.contains("commands") && modules.contains("tray"));
    for (module, used) in &imports {
        for other in used.iter().filter(|other| modules.contains(*other)) {
            assert!(
                !imports.get(other).is_some_and(|back| back.contains(module)),
                "src-tauri/src/{module}.rs and {other}.rs import each other"
            );
        }
        assert!(
            !used.contains("commands") || module == "bindings",
            "{module} reaches into the commands"
        );
    }
    assert!(
        imports["tray"]
            .iter()
            .all(|used| ["state", "windows"].contains(&used.as_str())),
        "the tray hears the core's updates and uses only the state and the windows: {:?}",
        imports["tray"]
    );
}
