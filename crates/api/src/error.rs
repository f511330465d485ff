//! The one error type of every user action, whichever front end asked.
//!
//! Each variant has a stable `code` (its snake-case name) and the
//! parameters a front end needs to word it in the person's language; its
//! English message says what the person can do about it. In JSON an error
//! is `{"code": …, "message": …, <parameters>}` ([`ErrorReply`]), the same
//! from `tandem --json` and from the app's IPC.

use std::path::Path;

use serde::Serialize;
use tandem_files::OwnedError;
use tandem_files::export::ExportError;
use tandem_files::shared::SharedError;
use tandem_footprint::FootprintError;
pub use tandem_i18n::Said;
use tandem_identity::flow::SignInError;
use tandem_identity::loopback::ListenError;
use tandem_identity::{ConfigError, VaultError};
use tandem_linking::LinkError;
use tandem_linking::accounts::CheckError;
use tandem_linking::privacy::PrivacyError;
use tandem_linking::store::StoreError;
use tandem_locations::LocationError;
use tandem_profiles::launch::LaunchError;

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ApiError"))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Error {
    /// Tandem cannot work out where the person's files are.
    #[error("{detail}")]
    LocationsUnavailable { detail: Said },
    #[error("there is no profile {profile} on this machine")]
    ProfileNotFound { profile: String },
    #[error(
        "{profile} is not signed in to a work or school account (it has {has}); sign in to it first"
    )]
    NotAWorkProfile { profile: String, has: Said },
    #[error("{profile} is not signed in to a personal Microsoft account (it has {has})")]
    NotAPersonalProfile { profile: String, has: Said },
    #[error("{profile} is already linked; unlink it first")]
    AlreadyLinked { profile: String },
    #[error("{profile} is not linked")]
    NotLinked { profile: String },
    #[error("nothing is linked")]
    NothingLinked,
    #[error("more than one profile is linked ({}); say which", linked.join(", "))]
    WhichLink { linked: Vec<String> },
    #[error(
        "the link of {profile} was removed while it waited for the personal sign-in (by another \
         Tandem command, by policy, or because the work account changed); nothing was linked"
    )]
    LinkChanged { profile: String },
    #[error("linking is off: {reason}")]
    PolicyForbids {
        reason: Said,
        /// The file or registry key whose policy forbids it.
        set_by: String,
    },
    #[error("processing of your personal data is paused; resume it to link")]
    PersonalDataRestricted,
    #[error(
        "say which personal account to link: sign in to it now, or name the profile signed in \
         to it (Tandem holds {count} personal sign-ins)"
    )]
    WhichPersonalAccount { count: usize },
    #[error("Tandem's state cannot be read or written: {detail}")]
    StateUnavailable { detail: Said },
    #[error("{path} was written by a newer Tandem; update Tandem (the file was left as it is)")]
    StateTooNew { path: String },
    #[error(
        "{path} is held by another Tandem process (the app, or another `tandem` command); try \
         again when it has finished, or quit it"
    )]
    Busy { path: String },
    #[error(
        "Tandem has no application (client) id to sign in with. Register one in the Microsoft \
         Entra admin center (App registrations → New registration): supported account types \
         \"Accounts in any organizational directory and personal Microsoft accounts\", platform \
         \"Mobile and desktop applications\" with the redirect URI http://localhost, and \"Allow \
         public client flows\" on. Then set TANDEM_CLIENT_ID=<application id>, or put \
         {{\"client_id\": \"…\"}} in {settings}"
    )]
    NoClientId { settings: String },
    #[error("the sign-in did not finish: {detail}")]
    SignInFailed { detail: String },
    #[error("the sign-in was cancelled")]
    SignInCancelled,
    #[error("the sign-in was not finished within {seconds} seconds")]
    SignInTimedOut { seconds: u64 },
    #[error("the sign-in was declined")]
    SignInDeclined,
    #[error("{detail}")]
    WrongAccountKind {
        // `work` or `personal`, for scripts; `detail` words the sentence.
        wanted: &'static str,
        got: &'static str,
        detail: Said,
    },
    #[error("{detail}")]
    KeyringUnavailable { detail: Said },
    #[error("no stored account matches {query:?}; `tandem accounts` lists them")]
    AccountNotFound { query: String },
    #[error("{query:?} matches more than one account; use its id from `tandem accounts --json`")]
    AccountAmbiguous { query: String },
    #[error("{path} already exists; choose another name, or say that it may be replaced")]
    FileExists { path: String },
    #[error("{path} already exists; name a new folder (Tandem never writes into an existing one)")]
    FolderExists { path: String },
    #[error("{path} is {kind}; Tandem writes only a regular file there")]
    NotARegularFile { path: String, kind: Said },
    #[error("cannot write {path}: {detail}")]
    WriteFailed { path: String, detail: String },
    #[error("{browser} does not seem to be installed: Tandem looked in the usual places")]
    BrowserNotFound { browser: String },
    #[error("the profile \"{profile}\" of {browser} no longer exists (its folder is gone)")]
    ProfileFolderMissing { browser: String, profile: String },
    #[error("only web links (http or https) can be opened in a profile")]
    NotAWebLink,
    #[error("cannot start {browser}: {detail}")]
    LaunchFailed { browser: Said, detail: Said },
    #[error("{what} is not supported on this system yet")]
    Unsupported { what: Said },
    #[error(
        "{path} already exists and Tandem did not write it (or it was edited since), so Tandem \
         leaves it alone"
    )]
    NotTandems { path: String },
    #[error("{detail}")]
    RemoveFailed { detail: String },
    #[error("{path} is {kind}, where a folder belongs; Tandem leaves it alone")]
    NotAFolder { path: String, kind: Said },
    /// A desktop file Tandem edits (`mimeapps.list`, a desktop entry)
    /// could not be read or written.
    #[error("{detail}")]
    DesktopFileFailed { detail: Said },
    #[error(
        "Tandem's app is running and would write its files again: choose Quit in its tray menu \
         first, or use \"Remove all Tandem data\" in the app"
    )]
    AppRunning,
    #[error(
        "Tandem's tray is running and would write its files again: choose Quit in its menu first"
    )]
    TrayRunning,
    #[error(
        "cannot tell whether Tandem's app or tray is running ({path}: {detail}), so nothing was \
         removed; quit Tandem from its tray menu and try again, or, if Tandem is not running, \
         remove that file"
    )]
    RunningUnknown { path: String, detail: String },
    #[error(
        "Tandem's tray did not stop within 10 s, so nothing was removed; choose Quit in its menu, \
         then try again"
    )]
    TrayStillRunning,
    #[error("this asks for confirmation, and there is no terminal to ask on: add --yes")]
    NeedsConfirmation,
    #[error(
        "{path} already exists, and there is no terminal to ask on: add --overwrite to replace it"
    )]
    OverwriteNeeded { path: String },
    #[error("nothing was done: you chose Cancel")]
    Declined,
    #[error("Tandem is still reading the browser profiles; try again in a moment")]
    NotReady,
    #[error("this link was not opened: {reason}")]
    UrlRefused { reason: Said },
    #[error("this rule cannot be used: {detail}")]
    RuleInvalid { detail: Said },
    #[error("this cannot be where links go when no rule matches: {detail}")]
    FallbackInvalid { detail: Said },
    #[error("there is no rule {id} of yours; `tandem rules list` shows the ids")]
    RuleNotFound { id: String },
    #[error(
        "{id} is a {layer_name} rule, which cannot be removed; a rule of yours with the same \
         pattern overrides it where its layer allows"
    )]
    RuleNotYours {
        id: String,
        // `managed`, `recommended` or `preset`, for scripts; `layer_name`
        // says it in the reader's words.
        layer: String,
        layer_name: Said,
    },
    #[error("{path} cannot be read ({detail}); fix it by hand (or move it away) first")]
    RulesFileUnreadable { path: String, detail: Said },
    #[error(
        "links went to {handler} before Tandem, which runs Tandem again, so opening it there \
         would loop; choose where such links open: `tandem rules fallback ask` or a profile"
    )]
    HandlerLoop { handler: Said },
    #[error(
        "the tandem command is not installed beside the app (looked for {path}); the link handler \
         runs it"
    )]
    CommandMissing { path: String },
    #[error(
        "Tandem did what was asked, but cannot write its output ({detail}); free some space, or \
         send the output elsewhere"
    )]
    OutputFailed { detail: String },
    #[error("something went wrong inside Tandem ({detail}); the log folder has the details")]
    Internal { detail: String },
}

impl Error {
    /// The stable code front ends and scripts branch on.
    pub fn code(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map
                .get("code")
                .and_then(|code| code.as_str())
                .unwrap_or("internal")
                .to_owned(),
            _ => "internal".to_owned(),
        }
    }

    /// The error as it crosses to a front end: code, message, parameters.
    pub fn reply(&self) -> ErrorReply<'_> {
        ErrorReply {
            error: self,
            message: self.to_string(),
        }
    }

    /// The message in `language` for a terminal: in English the message
    /// itself (it names the commands to run); in another language worded
    /// from the catalogue's `error.<code>` with the error's parameters, as
    /// the app's windows word it, or the English message when the catalogue
    /// lacks the key or a parameter it names.
    pub fn localized(&self, language: tandem_i18n::Language) -> String {
        if language == tandem_i18n::Language::En {
            return self.to_string();
        }
        let Ok(serde_json::Value::Object(params)) = serde_json::to_value(self) else {
            return self.to_string();
        };
        // One serialization gives both the code and the parameters.
        let Some(code) = params.get("code").and_then(|code| code.as_str()) else {
            return self.to_string();
        };
        let key = format!("error.{code}");
        let text = language.text(&key);
        let value = |name: &str| match params.get(name)? {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            serde_json::Value::Bool(flag) => Some(flag.to_string()),
            said @ serde_json::Value::Object(_) => serde_json::from_value::<Said>(said.clone())
                .ok()
                .map(|said| said.in_language(language)),
            _ => None,
        };
        let complete = tandem_i18n::placeholders(text)
            .iter()
            .all(|name| value(name).is_some());
        if text.is_empty() || !complete {
            return self.to_string();
        }
        tandem_i18n::fill(text, value)
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Error::Internal {
            detail: detail.to_string(),
        }
    }
}

/// `{"code": …, "message": …, <parameters>}`.
#[derive(Debug, Serialize)]
pub struct ErrorReply<'a> {
    #[serde(flatten)]
    pub error: &'a Error,
    pub message: String,
}

impl Serialize for OwnedReply {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.reply().serialize(serializer)
    }
}

/// An [`Error`] that serializes as its [`ErrorReply`]: what a Tauri command
/// returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(transparent)]
pub struct OwnedReply(pub Error);

impl From<Error> for OwnedReply {
    fn from(error: Error) -> Self {
        OwnedReply(error)
    }
}

impl From<&LocationError> for Error {
    fn from(error: &LocationError) -> Self {
        let detail = match error {
            LocationError::NoHome => Said::new("locations.no_home"),
            LocationError::RelativeSystemRoot(root) => {
                Said::new("locations.relative_system_root").with("root", format!("{root:?}"))
            }
            // Only a bug in Tandem causes it: its English is for the report.
            LocationError::InvalidSystemPath(_) => Said::verbatim(error.to_string()),
        };
        Error::LocationsUnavailable { detail }
    }
}

impl From<LocationError> for Error {
    fn from(error: LocationError) -> Self {
        Error::from(&error)
    }
}

impl From<OwnedError> for Error {
    fn from(error: OwnedError) -> Self {
        match error {
            OwnedError::LockTimeout { path, .. } => Error::Busy { path: shown(&path) },
            other => Error::StateUnavailable {
                detail: other.said(),
            },
        }
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Files(error) => error.into(),
            StoreError::TooNew { path, .. } => Error::StateTooNew { path: shown(&path) },
            other => Error::StateUnavailable {
                detail: other.said(),
            },
        }
    }
}

impl From<LinkError> for Error {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::Store(error) => error.into(),
            LinkError::PolicyForbids { reason, set_by } => Error::PolicyForbids {
                reason,
                set_by: set_by.location,
            },
            LinkError::Restricted => Error::PersonalDataRestricted,
            LinkError::NoSuchProfile(profile) => Error::ProfileNotFound {
                profile: profile.to_string(),
            },
            LinkError::NotAWorkProfile { profile, has } => Error::NotAWorkProfile {
                profile: profile.to_string(),
                has,
            },
            LinkError::NotAPersonalProfile { profile, has } => Error::NotAPersonalProfile {
                profile: profile.to_string(),
                has,
            },
            LinkError::AlreadyLinked(profile) => Error::AlreadyLinked {
                profile: profile.to_string(),
            },
            LinkError::NotLinked(profile) => Error::NotLinked {
                profile: profile.to_string(),
            },
            LinkError::NothingLinked => Error::NothingLinked,
            LinkError::WhichLink(linked) => Error::WhichLink {
                linked: linked.split(", ").map(str::to_owned).collect(),
            },
            LinkError::NoLongerPending(profile) => Error::LinkChanged {
                profile: profile.to_string(),
            },
        }
    }
}

impl From<VaultError> for Error {
    fn from(error: VaultError) -> Self {
        match error {
            VaultError::NotFound(query) => Error::AccountNotFound { query },
            VaultError::Ambiguous(query) => Error::AccountAmbiguous { query },
            VaultError::State(error) => error.into(),
            VaultError::NoKeyring { detail } => Error::KeyringUnavailable {
                detail: Said::new("keyring.none").with("detail", Said::verbatim(detail)),
            },
            VaultError::Keyring(detail) => Error::KeyringUnavailable {
                detail: Said::new("keyring.refused").with("detail", Said::verbatim(detail)),
            },
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        match error {
            ConfigError::ClientIdMissing { settings } => Error::NoClientId {
                settings: shown(&settings),
            },
            other => Error::SignInFailed {
                detail: other.to_string(),
            },
        }
    }
}

impl Error {
    /// A sign-in to `got` where Tandem asked for `wanted`.
    pub(crate) fn wrong_account_kind(
        wanted: tandem_identity::MicrosoftAccountKind,
        got: tandem_identity::MicrosoftAccountKind,
    ) -> Self {
        // "a work account", "a personal Microsoft account", in the reader's words.
        let name = |kind| {
            Said::new(match kind {
                tandem_identity::MicrosoftAccountKind::Personal => "account.has.personal",
                tandem_identity::MicrosoftAccountKind::Work => "account.has.work",
            })
        };
        Error::WrongAccountKind {
            wanted: wanted.as_str(),
            got: got.as_str(),
            detail: Said::new("account.wrong_kind")
                .with("got", name(got))
                .with("wanted", name(wanted)),
        }
    }
}

impl From<SignInError> for Error {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Listen(ListenError::Cancelled) => Error::SignInCancelled,
            SignInError::Listen(ListenError::Timeout(seconds)) => Error::SignInTimedOut { seconds },
            SignInError::DeviceCodeExpired => Error::SignInTimedOut { seconds: 0 },
            SignInError::Denied(_) => Error::SignInDeclined,
            SignInError::WrongKind { wanted, got } => Error::wrong_account_kind(wanted, got),
            other => Error::SignInFailed {
                detail: other.to_string(),
            },
        }
    }
}

impl From<CheckError> for Error {
    fn from(error: CheckError) -> Self {
        match error {
            CheckError::Link(error) => error.into(),
            CheckError::Config(error) => error.into(),
        }
    }
}

impl From<ExportError> for Error {
    fn from(error: ExportError) -> Self {
        match error {
            ExportError::Exists(path) => Error::FileExists { path: shown(&path) },
            ExportError::NotRegular { path, kind } => Error::NotARegularFile {
                path: shown(&path),
                kind: Said::new(kind.key()),
            },
            ExportError::Io { path, source } => Error::WriteFailed {
                path: shown(&path),
                detail: source.to_string(),
            },
        }
    }
}

impl From<PrivacyError> for Error {
    fn from(error: PrivacyError) -> Self {
        match error {
            PrivacyError::Link(error) => error.into(),
            PrivacyError::Vault(error) => error.into(),
            PrivacyError::Export(error) => error.into(),
            PrivacyError::Encode(error) => Error::internal(error),
            PrivacyError::Logs(error) => Error::StateUnavailable {
                detail: Said::new("privacy.logs_not_cleaned").with("detail", error.said()),
            },
        }
    }
}

impl From<FootprintError> for Error {
    fn from(error: FootprintError) -> Self {
        match error {
            FootprintError::Store(error) => error.into(),
            FootprintError::Vault(error) => error.into(),
            FootprintError::Unsupported(what) => Error::Unsupported {
                what: Said::new(what.key()),
            },
            FootprintError::NotTandems(path) => Error::NotTandems { path: shown(&path) },
            FootprintError::Shared(SharedError::NotRegular { path, kind }) => {
                Error::NotARegularFile {
                    path: shown(&path),
                    kind: Said::new(kind.key()),
                }
            }
            FootprintError::Shared(error) => Error::DesktopFileFailed {
                detail: error.said(),
            },
            FootprintError::NotAFolder { path, kind } => Error::NotAFolder {
                path: shown(&path),
                kind: Said::new(kind.key()),
            },
            // Registering writes desktop entries and their folders; only
            // uninstalling removes.
            FootprintError::Io {
                action: "create",
                path,
                source,
            } => Error::WriteFailed {
                path: shown(&path),
                detail: source.to_string(),
            },
            other => Error::RemoveFailed {
                detail: other.to_string(),
            },
        }
    }
}

impl From<LaunchError> for Error {
    fn from(error: LaunchError) -> Self {
        match error {
            LaunchError::ProfileMissing { browser, name, .. } => Error::ProfileFolderMissing {
                browser: browser.spec().name.to_owned(),
                profile: name,
            },
            LaunchError::BrowserNotFound { browser, .. } => Error::BrowserNotFound {
                browser: browser.spec().name.to_owned(),
            },
            LaunchError::NotAWebLink => Error::NotAWebLink,
            LaunchError::Spawn { browser, reason } => Error::LaunchFailed {
                browser: Said::verbatim(browser.spec().name),
                detail: Said::verbatim(reason),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_crosses_as_code_message_and_parameters() {
        let error = Error::NotLinked {
            profile: "edge:Default".into(),
        };
        assert_eq!(error.code(), "not_linked");
        let json = serde_json::to_value(error.reply()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "not_linked",
                "profile": "edge:Default",
                "message": "edge:Default is not linked",
            })
        );
        assert_eq!(
            serde_json::to_value(OwnedReply(Error::Declined)).unwrap()["code"],
            "declined"
        );
    }

    #[test]
    fn what_could_not_start_is_worded_in_the_readers_language() {
        use tandem_i18n::Language;
        let app = Error::LaunchFailed {
            browser: Said::new("launch.tandem_app"),
            detail: Said::verbatim("No such file or directory (os error 2)"),
        };
        assert_eq!(
            app.to_string(),
            "cannot start Tandem's app: No such file or directory (os error 2)"
        );
        assert_eq!(
            app.localized(Language::Nl),
            "Kan de app van Tandem niet starten: No such file or directory (os error 2)"
        );
        // A browser's name is its own in every language.
        let edge = Error::LaunchFailed {
            browser: Said::verbatim("Microsoft Edge"),
            detail: Said::verbatim("Permission denied (os error 13)"),
        };
        assert_eq!(
            edge.localized(Language::Nl),
            "Kan Microsoft Edge niet starten: Permission denied (os error 13)"
        );
        let json = serde_json::to_value(edge.reply()).unwrap();
        assert_eq!(json["browser"]["text"], "Microsoft Edge");
    }

    #[test]
    fn the_missing_client_id_says_how_to_register_one_in_the_readers_language() {
        use tandem_i18n::Language;
        let error = Error::from(ConfigError::ClientIdMissing {
            settings: "/home/u/.config/tandem/identity.json".into(),
        });
        let english = error.to_string();
        assert!(
            english.ends_with("in /home/u/.config/tandem/identity.json"),
            "{english}"
        );
        for step in [
            "http://localhost",
            "Allow public client flows",
            "TANDEM_CLIENT_ID",
        ] {
            assert!(english.contains(step), "{english}");
        }
        // The catalogue's English is the message itself.
        let reply = serde_json::to_value(error.reply()).unwrap();
        let filled = tandem_i18n::fill(Language::En.text("error.no_client_id"), |name| {
            reply[name].as_str().map(str::to_owned)
        });
        assert_eq!(filled, english);
        let dutch = error.localized(Language::Nl);
        assert!(
            dutch.starts_with("Tandem heeft geen toepassings-id"),
            "{dutch}"
        );
        assert!(
            dutch.contains("{\"client_id\": \"…\"} in /home/u/"),
            "{dutch}"
        );
    }

    #[test]
    fn a_missing_keyring_and_home_read_as_before_in_english_and_in_dutch_for_dutch_readers() {
        use tandem_i18n::Language;
        let vault = VaultError::NoKeyring {
            detail: "org.freedesktop.secrets was not provided".into(),
        };
        let english = vault.to_string();
        let error = Error::from(vault);
        assert_eq!(error.to_string(), english);
        let dutch = error.localized(Language::Nl);
        assert!(
            dutch.starts_with(
                "er is geen sleutelhanger van het systeem beschikbaar (org.freedesktop"
            ),
            "{dutch}"
        );
        let home = Error::from(LocationError::NoHome);
        assert_eq!(home.to_string(), LocationError::NoHome.to_string());
        assert!(home.localized(Language::Nl).starts_with("je thuismap"));
    }

    #[test]
    fn a_sign_in_of_the_wrong_kind_keeps_plain_kinds_for_scripts_and_words_them_for_people() {
        use tandem_i18n::Language;
        use tandem_identity::MicrosoftAccountKind::{Personal, Work};
        let error = Error::wrong_account_kind(Personal, Work);
        let json = serde_json::to_value(error.reply()).unwrap();
        assert_eq!(
            (&json["wanted"], &json["got"]),
            (&"personal".into(), &"work".into())
        );
        assert_eq!(
            error.to_string(),
            "That sign-in was a work account, but Tandem asked for a personal Microsoft account; \
             nothing was stored."
        );
        assert_eq!(
            error.localized(Language::Nl),
            "Die aanmelding was een werkaccount, maar Tandem vroeg om een persoonlijk \
             Microsoft-account; er is niets opgeslagen."
        );
    }

    #[test]
    fn what_this_system_cannot_do_reads_the_same_in_english_either_way() {
        use tandem_i18n::Language;
        for what in tandem_footprint::Unsupported::ALL {
            assert_eq!(Language::En.text(what.key()), what.english(), "{what:?}");
            let error = Error::from(FootprintError::Unsupported(what));
            assert_eq!(
                error.to_string(),
                FootprintError::Unsupported(what).to_string()
            );
            assert!(!error.localized(Language::Nl).contains(what.english()));
        }
    }
}
