//! Desktop entries (freedesktop.org `*.desktop` files) as the desktop reads
//! them, to run the link handler Tandem replaced exactly as the desktop
//! would have: its `Exec` line split by the specification's quoting rules,
//! and the link put where its field code (`%u`) stands, as one argument.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use tandem_i18n::Said;

/// Desktop entries are small; this is generous.
const MAX_ENTRY_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("{path:?} {reason}")]
    Unreadable { path: PathBuf, reason: Unreadable },
    #[error("{path:?} has no Exec line to run")]
    NoExec { path: PathBuf },
    #[error("{path:?} has an Exec line Tandem cannot read safely: {problem}")]
    BadExec { path: PathBuf, problem: ExecProblem },
}

/// Why an entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("does not exist")]
    Missing,
    #[error("is not UTF-8")]
    NotText,
    /// What reading the file said (`tandem_files::ReadError::said`).
    #[error("{0}")]
    Read(Said),
}

/// What is wrong with an `Exec` line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecProblem {
    #[error("it names no program")]
    NoProgram,
    #[error("the field code %{code} stands inside the argument {word:?}")]
    FieldCodeInside { code: char, word: String },
    #[error("{word:?} ends with a lone %")]
    LonePercent { word: String },
    #[error("a quote is not closed")]
    QuoteNotClosed,
    #[error("it ends with a lone backslash")]
    LoneBackslash,
    #[error("it spans lines")]
    SpansLines,
}

impl EntryError {
    /// The same, to be worded in the person's language.
    pub fn said(&self) -> Said {
        let shown = |path: &Path| format!("{path:?}");
        match self {
            EntryError::Unreadable { path, reason } => Said::new("entry.unreadable")
                .with("path", shown(path))
                .with(
                    "reason",
                    match reason {
                        Unreadable::Missing => Said::new("entry.missing"),
                        Unreadable::NotText => Said::new("entry.not_text"),
                        Unreadable::Read(said) => said.clone(),
                    },
                ),
            EntryError::NoExec { path } => Said::new("entry.no_exec").with("path", shown(path)),
            EntryError::BadExec { path, problem } => Said::new("entry.bad_exec")
                .with("path", shown(path))
                .with("reason", problem.said()),
        }
    }
}

impl ExecProblem {
    pub fn said(&self) -> Said {
        match self {
            ExecProblem::NoProgram => Said::new("entry.exec.no_program"),
            ExecProblem::FieldCodeInside { code, word } => {
                Said::new("entry.exec.field_code_inside")
                    .with("code", format!("%{code}"))
                    .with("word", format!("{word:?}"))
            }
            ExecProblem::LonePercent { word } => {
                Said::new("entry.exec.lone_percent").with("word", format!("{word:?}"))
            }
            ExecProblem::QuoteNotClosed => Said::new("entry.exec.quote_not_closed"),
            ExecProblem::LoneBackslash => Said::new("entry.exec.lone_backslash"),
            ExecProblem::SpansLines => Said::new("entry.exec.spans_lines"),
        }
    }
}

/// The keys of an entry's `[Desktop Entry]` group that Tandem uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopEntry {
    pub path: PathBuf,
    pub name: Option<String>,
    /// `Name[nl]` and the like: the name in each language, as the menus
    /// show it (locale, name), in the order of the file.
    pub localized_names: Vec<(String, String)>,
    pub exec: Option<String>,
    pub icon: Option<String>,
    /// `Hidden=true`: the entry counts as deleted.
    pub hidden: bool,
    /// A program that must exist for the entry to be used.
    pub try_exec: Option<String>,
}

/// The desktop entry `id` (`firefox.desktop`) from the first folder that
/// has it, as the XDG specification looks them up, if it is usable (not
/// `Hidden`, its `TryExec` program there). A link to a regular file is
/// followed (distributions link entries to alternatives).
pub fn find(dirs: &[PathBuf], id: &str) -> Option<PathBuf> {
    if id.contains(['/', '\\']) || !id.ends_with(".desktop") || id.starts_with('.') {
        return None;
    }
    let path = dirs
        .iter()
        .map(|dir| dir.join(id))
        .find(|path| path.is_file())?;
    let entry = DesktopEntry::read(&path).ok()?;
    entry.is_usable().then_some(path)
}

/// Unescapes a desktop entry string value: `\s \n \t \r \\`.
fn unescape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push(' '),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            // Kept for the Exec parser, which has escapes of its own.
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl DesktopEntry {
    pub fn read(path: &Path) -> Result<Self, EntryError> {
        let unreadable = |reason: Unreadable| EntryError::Unreadable {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = tandem_files::read_regular(path, MAX_ENTRY_BYTES)
            .map_err(|error| unreadable(Unreadable::Read(error.said())))?
            .ok_or_else(|| unreadable(Unreadable::Missing))?;
        let text = String::from_utf8(bytes).map_err(|_| unreadable(Unreadable::NotText))?;
        Ok(Self::parse(path, &text))
    }

    pub fn parse(path: &Path, text: &str) -> Self {
        let mut entry = Self {
            path: path.to_path_buf(),
            name: None,
            localized_names: Vec::new(),
            exec: None,
            icon: None,
            hidden: false,
            try_exec: None,
        };
        let mut in_group = false;
        for line in text.lines() {
            let line = line.trim_start();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if line.starts_with('[') {
                in_group = line.trim_end() == "[Desktop Entry]";
                continue;
            }
            if !in_group {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if let Some(locale) = key
                .strip_prefix("Name[")
                .and_then(|rest| rest.strip_suffix(']'))
            {
                entry
                    .localized_names
                    .push((locale.to_owned(), unescape_value(value.trim())));
                continue;
            }
            // Other localised keys are not the ones Tandem runs.
            let slot = match key {
                "Name" => &mut entry.name,
                "Exec" => &mut entry.exec,
                "Icon" => &mut entry.icon,
                "TryExec" => &mut entry.try_exec,
                "Hidden" => {
                    entry.hidden = value.trim() == "true";
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(unescape_value(value.trim()));
            }
        }
        entry
    }

    /// Its name as the menus show it to a reader of `language` (`nl`), in
    /// the specification's order: `Name[nl]`, then the country of that
    /// name (`Name[nl_NL]`), then another country (`Name[nl_BE]`), then
    /// `Name`. `Name` is written in English, so an English reader gets it
    /// before any `Name[en_GB]`. A modifier (`en@shaw`, another script)
    /// is a variant Tandem cannot tell the reader wants, so it is skipped.
    pub fn name_in(&self, language: &str) -> Option<&str> {
        let own_country = format!("{language}_{}", language.to_uppercase());
        let named = |wanted: &dyn Fn(&str) -> bool| -> Vec<&str> {
            self.localized_names
                .iter()
                .filter(|(locale, _)| !locale.contains('@') && wanted(locale))
                .map(|(_, name)| name.as_str())
                .collect()
        };
        let exact = named(&|locale| locale == language);
        let country = named(&|locale| locale == own_country);
        let other = named(&|locale| {
            locale
                .split_once('_')
                .is_some_and(|(lang, _)| lang == language)
        });
        let plain = self.name.as_deref();
        let mut order = exact;
        if language == "en" {
            order.extend(plain);
            order.extend(country.into_iter().chain(other));
        } else {
            order.extend(country.into_iter().chain(other));
            order.extend(plain);
        }
        order.into_iter().find(|name| !name.trim().is_empty())
    }

    /// Whether the desktop would use it: not hidden, and its `TryExec`
    /// program (a path, or a name on `PATH`) installed.
    pub fn is_usable(&self) -> bool {
        if self.hidden {
            return false;
        }
        match &self.try_exec {
            None => true,
            Some(program) if program.starts_with('/') => Path::new(program).is_file(),
            Some(program) => std::env::var_os("PATH").is_some_and(|path| {
                std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
            }),
        }
    }

    /// The command that opens `link`: the `Exec` line split into arguments,
    /// with `%u`/`%U`/`%f`/`%F` replaced by the link as one argument (or the
    /// link appended, for an entry without one).
    pub fn command(&self, link: &str) -> Result<Vec<OsString>, EntryError> {
        let exec = self.exec.as_deref().ok_or_else(|| EntryError::NoExec {
            path: self.path.clone(),
        })?;
        let bad = |problem: ExecProblem| EntryError::BadExec {
            path: self.path.clone(),
            problem,
        };
        let words = split_exec(exec).map_err(bad)?;
        let mut argv: Vec<OsString> = Vec::new();
        let mut placed = false;
        for word in words {
            match word.as_str() {
                "%u" | "%U" | "%f" | "%F" => {
                    // The link is never the program: it would be run as a
                    // path from the current folder.
                    if argv.is_empty() {
                        return Err(bad(ExecProblem::NoProgram));
                    }
                    if !placed {
                        argv.push(link.into());
                        placed = true;
                    }
                }
                "%i" => {
                    if let Some(icon) = &self.icon {
                        argv.push("--icon".into());
                        argv.push(icon.into());
                    }
                }
                "%c" => argv.extend(self.name.clone().map(OsString::from)),
                "%k" => argv.push(self.path.clone().into_os_string()),
                // Deprecated field codes expand to nothing.
                "%d" | "%D" | "%n" | "%N" | "%v" | "%m" => {}
                _ => {
                    let expanded = expand_percent(&word).map_err(bad)?;
                    argv.push(expanded.into());
                }
            }
        }
        if argv.is_empty() {
            return Err(bad(ExecProblem::NoProgram));
        }
        if !placed {
            argv.push(link.into());
        }
        Ok(argv)
    }
}

/// `%%` is a percent sign; a field code inside a longer argument is not
/// allowed by the specification, and would put the link inside another
/// argument, so it is refused.
fn expand_percent(word: &str) -> Result<String, ExecProblem> {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(code) => {
                return Err(ExecProblem::FieldCodeInside {
                    code,
                    word: word.to_owned(),
                });
            }
            None => {
                return Err(ExecProblem::LonePercent {
                    word: word.to_owned(),
                });
            }
        }
    }
    Ok(out)
}

/// Splits an `Exec` value into arguments as the desktop (GLib's shell
/// parser) does: blanks separate them, double quotes group them (inside,
/// `\"`, `` \` ``, `\$` and `\\` stand for the character), single quotes
/// group them literally, and a backslash outside quotes escapes the next
/// character.
fn split_exec(exec: &str) -> Result<Vec<String>, ExecProblem> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = exec.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        None => return Err(ExecProblem::QuoteNotClosed),
                        Some('\'') => break,
                        Some(inner) => current.push(inner),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(escaped) => current.push(escaped),
                    None => return Err(ExecProblem::LoneBackslash),
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        None => return Err(ExecProblem::QuoteNotClosed),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(escaped @ ('"' | '`' | '$' | '\\')) => current.push(escaped),
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err(ExecProblem::QuoteNotClosed),
                        },
                        Some(inner) => current.push(inner),
                    }
                }
            }
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\n' | '\r' => return Err(ExecProblem::SpansLines),
            other => {
                current.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// Quotes `path` as an `Exec` argument, so that any path is read back as
/// itself; `None` for a path that cannot stand in an `Exec` line.
pub fn quote_exec_argument(path: &str) -> Option<String> {
    if path.contains(['\n', '\r', '\0']) {
        return None;
    }
    let mut out = String::from("\"");
    for c in path.chars() {
        match c {
            // The string escape comes first when the file is read, so a
            // backslash the Exec parser must see is written twice twice.
            '"' | '`' | '$' => {
                out.push_str("\\\\");
                out.push(c);
            }
            '\\' => out.push_str("\\\\\\\\"),
            '%' => out.push_str("%%"),
            other => out.push(other),
        }
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(exec: &str) -> DesktopEntry {
        DesktopEntry::parse(
            Path::new("/usr/share/applications/x.desktop"),
            &format!(
                "[Desktop Entry]\nName=X\nName[nl]=Iks\nIcon=x\nExec={exec}\n[Desktop Action new]\nExec=other\n"
            ),
        )
    }

    #[test]
    fn the_name_is_the_one_the_menus_show_in_each_language() {
        let entry = DesktopEntry::parse(
            Path::new("/usr/share/applications/x.desktop"),
            "[Desktop Entry]\nName=Web\nName[nl_BE]=Web (BE)\nName[de]=Netz\nName[nl]=\nExec=x\n",
        );
        assert_eq!(entry.name_in("de"), Some("Netz"));
        // A blank Name[nl] gives way to another Dutch one.
        assert_eq!(entry.name_in("nl"), Some("Web (BE)"));
        assert_eq!(entry.name_in("en"), Some("Web"));
        assert_eq!(entry.name, Some("Web".into()));
        // The country of the language's own name first; never a modifier;
        // English readers get Name before a British one.
        let entry = DesktopEntry::parse(
            Path::new("/usr/share/applications/x.desktop"),
            "[Desktop Entry]\nName=Web\nName[nl_BE]=Belg\nName[nl_NL]=Nederlands\nName[en@shaw]=Shaw\nName[en_GB]=Web (GB)\nName[nl@euro]=Euro\nExec=x\n",
        );
        assert_eq!(entry.name_in("nl"), Some("Nederlands"));
        assert_eq!(entry.name_in("en"), Some("Web"));
    }

    fn command(exec: &str) -> Vec<String> {
        entry(exec)
            .command("https://a.example/?q=1 2")
            .unwrap()
            .into_iter()
            .map(|arg| arg.into_string().unwrap())
            .collect()
    }

    #[test]
    fn exec_lines_are_split_as_the_desktop_splits_them() {
        assert_eq!(
            command("firefox %u"),
            ["firefox", "https://a.example/?q=1 2"]
        );
        assert_eq!(
            command("/usr/bin/chromium --enable-x %U"),
            [
                "/usr/bin/chromium",
                "--enable-x",
                "https://a.example/?q=1 2"
            ]
        );
        assert_eq!(
            command(r#""/opt/My Browser/b" --name="a b" %i %u"#),
            [
                "/opt/My Browser/b",
                "--name=a b",
                "--icon",
                "x",
                "https://a.example/?q=1 2"
            ]
        );
        assert_eq!(command("browser"), ["browser", "https://a.example/?q=1 2"]);
        assert_eq!(
            command("/usr/bin/flatpak run --command=chrome com.google.Chrome @@u %U @@"),
            [
                "/usr/bin/flatpak",
                "run",
                "--command=chrome",
                "com.google.Chrome",
                "@@u",
                "https://a.example/?q=1 2",
                "@@"
            ]
        );
        assert_eq!(
            command("b 100%% %u"),
            ["b", "100%", "https://a.example/?q=1 2"]
        );
        assert_eq!(
            command(r#"sh -c 'exec ff "$1"' sh %u"#),
            [
                "sh",
                "-c",
                r#"exec ff "$1""#,
                "sh",
                "https://a.example/?q=1 2"
            ]
        );
        assert_eq!(
            command(r"/opt/my\ browser %u"),
            ["/opt/my browser", "https://a.example/?q=1 2"]
        );
    }

    #[test]
    fn a_link_never_lands_inside_another_argument() {
        assert!(entry("b --url=%u").command("https://a.example").is_err());
        assert!(entry("\"b %u").command("https://a.example").is_err());
        assert!(entry("").command("https://a.example").is_err());
        // The link is never run as the program.
        for exec in ["%u", "%U --new-window", "%f"] {
            assert!(
                matches!(
                    entry(exec).command("https://a.example/a"),
                    Err(EntryError::BadExec {
                        problem: ExecProblem::NoProgram,
                        ..
                    })
                ),
                "{exec}"
            );
        }
        let none = DesktopEntry::parse(Path::new("/x.desktop"), "[Other]\nExec=b\n");
        assert!(matches!(
            none.command("https://a.example"),
            Err(EntryError::NoExec { .. })
        ));
    }

    #[test]
    fn any_path_survives_quoting() {
        for path in [
            "/usr/bin/tandem",
            "/opt/my tools/tandem",
            "/h/we\"ird$`\\dir/100%/tandem",
        ] {
            let quoted = quote_exec_argument(path).unwrap();
            let text = format!("[Desktop Entry]\nExec={quoted} open -- %u\n");
            let parsed = DesktopEntry::parse(Path::new("/t.desktop"), &text);
            let argv = parsed.command("https://a.example").unwrap();
            assert_eq!(argv[0], OsString::from(path), "{quoted}");
            assert_eq!(
                argv[1..],
                ["open", "--", "https://a.example"].map(OsString::from)
            );
        }
        assert_eq!(quote_exec_argument("/a\nb"), None);
    }

    #[test]
    fn a_hidden_entry_or_one_whose_program_is_gone_is_not_used() {
        let root = tempfile::tempdir().unwrap();
        let dirs = [root.path().to_path_buf()];
        let write = |name: &str, text: &str| std::fs::write(root.path().join(name), text).unwrap();
        write("a.desktop", "[Desktop Entry]\nExec=a %u\nHidden=true\n");
        write(
            "b.desktop",
            "[Desktop Entry]\nExec=b %u\nTryExec=/nowhere/b\n",
        );
        write("c.desktop", "[Desktop Entry]\nExec=c %u\n");
        assert_eq!(find(&dirs, "a.desktop"), None);
        assert_eq!(find(&dirs, "b.desktop"), None);
        assert!(find(&dirs, "c.desktop").is_some());
    }

    #[test]
    fn ids_never_name_a_path() {
        let dirs = [PathBuf::from("/nowhere")];
        assert_eq!(find(&dirs, "../etc/passwd"), None);
        assert_eq!(find(&dirs, "x.desktop"), None);
        assert_eq!(find(&dirs, "x"), None);
    }
}
