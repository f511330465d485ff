//! macOS: configuration profiles install managed preferences as plists in
//! `/Library/Managed Preferences` (for the machine) and
//! `/Library/Managed Preferences/<user>` (for one user). Both are managed.
//! XML and binary plists are read alike.

use std::path::PathBuf;

use tandem_locations::Locations;

use crate::{Level, PolicySet, Publisher, Said, Scope, Source};

const MANAGED_PREFERENCES: &str = "/Library/Managed Preferences";

fn domain(publisher: Publisher) -> &'static str {
    match publisher {
        Publisher::Tandem => "dev.tandem.Tandem",
        Publisher::Edge => "com.microsoft.Edge",
        Publisher::Chrome => "com.google.Chrome",
        Publisher::Chromium => "org.chromium.Chromium",
    }
}

/// The user whose per-user managed preferences apply.
pub(crate) fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default()
}

fn user_folder(user: &str) -> Option<String> {
    // A user name is one path component; anything else is not looked up.
    let valid = !user.is_empty() && user != "." && user != ".." && !user.contains('/');
    valid.then(|| format!("{MANAGED_PREFERENCES}/{user}"))
}

pub(crate) fn folders(locations: &Locations, user: &str) -> Vec<PathBuf> {
    [Some(MANAGED_PREFERENCES.to_owned()), user_folder(user)]
        .into_iter()
        .flatten()
        .filter_map(|folder| locations.system_path(&folder).ok())
        .collect()
}

/// Turns a plist's top-level dictionary into policy values.
pub(crate) fn parse(bytes: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, Said> {
    let value = plist::Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|error| Said::new("policy.problem.not_plist").with("detail", error.to_string()))?;
    let plist::Value::Dictionary(dictionary) = value else {
        return Err(Said::new("policy.problem.not_a_dictionary"));
    };
    Ok(dictionary
        .into_iter()
        .map(|(name, value)| (name, to_json(value)))
        .collect())
}

fn to_json(value: plist::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        plist::Value::Boolean(on) => J::Bool(on),
        plist::Value::Integer(integer) => integer
            .as_signed()
            .map(J::from)
            .or_else(|| integer.as_unsigned().map(J::from))
            .unwrap_or(J::Null),
        plist::Value::Real(real) => serde_json::Number::from_f64(real).map_or(J::Null, J::Number),
        plist::Value::String(text) => J::String(text),
        plist::Value::Array(items) => J::Array(items.into_iter().map(to_json).collect()),
        plist::Value::Dictionary(entries) => J::Object(
            entries
                .into_iter()
                .map(|(name, value)| (name, to_json(value)))
                .collect(),
        ),
        // Dates, data and UIDs are no policy type Tandem reads; a linking
        // policy of such a type is "not true or false", which fails closed.
        _ => J::Null,
    }
}

pub(crate) fn read(locations: &Locations, user: &str) -> PolicySet {
    let mut set = PolicySet::default();
    let scoped = [
        (Scope::User, user_folder(user)),
        (Scope::Machine, Some(MANAGED_PREFERENCES.to_owned())),
    ];
    for (scope, folder) in scoped {
        let Some(folder) = folder else { continue };
        for publisher in Publisher::ALL {
            let Ok(path) = locations.system_path(&format!("{folder}/{}.plist", domain(publisher)))
            else {
                continue;
            };
            let bytes = match tandem_files::read_regular(&path, crate::MAX_POLICY_BYTES) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(error) => {
                    let source = source(publisher, scope, &path);
                    set.problem(source, error.said());
                    continue;
                }
            };
            let source = source(publisher, scope, &path);
            match parse(&bytes) {
                Ok(values) => set.apply(&source, values),
                Err(reason) => set.problem(source, reason),
            }
        }
    }
    set
}

fn source(publisher: Publisher, scope: Scope, path: &std::path::Path) -> Source {
    Source {
        publisher,
        level: Level::Managed,
        scope,
        location: path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>LinkedAccountEnabled</key>
    <false/>
    <key>RestoreOnStartup</key>
    <integer>1</integer>
    <key>HomepageLocation</key>
    <string>https://intranet.contoso.com</string>
</dict>
</plist>"#;

    #[test]
    fn parses_xml_and_binary_plists() {
        let values = parse(XML.as_bytes()).unwrap();
        assert_eq!(values["LinkedAccountEnabled"], false);
        assert_eq!(values["RestoreOnStartup"], 1);
        assert_eq!(values["HomepageLocation"], "https://intranet.contoso.com");

        let mut binary = Vec::new();
        plist::Value::from_reader_xml(XML.as_bytes())
            .unwrap()
            .to_writer_binary(&mut binary)
            .unwrap();
        assert!(binary.starts_with(b"bplist00"));
        assert_eq!(parse(&binary).unwrap(), values);
    }

    #[test]
    fn rejects_what_is_not_a_dictionary() {
        assert!(parse(b"<plist version=\"1.0\"><dict>").is_err());
        let array = r#"<plist version="1.0"><array><true/></array></plist>"#;
        assert!(
            parse(array.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("dictionary")
        );
    }

    fn write(locations: &Locations, path: &str, text: &str) {
        let path = locations.system_path(path).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn plist_with(name: &str, on: bool) -> String {
        format!(
            r#"<plist version="1.0"><dict><key>{name}</key><{}/></dict></plist>"#,
            if on { "true" } else { "false" }
        )
    }

    #[test]
    fn machine_beats_user_and_a_bad_plist_fails_closed() {
        let root = tempfile::tempdir().unwrap();
        let locations = Locations::under(root.path());
        write(
            &locations,
            "/Library/Managed Preferences/ada/com.microsoft.Edge.plist",
            &plist_with("LinkedAccountEnabled", true),
        );
        write(
            &locations,
            "/Library/Managed Preferences/com.microsoft.Edge.plist",
            &plist_with("LinkedAccountEnabled", false),
        );
        let set = read(&locations, "ada");
        let decision = set.linking(Publisher::Edge);
        assert!(!decision.allowed());
        let setting = set.get(Publisher::Edge, "LinkedAccountEnabled").unwrap();
        assert_eq!(setting.source.scope, Scope::Machine);

        // The user's own profile applies when the machine says nothing.
        write(
            &locations,
            "/Library/Managed Preferences/ada/dev.tandem.Tandem.plist",
            &plist_with("LinkingEnabled", false),
        );
        let set = read(&locations, "ada");
        assert!(!set.linking(Publisher::Tandem).allowed());
        assert!(read(&locations, "bob").linking(Publisher::Tandem).allowed());

        write(
            &locations,
            "/Library/Managed Preferences/dev.tandem.Tandem.plist",
            "<plist><dict><key>",
        );
        let decision = read(&locations, "bob").linking(Publisher::Tandem);
        assert!(!decision.allowed());
        assert!(
            decision
                .reason()
                .unwrap()
                .to_string()
                .contains("dev.tandem.Tandem.plist")
        );
    }

    #[test]
    fn a_user_name_never_leaves_the_folder() {
        assert_eq!(user_folder(".."), None);
        assert_eq!(user_folder("a/b"), None);
        assert_eq!(user_folder(""), None);
        let locations = Locations::under(std::path::Path::new("/m"));
        assert_eq!(folders(&locations, "..").len(), 1);
    }
}
