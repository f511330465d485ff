//! TypeScript declarations of every type that crosses IPC, generated from the
//! Rust types so that they are never written twice. The output is committed at
//! `ui/src/lib/bindings.ts`; a test fails when it is stale, and
//! `make bindings` (`TANDEM_UPDATE_BINDINGS=1 cargo test -p tandem-app bindings`)
//! rewrites it.

use ts_rs::{Config, TS};

/// Where the generated file lives, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

fn declaration<T: TS>(cfg: &Config) -> String {
    let mut out = T::docs().unwrap_or_default();
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push('\n');
    out
}

/// The whole generated file.
pub fn render() -> String {
    let cfg = Config::new();
    let declarations = [
        declaration::<tandem_locations::Locations>(&cfg),
        declaration::<crate::commands::AppInfo>(&cfg),
        declaration::<crate::error::ErrorCode>(&cfg),
        declaration::<crate::error::CommandError>(&cfg),
    ];
    let mut out = String::from(
        "// Generated from Rust by src-tauri/src/bindings.rs. Do not edit by hand:\n\
         // run `make bindings` after changing a type that crosses IPC.\n",
    );
    for declaration in declarations {
        out.push('\n');
        out.push_str(&declaration);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_are_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let expected = render();
        if std::env::var_os("TANDEM_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is stale: run `make bindings` and commit the result",
            path.display()
        );
    }

    #[test]
    fn errors_are_code_and_message() {
        let text = render();
        assert!(
            text.contains("export type CommandError = { code: ErrorCode, message: string, }"),
            "{text}"
        );
    }
}
