//! Windows: Group Policy writes policies to the registry, under
//! `HKLM\SOFTWARE\Policies\<vendor>\<product>` (machine) and the same path in
//! `HKCU` (user), with recommended values in a `Recommended` subkey. Boolean
//! policies are `REG_DWORD` 0 or 1; strings are `REG_SZ`.
//!
//! Decoding a value's bytes is plain code, tested on every OS; opening the
//! registry exists only in Windows builds.

// Only Windows builds read the registry; elsewhere the decoding is kept (and
// tested) so that it cannot rot.
#![cfg_attr(not(windows), allow(dead_code))]

use crate::{Level, PolicySet, Publisher, Scope, Source};

/// Registry value types (`winnt.h`).
pub const REG_SZ: u32 = 1;
pub(crate) const REG_EXPAND_SZ: u32 = 2;
pub const REG_DWORD: u32 = 4;
pub(crate) const REG_QWORD: u32 = 11;

/// The policy key of `publisher` at `level`, under a hive.
pub(crate) fn key_path(publisher: Publisher, level: Level) -> String {
    let base = match publisher {
        Publisher::Tandem => r"SOFTWARE\Policies\Tandem",
        Publisher::Edge => r"SOFTWARE\Policies\Microsoft\Edge",
        Publisher::Chrome => r"SOFTWARE\Policies\Google\Chrome",
        Publisher::Chromium => r"SOFTWARE\Policies\Chromium",
    };
    match level {
        Level::Managed => base.to_owned(),
        Level::Recommended => format!(r"{base}\Recommended"),
    }
}

/// One registry value as policy JSON; `None` for a type policies do not use
/// (a linking policy of such a type then fails closed as "not true or false").
pub(crate) fn decode(value_type: u32, bytes: &[u8]) -> Option<serde_json::Value> {
    match value_type {
        REG_DWORD => {
            let bytes: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
            Some(u32::from_le_bytes(bytes).into())
        }
        REG_QWORD => {
            let bytes: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
            Some(u64::from_le_bytes(bytes).into())
        }
        REG_SZ | REG_EXPAND_SZ => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .take_while(|unit| *unit != 0)
                .collect();
            String::from_utf16(&units)
                .ok()
                .map(serde_json::Value::String)
        }
        _ => None,
    }
}

/// Records the values of one key. `values` are (name, type, bytes).
pub(crate) fn apply_key(
    set: &mut PolicySet,
    publisher: Publisher,
    level: Level,
    scope: Scope,
    location: String,
    values: impl IntoIterator<Item = (String, u32, Vec<u8>)>,
) {
    let source = Source {
        publisher,
        level,
        scope,
        location,
    };
    let decoded = values
        .into_iter()
        .map(|(name, value_type, bytes)| {
            let value = decode(value_type, &bytes).unwrap_or(serde_json::Value::Null);
            (name, value)
        })
        .collect();
    set.apply(&source, decoded);
}

#[cfg(windows)]
pub(crate) fn read() -> PolicySet {
    use winreg::RegKey;
    use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE};

    let mut set = PolicySet::default();
    for (hive, hive_name, scope) in [
        (HKEY_CURRENT_USER, "HKCU", Scope::User),
        (HKEY_LOCAL_MACHINE, "HKLM", Scope::Machine),
    ] {
        for publisher in Publisher::ALL {
            for level in [Level::Recommended, Level::Managed] {
                let path = key_path(publisher, level);
                let location = format!(r"{hive_name}\{path}");
                let key = match RegKey::predef(hive).open_subkey(&path) {
                    Ok(key) => key,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                    // A key that exists but cannot be read may hold a "no".
                    Err(error) => {
                        let source = Source {
                            publisher,
                            level,
                            scope,
                            location,
                        };
                        set.problem(source, crate::unreadable(error));
                        continue;
                    }
                };
                let values: Vec<(String, u32, Vec<u8>)> = key
                    .enum_values()
                    .filter_map(Result::ok)
                    .map(|(name, value)| (name, value.vtype as u32, value.bytes.to_vec()))
                    .collect();
                apply_key(
                    &mut set,
                    publisher,
                    level,
                    scope,
                    format!(r"{hive_name}\{path}"),
                    values,
                );
            }
        }
    }
    set
}

#[cfg(not(windows))]
pub(crate) fn read() -> PolicySet {
    PolicySet::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    #[test]
    fn decodes_the_value_types_policies_use() {
        assert_eq!(decode(REG_DWORD, &[1, 0, 0, 0]), Some(1.into()));
        assert_eq!(decode(REG_DWORD, &[0, 0, 0, 0]), Some(0.into()));
        assert_eq!(decode(REG_DWORD, &[1, 0]), None, "a short DWORD is damaged");
        assert_eq!(decode(REG_QWORD, &7u64.to_le_bytes()), Some(7.into()));
        assert_eq!(
            decode(REG_SZ, &utf16("https://intranet.contoso.com")),
            Some("https://intranet.contoso.com".into())
        );
        assert_eq!(decode(REG_EXPAND_SZ, &utf16("é")), Some("é".into()));
        assert_eq!(decode(3 /* REG_BINARY */, &[1]), None);
    }

    #[test]
    fn key_paths_follow_the_vendors_documentation() {
        assert_eq!(
            key_path(Publisher::Edge, Level::Managed),
            r"SOFTWARE\Policies\Microsoft\Edge"
        );
        assert_eq!(
            key_path(Publisher::Chrome, Level::Recommended),
            r"SOFTWARE\Policies\Google\Chrome\Recommended"
        );
    }

    #[test]
    fn machine_beats_user_managed_beats_recommended_and_dwords_are_switches() {
        let mut set = PolicySet::default();
        let edge = |set: &mut PolicySet, level, scope, on: u32| {
            apply_key(
                set,
                Publisher::Edge,
                level,
                scope,
                format!("{scope:?}/{level:?}"),
                [(
                    "LinkedAccountEnabled".to_owned(),
                    REG_DWORD,
                    on.to_le_bytes().to_vec(),
                )],
            );
        };
        // Applied weakest last, so order alone cannot make the test pass.
        edge(&mut set, Level::Managed, Scope::Machine, 0);
        edge(&mut set, Level::Managed, Scope::User, 1);
        edge(&mut set, Level::Recommended, Scope::Machine, 1);
        let decision = set.linking(Publisher::Edge);
        assert!(!decision.allowed());
        assert!(
            decision
                .reason()
                .unwrap()
                .to_string()
                .contains("Machine/Managed")
        );

        let mut user_only = PolicySet::default();
        edge(&mut user_only, Level::Recommended, Scope::Machine, 0);
        edge(&mut user_only, Level::Managed, Scope::User, 1);
        assert!(
            user_only.linking(Publisher::Edge).allowed(),
            "managed user beats recommended machine"
        );

        let mut odd = PolicySet::default();
        apply_key(
            &mut odd,
            Publisher::Tandem,
            Level::Managed,
            Scope::Machine,
            "HKLM".into(),
            [(
                "LinkingEnabled".to_owned(),
                REG_DWORD,
                2u32.to_le_bytes().to_vec(),
            )],
        );
        assert!(
            !odd.linking(Publisher::Tandem).allowed(),
            "2 is not a switch: fail closed"
        );
    }
}
