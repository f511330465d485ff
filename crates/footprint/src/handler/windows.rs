//! Windows: what registers Tandem as a link handler, as data. An app may
//! declare itself able to open web links (`Capabilities` and
//! `RegisteredApplications`, under `HKCU`), but only the person can make it
//! the default, in Settings: the `UserChoice` keys are protected by a hash
//! no app may forge. So Tandem writes the values below and opens
//! [`SETTINGS_PAGE`] on itself.

use std::path::Path;

/// The class Tandem's link associations point at.
pub const PROG_ID: &str = "Tandem.Link";
/// The name Tandem registers under, as Settings shows it.
pub const APPLICATION: &str = "Tandem";
/// Settings › Default apps, opened on Tandem.
pub const SETTINGS_PAGE: &str = "ms-settings:defaultapps?registeredAppUser=Tandem";

/// One registry value under `HKEY_CURRENT_USER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryValue {
    pub key: String,
    /// `None` for the key's default value.
    pub name: Option<&'static str>,
    pub data: String,
}

fn value(key: &str, name: Option<&'static str>, data: impl Into<String>) -> RegistryValue {
    RegistryValue {
        key: key.to_owned(),
        name,
        data: data.into(),
    }
}

/// The values that declare `tandem.exe` at `cli` a handler of http and
/// https links, run as `tandem.exe open -- "<link>"`. `None` for a path
/// that cannot be quoted on a Windows command line.
pub fn registration(cli: &Path) -> Option<Vec<RegistryValue>> {
    let cli = cli.to_string_lossy();
    if cli.contains(['"', '\n', '\r', '\0']) {
        return None;
    }
    let class = format!(r"Software\Classes\{PROG_ID}");
    let capabilities = format!(r"Software\{APPLICATION}\Capabilities");
    Some(vec![
        value(&class, None, "Tandem link"),
        value(
            &format!(r"{class}\DefaultIcon"),
            None,
            format!("\"{cli}\",0"),
        ),
        value(
            &format!(r"{class}\shell\open\command"),
            None,
            // `--` ends the options: nothing in the link becomes one, and a
            // link split by a stray quote is refused as extra arguments.
            format!("\"{cli}\" open -- \"%1\""),
        ),
        value(&capabilities, Some("ApplicationName"), APPLICATION),
        value(
            &capabilities,
            Some("ApplicationDescription"),
            "Opens each link in the browser profile it belongs to",
        ),
        value(
            &format!(r"{capabilities}\URLAssociations"),
            Some("http"),
            PROG_ID,
        ),
        value(
            &format!(r"{capabilities}\URLAssociations"),
            Some("https"),
            PROG_ID,
        ),
        value(
            r"Software\RegisteredApplications",
            Some(APPLICATION),
            capabilities.clone(),
        ),
    ])
}

/// What unregistering removes: whole keys, and single values.
pub fn removal() -> (Vec<String>, Vec<(String, &'static str)>) {
    (
        vec![
            format!(r"Software\Classes\{PROG_ID}"),
            format!(r"Software\{APPLICATION}"),
        ],
        vec![(r"Software\RegisteredApplications".to_owned(), APPLICATION)],
    )
}

/// Writes the registration for `tandem.exe` at `cli` under `HKCU`.
pub fn register(cli: &Path) -> Result<(), crate::FootprintError> {
    let values = registration(cli).ok_or_else(|| crate::FootprintError::Io {
        action: "register",
        path: cli.to_path_buf(),
        source: std::io::ErrorKind::InvalidInput.into(),
    })?;
    registry::write(&values)
}

/// Removes the registration; whether there was one.
pub fn unregister() -> Result<bool, crate::FootprintError> {
    let (keys, values) = removal();
    registry::remove(&keys, &values)
}

#[cfg(windows)]
mod registry {
    use winreg::RegKey;
    use winreg::enums::HKEY_CURRENT_USER;

    use super::RegistryValue;
    use crate::FootprintError;

    fn failed(key: &str) -> impl FnOnce(std::io::Error) -> FootprintError + '_ {
        move |source| FootprintError::Io {
            action: "write the registry key",
            path: std::path::PathBuf::from(format!(r"HKEY_CURRENT_USER\{key}")),
            source,
        }
    }

    pub fn write(values: &[RegistryValue]) -> Result<(), FootprintError> {
        let root = RegKey::predef(HKEY_CURRENT_USER);
        for value in values {
            let (key, _) = root.create_subkey(&value.key).map_err(failed(&value.key))?;
            key.set_value(value.name.unwrap_or(""), &value.data)
                .map_err(failed(&value.key))?;
        }
        Ok(())
    }

    pub fn remove(keys: &[String], values: &[(String, &str)]) -> Result<bool, FootprintError> {
        let root = RegKey::predef(HKEY_CURRENT_USER);
        let mut removed = false;
        for key in keys {
            match root.delete_subkey_all(key) {
                Ok(()) => removed = true,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(failed(key)(error)),
            }
        }
        for (key, name) in values {
            if let Ok(opened) = root.open_subkey_with_flags(key, winreg::enums::KEY_SET_VALUE) {
                match opened.delete_value(name) {
                    Ok(()) => removed = true,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(failed(key)(error)),
                }
            }
        }
        Ok(removed)
    }
}

#[cfg(not(windows))]
mod registry {
    use super::RegistryValue;
    use crate::FootprintError;

    pub fn write(_: &[RegistryValue]) -> Result<(), FootprintError> {
        Err(FootprintError::Unsupported(
            crate::Unsupported::WindowsRegistry,
        ))
    }

    pub fn remove(_: &[String], _: &[(String, &str)]) -> Result<bool, FootprintError> {
        Err(FootprintError::Unsupported(
            crate::Unsupported::WindowsRegistry,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registration_points_links_at_tandem_open() {
        let values = registration(Path::new(r"C:\Program Files\Tandem\tandem.exe")).unwrap();
        let command = values
            .iter()
            .find(|value| value.key.ends_with(r"shell\open\command"))
            .unwrap();
        assert_eq!(
            command.data,
            r#""C:\Program Files\Tandem\tandem.exe" open -- "%1""#
        );
        let associations: Vec<_> = values
            .iter()
            .filter(|value| value.key.ends_with("URLAssociations"))
            .map(|value| (value.name.unwrap(), value.data.as_str()))
            .collect();
        assert_eq!(associations, [("http", PROG_ID), ("https", PROG_ID)]);
        let registered = values
            .iter()
            .find(|value| value.key == r"Software\RegisteredApplications")
            .unwrap();
        assert_eq!(registered.data, r"Software\Tandem\Capabilities");
        // Every key written is removed again.
        let (keys, single) = removal();
        for value in &values {
            assert!(
                keys.iter().any(|key| value.key.starts_with(key.as_str()))
                    || single
                        .iter()
                        .any(|(key, name)| *key == value.key && Some(*name) == value.name),
                "{value:?} would stay behind"
            );
        }
        assert_eq!(registration(Path::new("C:\\a\"b\\tandem.exe")), None);
    }
}
