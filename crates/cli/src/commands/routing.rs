//! `tandem route`, `open`, `rules` and `handler`: automatic profile
//! switching, each a translation of `tandem_api::routing`.

use std::ffi::OsString;

use serde::Serialize;
use tandem_api::routing::{self, Layer, LinkRouter, Route, RuleFlag, RulesReport, Start};
use tandem_api::{Error, Said};
use tandem_i18n::Language;

use crate::output::{Output, say, tell};
use crate::tables;

fn link_text(url: &OsString) -> Result<&str, Error> {
    url.to_str().ok_or_else(|| Error::UrlRefused {
        reason: Said::new("refusal.not_utf8"),
    })
}

/// A route in words.
fn write_route(
    out: &mut dyn std::io::Write,
    route: &Route,
    language: Language,
) -> std::io::Result<()> {
    writeln!(out, "{}", tandem_text::Escaped(&route.url))?;
    if route.effective_url != route.url {
        let wrappers = route
            .wrappers
            .join(language.text("cli.route.inside_separator"));
        writeln!(
            out,
            "  {}",
            say(
                language,
                "cli.route.inside",
                &[("wrappers", &wrappers), ("url", &route.effective_url)]
            )
        )?;
    }
    let browser = route
        .shown
        .as_ref()
        .map(|shown| shown.in_language(language))
        .or_else(|| route.browser.clone());
    let whereto = match (&browser, &route.profile_dir) {
        (None, _) => language.text("cli.route.asks").to_owned(),
        (Some(browser), Some(profile)) => say(
            language,
            "cli.route.opens_in",
            &[("browser", browser), ("profile", profile)],
        ),
        (Some(browser), None) => say(
            language,
            "cli.route.opens_in_browser",
            &[("browser", browser)],
        ),
    };
    writeln!(out, "  {whereto}")?;
    writeln!(
        out,
        "  {}",
        say(
            language,
            "cli.route.because",
            &[("reason", &route.reason.in_language(language))]
        )
    )?;
    if let Some(argv) = &route.argv {
        let shown: Vec<String> = argv.iter().map(|arg| format!("{arg:?}")).collect();
        writeln!(
            out,
            "  {}",
            say(language, "cli.route.runs", &[("command", &shown.join(" "))])
        )?;
    }
    Ok(())
}

pub fn route(out: &mut Output, url: &OsString) -> Result<(), Error> {
    let router = LinkRouter::load(&super::locations()?)?;
    let route = router.route(link_text(url)?)?;
    let language = out.language();
    out.show(&route, |text| write_route(text, &route, language))
}

/// Opens a link, as the system's link handler. Nobody sees this command's
/// output, so a failure is also shown as a desktop notification.
pub fn open(out: &mut Output, url: &OsString) -> Result<(), Error> {
    let opened = (|| {
        let router = LinkRouter::load(&super::locations()?)?;
        router.open(link_text(url)?, Start::Replace)
    })();
    match opened {
        Ok(_) => Ok(()),
        Err(error) => {
            let language = out.language();
            tandem_api::desktop::notify(
                language.text("notice.link_not_opened"),
                &error.localized(language),
            );
            Err(error)
        }
    }
}

pub fn rules_list(out: &mut Output) -> Result<(), Error> {
    let locations = super::locations()?;
    let snapshot = tandem_api::profiles::discover(&locations);
    let report = routing::rules(&locations, &snapshot)?;
    let language = out.language();
    out.show(&report, |text| write_rules(text, &report, language))
}

fn flag_word(flag: RuleFlag, language: Language) -> &'static str {
    language.text(match flag {
        RuleFlag::ProfileMissing => "flag.profile_missing",
        RuleFlag::AccountChanged => "flag.account_changed",
        RuleFlag::Invalid => "flag.invalid",
        RuleFlag::Shadowed => "flag.shadowed",
    })
}

fn layer_word(layer: Layer, language: Language) -> &'static str {
    language.text(match layer {
        Layer::User => "cli.layer.user",
        Layer::Managed => "cli.layer.managed",
        Layer::Recommended => "cli.layer.recommended",
        Layer::Preset => "cli.layer.preset",
    })
}

/// The fallback as people read it: a profile stays as it is written.
fn fallback_words(fallback: &str, language: Language) -> String {
    match fallback {
        "as-before" => language.text("cli.rules.fallback_as_before").to_owned(),
        "ask" => language.text("cli.rules.fallback_ask").to_owned(),
        profile => profile.to_owned(),
    }
}

fn write_rules(
    out: &mut dyn std::io::Write,
    report: &RulesReport,
    language: Language,
) -> std::io::Result<()> {
    // The table escapes every cell itself.
    let rows: Vec<Vec<String>> = report
        .rules
        .iter()
        .map(|rule| {
            let note = rule
                .note
                .as_ref()
                .map(|note| note.in_language(language))
                .unwrap_or_default();
            let note = match rule.flag {
                Some(flag) => format!("{}: {note}", flag_word(flag, language)),
                None => note,
            };
            vec![
                rule.id.clone(),
                layer_word(rule.layer, language).to_owned(),
                rule.pattern.clone(),
                rule.target.clone(),
                note,
            ]
        })
        .collect();
    let headers = [
        "cli.column.id",
        "cli.column.layer",
        "cli.column.pattern",
        "cli.column.target",
        "cli.column.note",
    ]
    .map(|column| language.text(column));
    writeln!(out, "{}", tables::render(&headers, &rows))?;
    writeln!(out)?;
    write_fallback(out, &report.fallback, language)?;
    if report.unwrap_before_opening {
        writeln!(out, "{}", language.text("cli.rules.unwrapping"))?;
    }
    for problem in &report.problems {
        tell(
            out,
            language,
            "cli.rules.note",
            &[("problem", &problem.in_language(language))],
        )?;
    }
    tell(out, language, "cli.rules.file", &[("file", &report.file)])
}

fn write_fallback(
    out: &mut dyn std::io::Write,
    fallback: &str,
    language: Language,
) -> std::io::Result<()> {
    tell(
        out,
        language,
        "cli.rules.fallback",
        &[("fallback", &fallback_words(fallback, language))],
    )
}

pub fn rules_add(out: &mut Output, pattern: &str, target: &str) -> Result<(), Error> {
    let locations = super::locations()?;
    let snapshot = tandem_api::profiles::discover(&locations);
    let rule = routing::add_rule(&locations, pattern, target, &snapshot)?;
    let language = out.language();
    out.show(&rule, |text| {
        tell(
            text,
            language,
            "cli.rules.added",
            &[
                ("id", &rule.id),
                ("pattern", &rule.pattern),
                ("target", &rule.target),
            ],
        )
    })
}

#[derive(Serialize)]
struct Removed {
    removed: String,
    pattern: String,
}

pub fn rules_remove(out: &mut Output, id: &str) -> Result<(), Error> {
    let pattern = routing::remove_rule(&super::locations()?, id)?;
    let shown = Removed {
        removed: id.to_owned(),
        pattern,
    };
    let language = out.language();
    out.show(&shown, |text| {
        tell(
            text,
            language,
            "cli.rules.removed",
            &[("id", &shown.removed), ("pattern", &shown.pattern)],
        )
    })
}

#[derive(Serialize)]
struct FallbackSet {
    fallback: String,
}

pub fn rules_fallback(out: &mut Output, fallback: &str) -> Result<(), Error> {
    let locations = super::locations()?;
    let snapshot = tandem_api::profiles::discover(&locations);
    // What was saved, not what was typed (` ask ` is saved as `ask`).
    let shown = FallbackSet {
        fallback: routing::set_fallback(&locations, fallback, &snapshot)?,
    };
    let language = out.language();
    out.show(&shown, |text| {
        write_fallback(text, &shown.fallback, language)
    })
}

#[derive(Serialize)]
struct UnwrapSet {
    unwrap_before_opening: bool,
}

pub fn rules_unwrap(out: &mut Output, on: bool) -> Result<(), Error> {
    routing::set_unwrap_before_opening(&super::locations()?, on)?;
    let language = out.language();
    out.show(
        &UnwrapSet {
            unwrap_before_opening: on,
        },
        |text| {
            let key = if on {
                "cli.rules.unwrap_on"
            } else {
                "cli.rules.unwrap_off"
            };
            writeln!(text, "{}", language.text(key))
        },
    )
}

pub fn handler_status(out: &mut Output) -> Result<(), Error> {
    let status = routing::handler_status(&super::locations()?);
    let language = out.language();
    out.show(&status, |text| {
        let now = if status.registered {
            "handler.on"
        } else if status.replaced_since {
            "cli.handler.replaced"
        } else {
            "handler.off"
        };
        writeln!(text, "{}", language.text(now))?;
        if let Some(program) = &status.program
            && !status.program_exists
        {
            tell(
                text,
                language,
                "cli.handler.program_gone",
                &[("program", &program.display().to_string())],
            )?;
        }
        match &status.previous {
            Some(previous) => tell(
                text,
                language,
                "cli.handler.previous",
                &[("previous", previous)],
            ),
            None => Ok(()),
        }
    })
}

pub fn handler_on(out: &mut Output) -> Result<(), Error> {
    let done = routing::handler_on(&super::locations()?)?;
    let language = out.language();
    out.show(&done, |text| {
        let key = match &done {
            routing::HandlerOn::Registered => "cli.handler.registered",
            routing::HandlerOn::SettingsOpened { .. } => "cli.handler.settings_opened",
        };
        writeln!(text, "{}", language.text(key))
    })
}

#[derive(Serialize)]
struct HandlerOff {
    unregistered: bool,
}

pub fn handler_off(out: &mut Output) -> Result<(), Error> {
    let unregistered = routing::handler_off(&super::locations()?)?;
    let language = out.language();
    out.show(&HandlerOff { unregistered }, |text| {
        let key = if unregistered {
            "cli.handler.unregistered"
        } else {
            "cli.handler.was_not"
        };
        writeln!(text, "{}", language.text(key))
    })
}
