//! Which application Tandem signs in as, and with which authority. Sources,
//! lowest first: the settings file, then `TANDEM_CLIENT_ID` and
//! `TANDEM_AUTHORITY`, then Tandem's policies `ClientId` and `Authority`
//! (declared in `tandem_policy::declared`, read on every OS), which win.

use std::path::PathBuf;

use serde::Deserialize;
use tandem_locations::Locations;

use crate::account::MicrosoftAccountKind;

/// The scopes every sign-in asks for: identity, and a refresh token.
pub const SCOPES: [&str; 3] = ["openid", "profile", "offline_access"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentitySettings {
    pub client_id: String,
    /// An issuer URL that serves both account kinds, when set.
    pub authority: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // How to register one is said by the error people read
    // (`tandem_api::Error::NoClientId`), in their language.
    #[error(
        "no application (client) id to sign in with: set TANDEM_CLIENT_ID, or client_id in {settings:?}"
    )]
    ClientIdMissing { settings: PathBuf },
    #[error("{path:?} is not valid: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

#[derive(Debug, Default, Deserialize)]
struct SettingsFile {
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    authority: Option<String>,
}

impl IdentitySettings {
    /// Resolves the settings from every source, with this process's variables.
    pub fn from_env(locations: &Locations) -> Result<Self, ConfigError> {
        Self::resolve(locations, |var| std::env::var(var).ok())
    }

    /// Resolves the settings from every source, with `env` giving variables.
    pub fn resolve(
        locations: &Locations,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        use tandem_policy::{Level, Publisher, declared};
        let settings_path = locations.config_dir().join("identity.json");
        let settings = read(&settings_path)?;
        let policies = tandem_policy::PolicySet::read(locations);
        // A managed source Tandem cannot read may hold the admin's value:
        // signing in with another would be the admin's decision undone.
        if let Some(problem) = policies
            .problems_at(Publisher::Tandem, Level::Managed)
            .next()
        {
            return Err(ConfigError::Invalid {
                path: PathBuf::from(&problem.source.location),
                reason: problem.reason.to_string(),
            });
        }
        // The admin's value as text; any other type, or blank text, is
        // refused rather than passed over for the person's own.
        let policy = |declared: declared::Declared, level: Level| {
            let Some(setting) = policies.get_at(Publisher::Tandem, declared.name, level) else {
                return Ok(None);
            };
            match setting.value.as_str().map(str::trim) {
                Some(text) if !text.is_empty() => Ok(Some(text.to_owned())),
                _ => Err(ConfigError::Invalid {
                    path: PathBuf::from(&setting.source.location),
                    reason: format!("{} must be non-empty text", declared.name),
                }),
            }
        };
        // Managed wins over everything; a recommended value only fills in
        // what the person left unset.
        let pick = |declared: declared::Declared, env_var: &str, file: Option<String>| {
            let blank = |value: &String| value.trim().is_empty();
            let own = env(env_var)
                .filter(|value| !blank(value))
                .or(file.filter(|value| !blank(value)))
                .map(|value| value.trim().to_owned());
            Ok::<_, ConfigError>(match policy(declared, Level::Managed)? {
                Some(managed) => Some(managed),
                None => match own {
                    Some(own) => Some(own),
                    None => policy(declared, Level::Recommended)?,
                },
            })
        };
        let client_id = pick(declared::CLIENT_ID, "TANDEM_CLIENT_ID", settings.client_id)?.ok_or(
            ConfigError::ClientIdMissing {
                settings: settings_path,
            },
        )?;
        let authority = pick(declared::AUTHORITY, "TANDEM_AUTHORITY", settings.authority)?
            .map(|value| value.trim_end_matches('/').to_owned());
        Ok(Self {
            client_id,
            authority,
        })
    }

    /// The issuer to sign `kind` in with: Microsoft's `consumers` or
    /// `organizations` authority, unless an authority is configured.
    pub fn issuer(&self, kind: MicrosoftAccountKind) -> String {
        match &self.authority {
            Some(authority) => authority.clone(),
            None => match kind {
                MicrosoftAccountKind::Personal => {
                    "https://login.microsoftonline.com/consumers/v2.0".into()
                }
                MicrosoftAccountKind::Work => {
                    "https://login.microsoftonline.com/organizations/v2.0".into()
                }
            },
        }
    }
}

/// A settings file holds two short strings; anything larger is not one.
const MAX_SETTINGS_BYTES: u64 = 64 * 1024;

fn read(path: &std::path::Path) -> Result<SettingsFile, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    match tandem_files::read_regular(path, MAX_SETTINGS_BYTES) {
        Ok(Some(bytes)) => {
            serde_json::from_slice(&bytes).map_err(|error| invalid(error.to_string()))
        }
        Ok(None) => Ok(SettingsFile::default()),
        Err(error) => Err(invalid(format!("it {error}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: PathBuf, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn policy_beats_environment_beats_settings() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        write(
            locations.config_dir().join("identity.json"),
            r#"{"client_id": "from-settings", "authority": "https://settings.example/v2.0/"}"#,
        );
        let none = |_: &str| None;
        let settings = IdentitySettings::resolve(&locations, none).unwrap();
        assert_eq!(settings.client_id, "from-settings");
        assert_eq!(
            settings.authority.as_deref(),
            Some("https://settings.example/v2.0")
        );

        let env = |var: &str| (var == "TANDEM_CLIENT_ID").then(|| "from-env".to_owned());
        assert_eq!(
            IdentitySettings::resolve(&locations, env)
                .unwrap()
                .client_id,
            "from-env"
        );

        write(
            locations
                .system_path("/etc/tandem/policies/managed/identity.json")
                .unwrap(),
            r#"{"ClientId": "from-policy"}"#,
        );
        assert_eq!(
            IdentitySettings::resolve(&locations, env)
                .unwrap()
                .client_id,
            "from-policy"
        );
    }

    #[test]
    fn the_admins_value_wins_a_recommended_one_only_fills_in_and_a_bad_one_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let policy = |level: &str, text: &str| {
            let path = locations
                .system_path(&format!("/etc/tandem/policies/{level}/p.json"))
                .unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let own = |var: &str| match var {
            "TANDEM_AUTHORITY" => Some("http://127.0.0.1:9".to_owned()),
            // Set but blank: says nothing, so the settings file still counts.
            _ => Some("  ".to_owned()),
        };
        write(
            locations.config_dir().join("identity.json"),
            r#"{"client_id": "own-file-id"}"#,
        );
        policy(
            "recommended",
            r#"{"ClientId": "recommended-id", "Authority": "http://127.0.0.2:9"}"#,
        );
        let settings = IdentitySettings::resolve(&locations, own).unwrap();
        assert_eq!(
            settings.client_id, "own-file-id",
            "a blank variable does not hide the person's settings file"
        );
        std::fs::remove_file(locations.config_dir().join("identity.json")).unwrap();
        let settings = IdentitySettings::resolve(&locations, own).unwrap();
        assert_eq!(
            settings.client_id, "recommended-id",
            "fills in what is unset"
        );
        assert_eq!(
            settings.authority.as_deref(),
            Some("http://127.0.0.1:9"),
            "the person's own value beats a recommended one"
        );
        for bad in [
            r#"{"ClientId": 123}"#,
            r#"{"ClientId": "  "}"#,
            r#"{"ClientId": ["a"]}"#,
            "{not json",
        ] {
            policy("managed", bad);
            let env = |var: &str| (var == "TANDEM_CLIENT_ID").then(|| "own-id".to_owned());
            assert!(
                matches!(
                    IdentitySettings::resolve(&locations, env),
                    Err(ConfigError::Invalid { .. })
                ),
                "{bad} is refused, not passed over for the person's own id"
            );
        }
    }

    #[test]
    fn microsoft_authorities_by_kind_unless_one_is_set() {
        let settings = IdentitySettings {
            client_id: "x".into(),
            authority: None,
        };
        assert!(
            settings
                .issuer(MicrosoftAccountKind::Personal)
                .ends_with("/consumers/v2.0")
        );
        assert!(
            settings
                .issuer(MicrosoftAccountKind::Work)
                .ends_with("/organizations/v2.0")
        );
        let local = IdentitySettings {
            authority: Some("http://127.0.0.1:3000".into()),
            ..settings
        };
        assert_eq!(
            local.issuer(MicrosoftAccountKind::Work),
            "http://127.0.0.1:3000"
        );
    }

    #[test]
    fn a_missing_client_id_names_where_to_set_one() {
        // How to register one is tested with the error people read
        // (tandem-api's `NoClientId`).
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        let error = IdentitySettings::resolve(&locations, |_| None).unwrap_err();
        assert!(
            matches!(&error, ConfigError::ClientIdMissing { settings } if *settings == locations.config_dir().join("identity.json")),
            "{error}"
        );
        assert!(error.to_string().contains("TANDEM_CLIENT_ID"), "{error}");
    }

    #[test]
    fn a_broken_settings_file_is_named() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        write(locations.config_dir().join("identity.json"), "{not json");
        let error = IdentitySettings::resolve(&locations, |_| None).unwrap_err();
        assert!(matches!(error, ConfigError::Invalid { .. }), "{error}");
    }
}
