//! Tandem's logging: `tracing` events go to stderr and, for long-running
//! processes, to a daily rolling file in Tandem's log folder. `TANDEM_LOG`
//! filters both, with the `RUST_LOG` syntax (`debug`, `tandem_app=trace,info`…).
//!
//! Privacy rule for every caller: emails and URLs are logged at `debug` at most,
//! and secrets never.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use tracing::Subscriber;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;

/// The variable that filters Tandem's logs, in the `RUST_LOG` syntax.
pub const FILTER_VAR: &str = "TANDEM_LOG";

/// How many daily files are kept before the oldest is deleted.
const KEPT_LOG_FILES: usize = 7;

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot create the log folder {path:?}: {source}")]
    LogFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open a log file in {path:?}: {source}")]
    LogFile {
        path: PathBuf,
        source: tracing_appender::rolling::InitError,
    },
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
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());

    let (file_layer, writer_guard) = match &options.file {
        Some(file) => {
            let appender = open_rolling_file(&file.dir, &file.program)?;
            let (writer, guard) = tracing_appender::non_blocking(appender);
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

fn open_rolling_file(dir: &Path, program: &str) -> Result<RollingFileAppender, LoggingError> {
    create_private_dir(dir).map_err(|source| LoggingError::LogFolder {
        path: dir.to_path_buf(),
        source,
    })?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)
        .map_err(|source| LoggingError::LogFile {
            path: dir.to_path_buf(),
            source,
        })
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
            assert!(
                name.starts_with("tandem-test.") && name.ends_with(".log"),
                "{name}"
            );
            text.push_str(&std::fs::read_to_string(path).unwrap());
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
