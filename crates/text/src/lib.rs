//! Text that came from outside Tandem: profile names and emails from browser
//! files, account names from a sign-in, paths. Such text may carry escape
//! sequences that would drive a terminal, or bidirectional overrides that
//! make one name look like another. This crate is the one place that says
//! which characters are unsafe and how they are shown:
//!
//! - [`for_terminal`] writes each as a visible escape (`\u{1b}`) in text
//!   meant for people;
//! - [`json`] writes JSON in which they appear only as `\uXXXX` escapes, so
//!   the bytes on disk or on stdout hold none of them, and a JSON reader
//!   still gets the exact string back.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must never reach a terminal as it is: a C0 control, DEL, a
/// C1 control, or a bidirectional formatting character.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\u{…}`.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Displays its text through [`for_terminal`]: `format!("{}", Escaped(name))`.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&for_terminal(self.0))
    }
}

/// Passes text to `W` with every unsafe character but the line feed escaped,
/// as [`for_terminal`] does: for everything the CLI prints as text, so no
/// field from a browser file can reach the terminal raw, whichever it is.
#[derive(Debug)]
pub struct TerminalWriter<W: std::io::Write> {
    inner: W,
    /// The start of a UTF-8 sequence the last write cut in two.
    pending: Vec<u8>,
    /// Each write is one record that ends in its only line feed (a log
    /// line): a line feed inside it came from a field, and is escaped.
    records: bool,
}

impl<W: std::io::Write> TerminalWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            records: false,
        }
    }

    /// For writers that get one whole record per write, as a log formatter
    /// gives: a field cannot start a forged line.
    pub fn for_records(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            records: true,
        }
    }

    fn emit(&mut self, text: &str) -> std::io::Result<()> {
        let (text, end) = match text.strip_suffix('\n') {
            Some(body) if self.records => (body, "\n"),
            _ => (text, ""),
        };
        let keep_line_feeds = !self.records;
        let mut start = 0;
        for (index, c) in text.char_indices() {
            if (c != '\n' || !keep_line_feeds) && is_unsafe(c) {
                self.inner.write_all(&text.as_bytes()[start..index])?;
                write!(self.inner, "\\u{{{:x}}}", u32::from(c))?;
                start = index + c.len_utf8();
            }
        }
        self.inner.write_all(&text.as_bytes()[start..])?;
        self.inner.write_all(end.as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for TerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let mut bytes = std::mem::take(&mut self.pending);
        let mut rest: &[u8] = &bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.emit(text)?;
                    rest = &[];
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    // Valid up to here by construction.
                    self.emit(std::str::from_utf8(valid).unwrap_or_default())?;
                    match error.error_len() {
                        // Cut in two: wait for the next write.
                        None => {
                            rest = after;
                            break;
                        }
                        Some(invalid) => {
                            for byte in &after[..invalid] {
                                write!(self.inner, "\\x{byte:02x}")?;
                            }
                            rest = &after[invalid..];
                        }
                    }
                }
            }
        }
        let kept = rest.to_vec();
        bytes.clear();
        self.pending = kept;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        for byte in std::mem::take(&mut self.pending) {
            write!(self.inner, "\\x{byte:02x}")?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for TerminalWriter<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

pub mod json {
    //! `serde_json` with one change: DEL, C1 controls and bidirectional
    //! formatting characters are written as `\uXXXX` escapes too (JSON
    //! already requires that of C0 controls).

    use std::io;

    use serde::Serialize;
    use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

    use super::is_unsafe;

    struct Safe<F>(F);

    macro_rules! delegate {
        ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
            $(fn $method<W: ?Sized + io::Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
                self.0.$method(writer $(, $arg)*)
            })*
        };
    }

    impl<F: Formatter> Formatter for Safe<F> {
        delegate!(
            begin_array(),
            end_array(),
            begin_array_value(first: bool),
            end_array_value(),
            begin_object(),
            end_object(),
            begin_object_key(first: bool),
            end_object_key(),
            begin_object_value(),
            end_object_value(),
        );

        fn write_string_fragment<W: ?Sized + io::Write>(
            &mut self,
            writer: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            let mut start = 0;
            for (index, c) in fragment.char_indices() {
                if is_unsafe(c) {
                    writer.write_all(&fragment.as_bytes()[start..index])?;
                    write!(writer, "\\u{:04x}", u32::from(c))?;
                    start = index + c.len_utf8();
                }
            }
            writer.write_all(&fragment.as_bytes()[start..])
        }
    }

    /// Pretty JSON, two-space indented.
    pub fn to_writer_pretty<W: io::Write, T: ?Sized + Serialize>(
        writer: W,
        value: &T,
    ) -> serde_json::Result<()> {
        let mut serializer =
            serde_json::Serializer::with_formatter(writer, Safe(PrettyFormatter::new()));
        value.serialize(&mut serializer)
    }

    /// JSON on one line.
    pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(
        writer: W,
        value: &T,
    ) -> serde_json::Result<()> {
        let mut serializer = serde_json::Serializer::with_formatter(writer, Safe(CompactFormatter));
        value.serialize(&mut serializer)
    }

    pub fn to_vec_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::new();
        to_writer_pretty(&mut out, value)?;
        Ok(out)
    }

    pub fn to_string<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
        let mut out = Vec::new();
        to_writer(&mut out, value)?;
        // Only ASCII escapes were added to serde_json's UTF-8 output.
        String::from_utf8(out).map_err(|error| {
            serde_json::Error::io(io::Error::new(io::ErrorKind::InvalidData, error))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "Ada\u{1b}]0;pwned\u{7}\u{1b}[2J \u{9b}31m \u{7f} \u{202e}moc.evil\u{2066}x\n";

    #[test]
    fn terminal_text_holds_no_unsafe_character() {
        let shown = for_terminal(HOSTILE);
        assert!(!shown.chars().any(is_unsafe), "{shown}");
        assert!(shown.starts_with("Ada\\u{1b}]0;pwned\\u{7}"), "{shown}");
        assert!(shown.contains("\\u{202e}moc.evil"), "{shown}");
        assert!(matches!(
            for_terminal("Wérk 💼 ñ"),
            Cow::Borrowed("Wérk 💼 ñ")
        ));
        assert_eq!(Escaped("a\tb").to_string(), "a\\u{9}b");
    }

    #[test]
    fn the_terminal_writer_escapes_whatever_is_written_through_it() {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut writer = TerminalWriter::new(&mut out);
            writeln!(writer, "name: {HOSTILE}").unwrap();
            // A character cut across two writes, and a stray byte.
            let bidi = "\u{202e}".as_bytes();
            writer.write_all(&bidi[..1]).unwrap();
            writer.write_all(&bidi[1..]).unwrap();
            writer.write_all(b"\xff ok\n").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().filter(|c| *c != '\n').any(is_unsafe),
            "{text:?}"
        );
        assert!(text.contains("\\u{202e}\\xff ok\n"), "{text}");
        assert_eq!(text.lines().count(), 3, "line feeds pass: {text}");
    }

    #[test]
    fn a_record_writer_keeps_only_the_line_feed_that_ends_each_record() {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut writer = TerminalWriter::for_records(&mut out);
            writer
                .write_all(b"WARN policy x\nINFO forged line\x1b]0;t\x07\n")
                .unwrap();
            writer.write_all(b"INFO next\n").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "WARN policy x\\u{a}INFO forged line\\u{1b}]0;t\\u{7}\nINFO next\n"
        );
    }

    #[test]
    fn json_carries_unsafe_characters_only_as_escapes_and_round_trips() {
        let value = serde_json::json!({ "name": HOSTILE, "plain": "Wérk 💼" });
        for bytes in [
            json::to_vec_pretty(&value).unwrap(),
            json::to_string(&value).unwrap().into_bytes(),
        ] {
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                !text.chars().filter(|c| *c != '\n').any(is_unsafe),
                "{text:?}"
            );
            assert!(
                text.contains("\\u009b") && text.contains("\\u202e"),
                "{text}"
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value);
        }
        assert_eq!(
            String::from_utf8(json::to_vec_pretty(&serde_json::json!({"a": [1]})).unwrap())
                .unwrap(),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1]})).unwrap()
        );
    }
}
