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
    // JSON numbers, not bigint: serde_json writes i64 as plain numbers.
    let cfg = Config::new().with_large_int("number");
    let declarations = [
        declaration::<tandem_locations::Locations>(&cfg),
        declaration::<tandem_profiles::BrowserId>(&cfg),
        declaration::<tandem_profiles::AccountKind>(&cfg),
        declaration::<tandem_profiles::Evidence>(&cfg),
        declaration::<tandem_profiles::Account>(&cfg),
        declaration::<tandem_profiles::Profile>(&cfg),
        declaration::<tandem_profiles::UnreadableSource>(&cfg),
        declaration::<tandem_profiles::Snapshot>(&cfg),
        declaration::<tandem_profiles::Change>(&cfg),
        declaration::<tandem_profiles::watch::ProfileEvent>(&cfg),
        declaration::<tandem_profiles::ProfileRef>(&cfg),
        declaration::<tandem_linking::LinkId>(&cfg),
        declaration::<tandem_linking::AccountKey>(&cfg),
        declaration::<tandem_linking::WorkAccount>(&cfg),
        declaration::<tandem_linking::PersonalProof>(&cfg),
        declaration::<tandem_linking::PersonalAccount>(&cfg),
        declaration::<tandem_linking::LinkState>(&cfg),
        declaration::<tandem_linking::Link>(&cfg),
        declaration::<tandem_linking::BrowserPolicy>(&cfg),
        declaration::<tandem_linking::Status>(&cfg),
        declaration::<tandem_linking::HistoryEvent>(&cfg),
        declaration::<tandem_linking::HistoryEntry>(&cfg),
        declaration::<crate::commands::AppInfo>(&cfg),
        declaration::<tandem_api::Progress>(&cfg),
        declaration::<tandem_api::Error>(&cfg),
        declaration::<tandem_routing::Layer>(&cfg),
        declaration::<tandem_routing::Verdict>(&cfg),
        declaration::<tandem_routing::RuleRef>(&cfg),
        declaration::<tandem_api::routing::Route>(&cfg),
        declaration::<tandem_api::routing::RuleFlag>(&cfg),
        declaration::<tandem_api::routing::RuleView>(&cfg),
        declaration::<tandem_api::routing::RulesReport>(&cfg),
        declaration::<tandem_api::routing::PickRequest>(&cfg),
        declaration::<tandem_footprint::handler::HandlerStatus>(&cfg),
        declaration::<tandem_i18n::Language>(&cfg),
        declaration::<tandem_i18n::Said>(&cfg),
        declaration::<tandem_i18n::Part>(&cfg),
        declaration::<crate::commands::SettingsView>(&cfg),
        declaration::<crate::commands::OpenableWindow>(&cfg),
        declaration::<tandem_api::onboarding::SignedInAccount>(&cfg),
        declaration::<tandem_api::onboarding::PersonalChoice>(&cfg),
        declaration::<tandem_api::onboarding::WizardChoices>(&cfg),
        declaration::<tandem_api::onboarding::WizardDone>(&cfg),
    ];
    let mut out = String::from(
        "// Generated from Rust by src-tauri/src/bindings.rs. Do not edit by hand:\n\
         // run `make bindings` after changing a type that crosses IPC.\n",
    );
    for declaration in declarations {
        out.push('\n');
        out.push_str(&declaration);
    }
    // The codes, read off the generated union itself, so no list can drift.
    let union = tandem_api::Error::decl(&cfg);
    let codes: Vec<&str> = union
        .split("\"code\": \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    out.push_str(
        "\n/** What a failed command returns: the error's code and parameters, and a message. */\n\
         export type CommandError = ApiError & { message: string };\n",
    );
    out.push_str(&format!(
        "\n/** Every error code a command can return. */\n\
         export type ErrorCode = ApiError[\"code\"];\n\
         export const ERROR_CODES: readonly ErrorCode[] = [{}];\n",
        codes
            .iter()
            .map(|code| format!("{code:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str("\n/** Each browser's name, as the catalogue gives it. */\n");
    out.push_str("export const BROWSER_NAMES: Record<BrowserId, string> = {\n");
    for spec in tandem_profiles::catalogue() {
        out.push_str(&format!("  {:?}: {:?},\n", spec.id.as_str(), spec.name));
    }
    out.push_str("};\n");
    out.push_str(&format!(
        "\n/** The event the switcher listens to for live profile changes. */\n\
         export const PROFILES_CHANGED = {:?};\n",
        crate::events::PROFILES_CHANGED
    ));
    out.push_str(&format!(
        "\n/** The event the switcher listens to for link changes. */\n\
         export const LINKS_CHANGED = {:?};\n",
        crate::events::LINKS_CHANGED
    ));
    out.push_str(&format!(
        "\n/** The event the switcher listens to while a sign-in is under way. */\n\
         export const SIGN_IN_PROGRESS = {:?};\n",
        crate::events::SIGN_IN_PROGRESS
    ));
    out.push_str(&format!(
        "\n/** The event the picker listens to for the next link waiting. */\n\
         export const LINK_WAITING = {:?};\n",
        crate::events::LINK_WAITING
    ));
    out.push_str(&format!(
        "\n/** The event every window listens to when the person chooses a language. */\n\
         export const LANGUAGE_CHANGED = {:?};\n",
        crate::events::LANGUAGE_CHANGED
    ));
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

    /// Every error a command returns is worded in every language, from
    /// parameters the error carries: the UI words errors from the
    /// catalogue, so a missing key or parameter would show a raw code.
    #[test]
    fn every_error_code_is_in_the_catalogues_with_its_parameters() {
        let cfg = ts_rs::Config::default();
        let union = tandem_api::Error::decl(&cfg);
        let mut checked = 0;
        for variant in union.split("{ \"code\": \"").skip(1) {
            let (code, rest) = variant.split_once('"').unwrap();
            let body = rest.split('}').next().unwrap();
            let params: Vec<&str> = body
                .split(',')
                .filter_map(|field| field.split_once(':'))
                .map(|(name, _)| name.trim())
                .collect();
            for language in [tandem_i18n::Language::En, tandem_i18n::Language::Nl] {
                let key = format!("error.{code}");
                assert!(
                    tandem_i18n::keys(language).contains(&key.as_str()),
                    "{key} is missing in {language:?}"
                );
                let text = language.text(&key);
                for name in tandem_i18n::placeholders(text) {
                    assert!(
                        params.contains(&name.as_str()),
                        "{key} in {language:?} names {{{name}}}, which the error lacks ({params:?})"
                    );
                }
            }
            checked += 1;
        }
        assert!(checked > 40, "only {checked} codes read from {union}");
    }

    #[test]
    fn errors_are_code_and_message() {
        let text = render();
        assert!(
            text.contains("export type CommandError = ApiError & { message: string };"),
            "{text}"
        );
        assert!(text.contains("\"not_linked\", "), "{text}");
        assert!(
            text.contains("{ \"code\": \"not_linked\", profile: string, }"),
            "{text}"
        );
    }
}
