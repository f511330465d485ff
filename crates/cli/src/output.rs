//! Where a command's answer goes: typed results as JSON (`--json`) or as
//! text for people, notices and errors on stderr, each escaped so nothing
//! from outside drives the terminal.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use tandem_api::Error;
use tandem_i18n::Language;
use tandem_text::{Escaped, TerminalWriter};

pub struct Output {
    json: bool,
    /// The app's language setting, else the OS locale: what people read.
    /// Looked up when first needed, so that `tandem open`, the link
    /// handler, reads no settings file on its way to the browser.
    language: std::cell::OnceCell<Language>,
    stdout: TerminalWriter<std::io::Stdout>,
    /// The reader went away (`tandem profiles | head`): not a failure.
    closed: bool,
}

/// `{"error": {"code", "message", …}}`, what `--json` prints on failure.
/// A JSON writer's failure as the I/O error it wraps, so a reader that went
/// away (a closed pipe) is told apart from a real failure.
fn json_io(error: serde_json::Error) -> std::io::Error {
    match error.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(error),
    }
}

#[derive(Serialize)]
struct Failure<'a> {
    error: tandem_api::ErrorReply<'a>,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self {
            json,
            language: std::cell::OnceCell::new(),
            stdout: TerminalWriter::new(std::io::stdout()),
            closed: false,
        }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn language(&self) -> Language {
        *self
            .language
            .get_or_init(tandem_api::settings::current_language)
    }

    fn written(&mut self, result: std::io::Result<()>) -> Result<(), Error> {
        match result {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(error) => Err(Error::OutputFailed {
                detail: error.to_string(),
            }),
        }
    }

    /// Prints `value` as JSON, or as `text` writes it for people.
    pub fn show<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let result = if self.json {
            let mut out = self.stdout.by_ref();
            tandem_text::json::to_writer_pretty(&mut out, value)
                .map_err(json_io)
                .and_then(|()| writeln!(out))
        } else {
            text(&mut self.stdout)
        };
        let result = result.and_then(|()| self.stdout.flush());
        self.written(result)
    }

    /// One JSON line, for streams (`profiles --watch`).
    pub fn line<T: Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let result = tandem_text::json::to_writer(&mut self.stdout, value)
            .map_err(json_io)
            .and_then(|()| writeln!(self.stdout))
            .and_then(|()| self.stdout.flush());
        self.written(result)
    }

    /// Whether the reader of stdout went away.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Something the person should know, on stderr, once.
    pub fn notice(&self, text: &str) {
        to_stderr(&format!("tandem: {}\n", Escaped(text)));
    }

    /// The exit status, with the error printed the way the output asks.
    pub fn finish(mut self, done: Result<(), Error>) -> ExitCode {
        let Err(error) = done else {
            return ExitCode::SUCCESS;
        };
        if self.json {
            let failure = Failure {
                error: error.reply(),
            };
            let printed = tandem_text::json::to_writer_pretty(&mut self.stdout, &failure)
                .map_err(json_io)
                .and_then(|()| writeln!(self.stdout))
                .and_then(|()| self.stdout.flush());
            if printed.is_err() {
                to_stderr(&format!("tandem: {}\n", Escaped(&error.to_string())));
            }
        } else {
            // People read it in their language; `--json` keeps the English
            // message beside the code for scripts.
            to_stderr(&format!(
                "tandem: {}\n",
                Escaped(&error.localized(self.language()))
            ));
        }
        ExitCode::FAILURE
    }
}

/// The catalogue's sentence `key` in `language`, each `{name}` filled with
/// its value escaped for the terminal (values come from browser files,
/// policies and paths).
pub fn say(language: Language, key: &str, params: &[(&str, &str)]) -> String {
    let escaped: Vec<(&str, String)> = params
        .iter()
        .map(|(name, value)| (*name, Escaped(value).to_string()))
        .collect();
    let pairs: Vec<(&str, &str)> = escaped
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    language.format(key, &pairs)
}

/// Writes [`say`]'s sentence as one line.
pub fn tell(
    out: &mut dyn Write,
    language: Language,
    key: &str,
    params: &[(&str, &str)],
) -> std::io::Result<()> {
    writeln!(out, "{}", say(language, key, params))
}

/// Asks a yes/no question on the terminal, in the person's language;
/// refuses without a terminal, so scripts must say `--yes`.
pub fn confirm(language: Language, question: &str) -> Result<bool, Error> {
    use std::io::{BufRead, IsTerminal};
    if !std::io::stdin().is_terminal() {
        return Err(Error::NeedsConfirmation);
    }
    to_stderr(&format!(
        "{} {} ",
        Escaped(question),
        language.text("cli.confirm.choices")
    ));
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|error| Error::internal(format!("cannot read the answer: {error}")))?;
    Ok(is_yes(language, &answer))
}

/// Yes in the language the question was asked in, in any case: `y` or
/// `yes`, and in Dutch also `j` or `ja`. Only there: in English `j` sits
/// beside `n` and is a slip, not a yes.
fn is_yes(language: Language, answer: &str) -> bool {
    match answer.trim().to_lowercase().as_str() {
        "y" | "yes" => true,
        "j" | "ja" => language == Language::Nl,
        _ => false,
    }
}

/// A UTC time for people: `2026-11-25 14:03 UTC`.
pub fn human_time(time: jiff::Timestamp) -> String {
    time.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Writes to stderr, and goes on when it cannot be written (full, closed):
/// `eprint!` would panic, and the exit status already says what happened.
pub fn to_stderr(text: &str) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.flush());
}

/// Writes to stdout for clap's help and version: whether it was written
/// (a reader that stopped early, `| head`, counts as written).
pub fn to_stdout(text: &str) -> bool {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => true,
        Err(error) => error.kind() == std::io::ErrorKind::BrokenPipe,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_is_understood_in_the_questions_language_and_nothing_else_is_yes() {
        for language in Language::ALL {
            for answer in ["y", "Y\n", " yes "] {
                assert!(is_yes(language, answer), "{language:?} {answer:?}");
            }
            for answer in ["", "\n", "n", "nee", "no", "yess", "jaa", "y es"] {
                assert!(!is_yes(language, answer), "{language:?} {answer:?}");
            }
        }
        for answer in ["j", "JA\n", " ja "] {
            assert!(is_yes(Language::Nl, answer), "{answer:?}");
            assert!(!is_yes(Language::En, answer), "{answer:?}");
        }
    }

    #[test]
    fn a_sentence_escapes_its_values_but_not_its_own_words() {
        let said = say(
            Language::Nl,
            "cli.unlinked",
            &[("work", "edge:\u{1b}[2JDefault")],
        );
        assert_eq!(said, "edge:\\u{1b}[2JDefault is ontkoppeld.");
    }
}
