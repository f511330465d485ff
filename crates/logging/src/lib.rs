//! Tandem's logging: `tracing` events go to stderr and, for long-running
//! processes, to a daily rolling file in Tandem's log folder. `TANDEM_LOG`
//! filters both, with the `RUST_LOG` syntax (`debug`, `tandem_app=trace,info`…).
//!
//! Privacy rule for every caller: emails and URLs are logged at `debug` at most,
//! and secrets never. [`scrub`] takes lines naming an account out of the
//! files when its data is deleted.
//!
//! Files are opened through `tandem-files`, below the log folder, so a link
//! placed there is never written through.

use std::path::{Path, PathBuf};

use tandem_files::{LOCK_WAIT, OwnedDir, OwnedError};
use tandem_text::TerminalWriter;
use tracing::Subscriber;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;

/// The variable that filters Tandem's logs, in the `RUST_LOG` syntax.
pub const FILTER_VAR: &str = "TANDEM_LOG";

/// How many daily files are kept before the oldest is deleted.
const KEPT_LOG_FILES: usize = 7;

/// Lines waiting for the log file's writer thread. The channel sets aside
/// every slot when it is made: `tracing-appender`'s default of 128,000 lines
/// held 4 MiB in each of Tandem's long-running processes, a third of what
/// the tray used in all. A full queue drops lines rather than making the
/// caller wait on the disk; the writer drains it as fast as the disk takes
/// lines, and Tandem's bursts (a rescan at `debug`) are hundreds of lines.
const BUFFERED_LINES: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot create the log folder {path:?}: {source}")]
    LogFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open a log file in {path:?}: {source}")]
    LogFile { path: PathBuf, source: OwnedError },
    #[error("logging was already set up in this process")]
    AlreadyInitialised,
}

/// Where one process sends its logs.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// The filter used when `TANDEM_LOG` is unset or invalid.
    pub default_filter: String,
    /// A rolling file in this folder, named after the program.
    pub file: Option<FileLog>,
}

#[derive(Debug, Clone)]
pub struct FileLog {
    pub dir: PathBuf,
    /// The file name's prefix, e.g. `tandem-app` gives `tandem-app.2026-11-25.log`.
    pub program: String,
}

/// Keeps the background file writer alive. Dropping it flushes what is queued,
/// so hold it until the process ends.
#[must_use = "dropping the guard stops file logging"]
#[derive(Debug)]
pub struct LogGuard {
    _writer: Option<WorkerGuard>,
}

/// A ready subscriber, not yet installed.
pub struct Logging {
    pub subscriber: Box<dyn Subscriber + Send + Sync>,
    pub guard: LogGuard,
    /// Set when `TANDEM_LOG` could not be parsed; worth logging once installed.
    pub filter_warning: Option<String>,
}

impl std::fmt::Debug for Logging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logging")
            .field("filter_warning", &self.filter_warning)
            .finish_non_exhaustive()
    }
}

/// Builds the subscriber for `options`, reading `TANDEM_LOG` from the environment.
pub fn build(options: &LogOptions) -> Result<Logging, LoggingError> {
    let requested = std::env::var(FILTER_VAR).ok();
    build_with_filter(options, requested.as_deref())
}

/// Builds and installs the subscriber as the process-wide default.
pub fn init(options: &LogOptions) -> Result<LogGuard, LoggingError> {
    let logging = build(options)?;
    tracing::subscriber::set_global_default(logging.subscriber)
        .map_err(|_| LoggingError::AlreadyInitialised)?;
    if let Some(warning) = logging.filter_warning {
        tracing::warn!("{warning}");
    }
    Ok(logging.guard)
}

/// Like [`build`], with the filter given rather than read from the environment.
pub fn build_with_filter(
    options: &LogOptions,
    requested: Option<&str>,
) -> Result<Logging, LoggingError> {
    let (filter, filter_warning) = parse_filter(requested, &options.default_filter);
    // A field (a file name from a policy folder, a value from a damaged
    // file) must not drive the terminal or forge a log line; so every
    // control character is escaped, and logs carry no colour codes either.
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(|| TerminalWriter::for_records(std::io::stderr()))
        .with_ansi(false);

    let (file_layer, writer_guard) = match &options.file {
        Some(file) => {
            let appender = open_rolling_file(&file.dir, &file.program)?;
            let (writer, guard) = NonBlockingBuilder::default()
                .buffered_lines_limit(BUFFERED_LINES)
                .finish(TerminalWriter::for_records(appender));
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false);
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };

    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer);
    Ok(Logging {
        subscriber: Box::new(subscriber),
        guard: LogGuard {
            _writer: writer_guard,
        },
        filter_warning,
    })
}

fn parse_filter(requested: Option<&str>, default: &str) -> (EnvFilter, Option<String>) {
    let fallback = || EnvFilter::new(default);
    match requested.map(str::trim).filter(|value| !value.is_empty()) {
        None => (fallback(), None),
        Some(value) => match EnvFilter::try_new(value) {
            Ok(filter) => (filter, None),
            Err(error) => (
                fallback(),
                Some(format!(
                    "{FILTER_VAR}={value:?} is not a valid log filter ({error}); using {default:?}. \
                     Examples: {FILTER_VAR}=debug, {FILTER_VAR}=tandem_app=trace,info"
                )),
            ),
        },
    }
}

/// The log folder as an owned folder. Its `logs` part (below
/// `~/.local/state/tandem`, say) is Tandem's own making, so it is never
/// followed if a link takes its place; the folder above it may be the
/// user's link to another disk.
fn owned_log_dir(dir: &Path) -> Result<OwnedDir, LoggingError> {
    match (dir.parent(), dir.file_name().and_then(|name| name.to_str())) {
        (Some(parent), Some("logs")) => {
            OwnedDir::nested(parent, "logs").map_err(|source| LoggingError::LogFile {
                path: dir.to_path_buf(),
                source,
            })
        }
        _ => Ok(OwnedDir::new(dir)),
    }
}

fn open_rolling_file(dir: &Path, program: &str) -> Result<DailyFile, LoggingError> {
    create_private_dir(dir).map_err(|source| LoggingError::LogFolder {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut file = DailyFile {
        dir: owned_log_dir(dir)?,
        program: program.to_owned(),
        current: None,
    };
    file.roll().map_err(|source| LoggingError::LogFile {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(file)
}

/// `<program>.<UTC date>.log` in the log folder, a new file each day, the
/// oldest beyond [`KEPT_LOG_FILES`] removed.
struct DailyFile {
    dir: OwnedDir,
    program: String,
    current: Option<(String, std::fs::File)>,
}

fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

impl DailyFile {
    fn name(&self, date: &str) -> String {
        format!("{}.{date}.log", self.program)
    }

    fn roll(&mut self) -> Result<&mut std::fs::File, OwnedError> {
        let date = today();
        if self.current.as_ref().is_none_or(|(open, _)| *open != date) {
            let file = self.dir.open_append(&self.name(&date))?;
            self.current = Some((date, file));
            self.prune();
        }
        match &mut self.current {
            Some((_, file)) => Ok(file),
            None => Err(OwnedError::BadPath(self.program.clone())),
        }
    }

    fn prune(&self) {
        let prefix = format!("{}.", self.program);
        let Ok(mut names) = self.dir.names_in("") else {
            return;
        };
        names.retain(|name| name.starts_with(&prefix) && name.ends_with(".log"));
        if names.len() <= KEPT_LOG_FILES {
            return;
        }
        let Ok(lock) = self.dir.lock(LOCK_WAIT) else {
            return;
        };
        // Dates sort as text.
        for old in &names[..names.len() - KEPT_LOG_FILES] {
            let _ = self.dir.remove(&lock, old);
        }
    }
}

impl std::io::Write for DailyFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.roll().map_err(std::io::Error::other)?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.current {
            Some((_, file)) => file.flush(),
            None => Ok(()),
        }
    }
}

/// Log files are read whole to be scrubbed; a larger one is left as it is.
const MAX_SCRUBBED_BYTES: u64 = 256 * 1024 * 1024;

/// Removes every line that mentions one of `needles` (an account's email,
/// id or full name) from the log files in `dir`: when a person's data is
/// deleted, their name must not live on in a debug log. Lines are compared
/// without regard to case; the bytes of every other line are kept exactly.
/// A single word is too common to be a needle (a name of "info" would take
/// every INFO line), so names count only with a space in them. Returns how
/// many lines went.
pub fn scrub(dir: &Path, needles: &[String]) -> Result<usize, OwnedError> {
    let needles: Vec<String> = needles
        .iter()
        .map(|needle| needle.trim().to_lowercase())
        .filter(|needle| {
            let identifying = needle.contains(['@', '.']) || needle.contains(char::is_whitespace);
            identifying && needle.chars().count() >= 5
        })
        .collect();
    if needles.is_empty() {
        return Ok(0);
    }
    let owned = match owned_log_dir(dir) {
        Ok(owned) => owned,
        Err(LoggingError::LogFile { source, .. }) => return Err(source),
        Err(_) => return Ok(0),
    };
    let names = owned.names_in("")?;
    if names.is_empty() {
        return Ok(0);
    }
    let lock = owned.lock(LOCK_WAIT)?;
    let mut removed = 0;
    for name in names.iter().filter(|name| name.ends_with(".log")) {
        let result = owned.rewrite(&lock, name, MAX_SCRUBBED_BYTES, |bytes| {
            let mut kept = Vec::with_capacity(bytes.len());
            for line in bytes.split_inclusive(|byte| *byte == b'\n') {
                let lower = String::from_utf8_lossy(line).to_lowercase();
                if needles.iter().any(|needle| lower.contains(needle.as_str())) {
                    removed += 1;
                } else {
                    kept.extend_from_slice(line);
                }
            }
            kept
        });
        match result {
            Ok(_) => {}
            // A link, a hard link or an oversized file is not one of
            // Tandem's logs: it is left alone.
            Err(OwnedError::NotOurs { .. } | OwnedError::TooLarge { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(removed)
}

/// Logs can name accounts at debug level, so other users must not read them.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_options(dir: &Path) -> LogOptions {
        LogOptions {
            default_filter: "info".into(),
            file: Some(FileLog {
                dir: dir.to_path_buf(),
                program: "tandem-test".into(),
            }),
        }
    }

    fn log_text(dir: &Path) -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            assert!(
                name.starts_with("tandem-test.") && name.ends_with(".log"),
                "{name}"
            );
            text.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
        }
        text
    }

    #[test]
    fn writes_filtered_events_to_a_rolling_file() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("state/tandem/logs");
        let logging = build_with_filter(&file_options(&dir), Some("warn")).unwrap();
        assert!(logging.filter_warning.is_none());
        tracing::subscriber::with_default(logging.subscriber, || {
            tracing::warn!("kept at warn");
            tracing::info!("dropped at info");
        });
        drop(logging.guard);
        let text = log_text(&dir);
        assert!(text.contains("kept at warn"), "{text}");
        assert!(!text.contains("dropped at info"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes in files: {text}");
    }

    #[cfg(unix)]
    #[test]
    fn log_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("logs");
        let logging = build_with_filter(&file_options(&dir), None).unwrap();
        drop(logging);
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn scrubbing_removes_every_line_naming_an_account() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("logs");
        let logging = build_with_filter(&file_options(&dir), Some("debug")).unwrap();
        tracing::subscriber::with_default(logging.subscriber, || {
            tracing::info!("started");
            tracing::debug!(username = "Alice@Outlook.test", "account stored");
            tracing::info!("still here");
        });
        drop(logging.guard);
        std::fs::write(
            dir.join("tandem-test.2020-01-01.log"),
            "old alice@outlook.test\nold other\n",
        )
        .unwrap();
        assert_eq!(scrub(&dir, &["alice@outlook.test".into()]).unwrap(), 2);
        let text = log_text(&dir);
        assert!(
            !text.to_lowercase().contains("alice@outlook.test"),
            "{text}"
        );
        assert!(
            text.contains("still here") && text.contains("old other"),
            "{text}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_todays_log_is_never_written_through() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("logs");
        std::fs::create_dir_all(&dir).unwrap();
        let victim = root.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join(format!("tandem-test.{}.log", today())))
            .unwrap();
        let error = build_with_filter(&file_options(&dir), None).unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn invalid_filter_falls_back_and_says_how_to_fix_it() {
        let (_, warning) = parse_filter(Some("tandem=notalevel"), "info");
        let warning = warning.expect("a warning");
        assert!(warning.contains("TANDEM_LOG"), "{warning}");
        assert!(warning.contains("Examples"), "{warning}");
    }

    #[test]
    fn empty_filter_means_the_default() {
        let (filter, warning) = parse_filter(Some("  "), "debug");
        assert!(warning.is_none());
        assert_eq!(filter.to_string(), "debug");
    }

    #[test]
    fn unwritable_log_folder_is_a_clear_error() {
        let root = tempfile::tempdir().unwrap();
        let blocker = root.path().join("not-a-folder");
        std::fs::write(&blocker, b"").unwrap();
        let error = build_with_filter(&file_options(&blocker.join("logs")), None).unwrap_err();
        assert!(matches!(error, LoggingError::LogFolder { .. }), "{error}");
        assert!(error.to_string().contains("cannot create the log folder"));
    }
}
