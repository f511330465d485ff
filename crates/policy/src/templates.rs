//! The admin templates, generated from the declaration (`declared.rs`) and
//! the catalogues, so a policy is written down once: Windows ADMX with ADML
//! in en-US and nl-NL, a macOS configuration profile and a preference
//! manifest, Linux JSON examples for `managed/` and `recommended/`, and the
//! reference page. `tandem policy --templates <folder>` writes them, and
//! `make bundle` ships them beside the packages.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;
use tandem_i18n::Language;

use crate::declared::{DECLARED, Declared, EDGE_HONOURED, PolicyType};
use crate::{Level, Publisher};

/// The registry key of Tandem's policies, as the ADMX names it (under
/// HKLM or HKCU).
const KEY: &str = r"Software\Policies\Tandem";
/// The managed-preferences domain on macOS.
pub const MACOS_DOMAIN: &str = "dev.tandem.Tandem";
/// Generous for a JSON list of rules, as Edge's templates allow.
const MAX_TEXT: u32 = 1_000_000;

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn supported(declared: &Declared) -> String {
    format!("SUPPORTED_{}", declared.since.replace('.', "_"))
}

/// The ADMX policy name at `level`: recommended values live in their own
/// key and their own category, as in Edge's templates.
fn admx_name(declared: &Declared, level: Level) -> String {
    match level {
        Level::Managed => declared.name.to_owned(),
        Level::Recommended => format!("{}_recommended", declared.name),
    }
}

fn level_key(level: Level) -> String {
    match level {
        Level::Managed => KEY.to_owned(),
        Level::Recommended => format!(r"{KEY}\Recommended"),
    }
}

/// The Windows ADMX file (`tandem.admx`).
pub fn admx() -> String {
    let mut out = String::new();
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <policyDefinitions xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" revision=\"1.0\" \
         schemaVersion=\"1.0\" xmlns=\"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions\">\n\
         \x20 <policyNamespaces>\n\
         \x20   <target prefix=\"tandem\" namespace=\"Tandem.Policies.Tandem\"/>\n\
         \x20 </policyNamespaces>\n\
         \x20 <resources minRequiredRevision=\"1.0\"/>\n\
         \x20 <supportedOn>\n\
         \x20   <definitions>\n",
    );
    let mut versions: Vec<String> = DECLARED.iter().map(supported).collect();
    versions.sort();
    versions.dedup();
    for version in &versions {
        let _ = writeln!(
            out,
            "      <definition name=\"{version}\" displayName=\"$(string.{version})\"/>"
        );
    }
    out.push_str(
        "    </definitions>\n\
         \x20 </supportedOn>\n\
         \x20 <categories>\n\
         \x20   <category name=\"tandem\" displayName=\"$(string.tandem)\"/>\n\
         \x20   <category name=\"tandem_recommended\" displayName=\"$(string.tandem_recommended)\"/>\n\
         \x20 </categories>\n\
         \x20 <policies>\n",
    );
    for level in [Level::Managed, Level::Recommended] {
        let category = match level {
            Level::Managed => "tandem",
            Level::Recommended => "tandem_recommended",
        };
        for declared in DECLARED {
            let name = admx_name(declared, level);
            let key = level_key(level);
            let common = format!(
                "name=\"{name}\" class=\"Both\" displayName=\"$(string.{policy})\" \
                 explainText=\"$(string.{policy}_Explain)\" key=\"{key}\"",
                policy = declared.name
            );
            match declared.kind {
                PolicyType::Boolean => {
                    let _ = writeln!(
                        out,
                        "    <policy {common} valueName=\"{value}\">\n\
                         \x20     <parentCategory ref=\"{category}\"/>\n\
                         \x20     <supportedOn ref=\"{supported}\"/>\n\
                         \x20     <enabledValue><decimal value=\"1\"/></enabledValue>\n\
                         \x20     <disabledValue><decimal value=\"0\"/></disabledValue>\n\
                         \x20   </policy>",
                        value = declared.name,
                        supported = supported(declared),
                    );
                }
                PolicyType::String | PolicyType::RuleList => {
                    let _ = writeln!(
                        out,
                        "    <policy {common} presentation=\"$(presentation.{policy})\">\n\
                         \x20     <parentCategory ref=\"{category}\"/>\n\
                         \x20     <supportedOn ref=\"{supported}\"/>\n\
                         \x20     <elements>\n\
                         \x20       <text id=\"{policy}\" valueName=\"{policy}\" maxLength=\"{MAX_TEXT}\"/>\n\
                         \x20     </elements>\n\
                         \x20   </policy>",
                        policy = declared.name,
                        supported = supported(declared),
                    );
                }
            }
        }
    }
    out.push_str("  </policies>\n</policyDefinitions>\n");
    out
}

/// The ADML of `language` (`en-US/tandem.adml`, `nl-NL/tandem.adml`).
pub fn adml(language: Language) -> String {
    let t = |key: &str| xml(language.text(key));
    let mut out = String::new();
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <policyDefinitionResources xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" revision=\"1.0\" \
         schemaVersion=\"1.0\" xmlns=\"http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions\">\n",
    );
    let _ = writeln!(
        out,
        "  <displayName>{}</displayName>\n  <description>{}</description>\n  <resources>\n    <stringTable>",
        t("policy.templates.title"),
        t("policy.templates.description"),
    );
    let mut versions: Vec<&str> = DECLARED.iter().map(|d| d.since).collect();
    versions.sort_unstable();
    versions.dedup();
    for version in versions {
        let _ = writeln!(
            out,
            "      <string id=\"SUPPORTED_{}\">{}</string>",
            version.replace('.', "_"),
            xml(&language.format("policy.templates.supported", &[("version", version)])),
        );
    }
    let _ = writeln!(
        out,
        "      <string id=\"tandem\">Tandem</string>\n      <string id=\"tandem_recommended\">{}</string>",
        t("policy.templates.recommended"),
    );
    for declared in DECLARED {
        let _ = writeln!(
            out,
            "      <string id=\"{name}\">{title}</string>\n      <string id=\"{name}_Explain\">{explain}</string>",
            name = declared.name,
            title = t(&declared.title_key()),
            explain = xml(&explain(declared, language)),
        );
    }
    out.push_str("    </stringTable>\n    <presentationTable>\n");
    for declared in DECLARED {
        if declared.kind == PolicyType::Boolean {
            continue;
        }
        let _ = writeln!(
            out,
            "      <presentation id=\"{name}\">\n        <textBox refId=\"{name}\">\n          <label>{label}</label>\n        </textBox>\n      </presentation>",
            name = declared.name,
            label = t(&declared.title_key()),
        );
    }
    out.push_str("    </presentationTable>\n  </resources>\n</policyDefinitionResources>\n");
    out
}

/// The description, then the example as the registry holds it.
fn explain(declared: &Declared, language: Language) -> String {
    format!(
        "{}\n\n{}",
        language.text(&declared.description_key()),
        language.format(
            "policy.templates.example",
            &[("example", &registry_text(&declared.example_value()))]
        )
    )
}

/// A value as the ADMX writes it: `1`/`0`, or text (a list as JSON text).
fn registry_text(value: &Value) -> String {
    match value {
        Value::Bool(on) => u8::from(*on).to_string(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn to_plist(value: &Value) -> plist::Value {
    match value {
        Value::Bool(on) => plist::Value::Boolean(*on),
        Value::String(text) => plist::Value::String(text.clone()),
        Value::Number(number) => number
            .as_i64()
            .map_or(plist::Value::String(number.to_string()), |n| {
                plist::Value::Integer(n.into())
            }),
        Value::Array(items) => plist::Value::Array(items.iter().map(to_plist).collect()),
        Value::Object(map) => plist::Value::Dictionary(
            map.iter()
                .map(|(key, value)| (key.clone(), to_plist(value)))
                .collect(),
        ),
        Value::Null => plist::Value::String(String::new()),
    }
}

/// The managed preferences the example profile sets: every policy at its
/// example value (what an MDM writes to
/// `/Library/Managed Preferences/dev.tandem.Tandem.plist`).
pub fn macos_preferences() -> plist::Dictionary {
    DECLARED
        .iter()
        .map(|declared| {
            (
                declared.name.to_owned(),
                to_plist(&declared.example_value()),
            )
        })
        .collect()
}

fn plist_xml(value: &plist::Value) -> String {
    let mut bytes = Vec::new();
    // Writing a plist to memory fails only for values plists cannot hold,
    // which `to_plist` never makes.
    let _ = value.to_writer_xml(&mut bytes);
    let mut text = String::from_utf8(bytes).unwrap_or_default();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A configuration profile (`tandem.mobileconfig`) that sets every policy
/// to its example: admins edit it and deploy it through their MDM.
pub fn mobileconfig() -> String {
    let mut payload = macos_preferences();
    for (key, value) in [
        ("PayloadType", MACOS_DOMAIN.to_owned()),
        ("PayloadIdentifier", format!("{MACOS_DOMAIN}.policies")),
        (
            "PayloadUUID",
            "5E1E7C3A-1D0B-4B6A-9E2F-7A4C3D2B1A01".to_owned(),
        ),
        ("PayloadDisplayName", "Tandem".to_owned()),
    ] {
        payload.insert(key.to_owned(), plist::Value::String(value));
    }
    payload.insert("PayloadVersion".into(), plist::Value::Integer(1.into()));
    let mut profile = plist::Dictionary::new();
    profile.insert(
        "PayloadContent".into(),
        plist::Value::Array(vec![plist::Value::Dictionary(payload)]),
    );
    for (key, value) in [
        (
            "PayloadDisplayName",
            Language::En.text("policy.templates.title").to_owned(),
        ),
        (
            "PayloadDescription",
            Language::En.text("policy.templates.description").to_owned(),
        ),
        ("PayloadIdentifier", format!("{MACOS_DOMAIN}.profile")),
        ("PayloadType", "Configuration".to_owned()),
        (
            "PayloadUUID",
            "5E1E7C3A-1D0B-4B6A-9E2F-7A4C3D2B1A00".to_owned(),
        ),
        ("PayloadScope", "System".to_owned()),
    ] {
        profile.insert(key.to_owned(), plist::Value::String(value));
    }
    profile.insert("PayloadVersion".into(), plist::Value::Integer(1.into()));
    plist_xml(&plist::Value::Dictionary(profile))
}

/// A preference manifest (`dev.tandem.Tandem.plist`, the ProfileManifests
/// format MDM consoles read) describing every policy.
pub fn preference_manifest() -> String {
    let subkeys: Vec<plist::Value> = DECLARED
        .iter()
        .map(|declared| {
            let mut key = plist::Dictionary::new();
            key.insert("pfm_name".into(), declared.name.into());
            key.insert(
                "pfm_type".into(),
                match declared.kind {
                    PolicyType::Boolean => "boolean",
                    PolicyType::String => "string",
                    PolicyType::RuleList => "array",
                }
                .into(),
            );
            key.insert(
                "pfm_title".into(),
                Language::En.text(&declared.title_key()).into(),
            );
            key.insert(
                "pfm_description".into(),
                Language::En.text(&declared.description_key()).into(),
            );
            let default = declared.default_value();
            if !default.is_null() {
                key.insert("pfm_default".into(), to_plist(&default));
            }
            if declared.kind == PolicyType::RuleList {
                let field = |name: &str, title: &str| {
                    let mut field = plist::Dictionary::new();
                    field.insert("pfm_name".into(), name.into());
                    field.insert("pfm_type".into(), "string".into());
                    field.insert("pfm_title".into(), title.into());
                    field.insert("pfm_require".into(), "always".into());
                    plist::Value::Dictionary(field)
                };
                let mut rule = plist::Dictionary::new();
                rule.insert("pfm_type".into(), "dictionary".into());
                rule.insert(
                    "pfm_subkeys".into(),
                    plist::Value::Array(vec![
                        field("pattern", "Pattern"),
                        field("target", "Target"),
                    ]),
                );
                key.insert(
                    "pfm_subkeys".into(),
                    plist::Value::Array(vec![plist::Value::Dictionary(rule)]),
                );
            }
            plist::Value::Dictionary(key)
        })
        .collect();
    let mut manifest = plist::Dictionary::new();
    manifest.insert("pfm_domain".into(), MACOS_DOMAIN.into());
    manifest.insert("pfm_title".into(), "Tandem".into());
    manifest.insert(
        "pfm_description".into(),
        Language::En.text("policy.templates.description").into(),
    );
    manifest.insert("pfm_format_version".into(), plist::Value::Integer(1.into()));
    manifest.insert("pfm_version".into(), plist::Value::Integer(1.into()));
    manifest.insert(
        "pfm_platforms".into(),
        plist::Value::Array(vec!["macOS".into()]),
    );
    manifest.insert("pfm_subkeys".into(), plist::Value::Array(subkeys));
    plist_xml(&plist::Value::Dictionary(manifest))
}

/// The Linux example: a JSON object of every policy at its example, for
/// `/etc/tandem/policies/managed/` or `recommended/` (both levels take
/// every policy).
pub fn linux_example() -> String {
    let map: serde_json::Map<String, Value> = DECLARED
        .iter()
        .map(|declared| (declared.name.to_owned(), declared.example_value()))
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default();
    text.push('\n');
    text
}

/// Where a Linux policy file of `level` goes.
pub fn linux_folder(level: Level) -> String {
    crate::linux_folder(Publisher::Tandem, level)
}

/// The reference page (`docs/policy.md`).
pub fn reference() -> String {
    let en = Language::En;
    let mut out = String::from(
        "# Tandem's policies\n\n\
         <!-- Generated from crates/policy/src/declared.rs and the catalogues by \
         `tandem policy --templates`; a test fails when it is stale. -->\n\n",
    );
    let _ = writeln!(out, "{}\n", en.text("policy.templates.description"));
    out.push_str(
        "| Where | Managed (enforced) | Recommended (the user may change it) |\n\
         |---|---|---|\n",
    );
    let _ = writeln!(
        out,
        "| Linux | `{}/*.json` | `{}/*.json` |",
        linux_folder(Level::Managed),
        linux_folder(Level::Recommended)
    );
    let _ = writeln!(
        out,
        "| macOS | managed preferences, domain `{MACOS_DOMAIN}` (a configuration profile) | — |"
    );
    let _ = writeln!(
        out,
        "| Windows | `HKLM` or `HKCU\\{KEY}` (ADMX: `tandem.admx`) | `…\\{KEY}\\Recommended` |\n"
    );
    out.push_str(
        "A machine value beats a user value, and managed beats recommended. A file \
         or key that exists but cannot be read turns linking off until it is fixed. \
         `tandem policy --schema` prints the JSON Schema of a policy file, and \
         `tandem policy` shows what applies on this machine and where it came from.\n\n",
    );
    for declared in DECLARED {
        let _ = writeln!(out, "## `{}`\n", declared.name);
        let _ = writeln!(out, "{}\n", en.text(&declared.title_key()));
        let _ = writeln!(out, "{}\n", en.text(&declared.description_key()));
        let default = declared.default_value();
        let _ = writeln!(
            out,
            "- Type: {}\n- Default: {}\n- Platforms: Linux, macOS, Windows\n- Since: Tandem {}\n- Windows value: `{}` (`{}`)\n",
            declared.kind.as_str(),
            if default.is_null() {
                "not set".to_owned()
            } else {
                format!("`{default}`")
            },
            declared.since,
            declared.name,
            match declared.kind {
                PolicyType::Boolean => "REG_DWORD, 1 or 0",
                PolicyType::String => "REG_SZ",
                PolicyType::RuleList => "REG_SZ holding the JSON list",
            },
        );
        let _ = writeln!(
            out,
            "Example (Linux JSON):\n\n```json\n{{\"{}\": {}}}\n```\n",
            declared.name,
            serde_json::to_string(&declared.example_value()).unwrap_or_default()
        );
    }
    out.push_str(
        "## Microsoft Edge's policies that Tandem honours\n\n\
         These are Edge's own: set them with Edge's templates, not Tandem's.\n\n",
    );
    for (name, key) in EDGE_HONOURED {
        let _ = writeln!(out, "- `{name}`: {}", en.text(key));
    }
    out
}

/// Every template, as (path under the output folder, contents).
pub fn all() -> Vec<(String, String)> {
    vec![
        ("windows/tandem.admx".into(), admx()),
        ("windows/en-US/tandem.adml".into(), adml(Language::En)),
        ("windows/nl-NL/tandem.adml".into(), adml(Language::Nl)),
        ("macos/tandem.mobileconfig".into(), mobileconfig()),
        (format!("macos/{MACOS_DOMAIN}.plist"), preference_manifest()),
        ("linux/managed/tandem.json".into(), linux_example()),
        ("linux/recommended/tandem.json".into(), linux_example()),
        ("policy.schema.json".into(), {
            let mut text =
                serde_json::to_string_pretty(&crate::declared::schema()).unwrap_or_default();
            text.push('\n');
            text
        }),
        ("policy.md".into(), reference()),
    ]
}

/// Folders 0755 and files 0644 under `dir`, which only this process has
/// written (it is not followed through links: there are none).
fn readable_by_all(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                readable_by_all(&entry.path())?;
            } else if kind.is_file() {
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o644))?;
            }
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes every template under `folder`, which must not exist yet: an
/// admin's edited copy is never overwritten. They are written into a fresh
/// folder only this user can enter, beside `folder`, which is then renamed:
/// nobody can plant a link inside it while it is written, and a run killed
/// half-way leaves no half-written `folder`.
pub fn write_all(folder: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let parent = match folder.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if std::fs::symlink_metadata(folder).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Anyone may rename entries of a folder everyone may write without
        // the sticky bit (as /tmp has), and so swap the private folder for
        // a link while the templates are written into it.
        let mode = std::fs::metadata(parent)?.permissions().mode();
        if mode & 0o002 != 0 && mode & 0o1000 == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "everyone may rename what is in {} (it is writable by all, without the \
                     sticky bit); choose a folder of your own",
                    parent.display()
                ),
            ));
        }
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tandem-templates-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Only this user may enter it while it is written, whatever the umask.
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let private = builder.tempdir_in(parent)?;
    let mut written = Vec::new();
    for (relative, contents) in all() {
        let path = private.path().join(&relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        tandem_files::export::write_new(
            &path,
            contents.as_bytes(),
            tandem_files::export::Existing::Keep,
        )
        .map_err(std::io::Error::other)?;
        written.push(folder.join(relative));
    }
    // Readable by others once in place, as templates are meant to be handed on.
    readable_by_all(private.path())?;
    // A folder that appeared meanwhile is not replaced (rename would take
    // the place of an empty one, so look once more right before).
    if std::fs::symlink_metadata(folder).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(private.path(), folder).map_err(|error| {
        // Something (a link, a file) took the name meanwhile.
        if error.raw_os_error() == Some(20) {
            std::io::ErrorKind::AlreadyExists.into()
        } else {
            error
        }
    })?;
    // In place: nothing is left to clean up.
    let _ = private.keep();
    Ok(written)
}
