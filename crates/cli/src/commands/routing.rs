//! `tandem route`, `open`, `rules` and `handler`: automatic profile
//! switching, each a translation of `tandem_api::routing`.

use std::ffi::OsString;

use serde::Serialize;
use tandem_api::routing::{self, LinkRouter, Route, RulesReport, Start};
use tandem_api::{Error, Said};
use tandem_text::Escaped;

use crate::output::Output;
use crate::tables;

fn link_text(url: &OsString) -> Result<&str, Error> {
    url.to_str().ok_or_else(|| Error::UrlRefused {
        reason: Said::new("refusal.not_utf8"),
    })
}

/// A route in words.
fn write_route(out: &mut dyn std::io::Write, route: &Route) -> std::io::Result<()> {
    let effective = if route.effective_url != route.url {
        format!(
            "\n  inside {}: {}",
            route.wrappers.join(" inside "),
            Escaped(&route.effective_url)
        )
    } else {
        String::new()
    };
    let whereto = match (&route.browser, &route.profile_dir) {
        (None, _) => "Tandem asks which profile opens it".to_owned(),
        (Some(browser), Some(profile)) => format!("opens in {browser}, profile {profile}"),
        (Some(browser), None) => format!("opens in {browser}, in the profile it picks itself"),
    };
    writeln!(
        out,
        "{}{effective}\n  {}\n  because {}",
        Escaped(&route.url),
        Escaped(&whereto),
        Escaped(&route.reason.to_string())
    )?;
    if let Some(argv) = &route.argv {
        let shown: Vec<String> = argv.iter().map(|arg| format!("{arg:?}")).collect();
        writeln!(out, "  runs {}", Escaped(&shown.join(" ")))?;
    }
    Ok(())
}

pub fn route(out: &mut Output, url: &OsString) -> Result<(), Error> {
    let router = LinkRouter::load(&super::locations()?)?;
    let route = router.route(link_text(url)?)?;
    out.show(&route, |text| write_route(text, &route))
}

/// Opens a link, as the system's link handler. Nobody sees this command's
/// output, so a failure is also shown as a desktop notification.
pub fn open(out: &mut Output, url: &OsString) -> Result<(), Error> {
    let opened = (|| {
        let router = LinkRouter::load(&super::locations()?)?;
        router.open(link_text(url)?, Start::Replace)
    })();
    let _ = out;
    match opened {
        Ok(_) => Ok(()),
        Err(error) => {
            if let Ok(locations) = super::locations() {
                let language = tandem_api::settings::language(&locations);
                tandem_api::desktop::notify(
                    language.text("notice.link_not_opened"),
                    &error.to_string(),
                );
            }
            Err(error)
        }
    }
}

pub fn rules_list(out: &mut Output) -> Result<(), Error> {
    let locations = super::locations()?;
    let snapshot = tandem_api::profiles::discover(&locations);
    let report = routing::rules(&locations, &snapshot)?;
    out.show(&report, |text| write_rules(text, &report))
}

fn write_rules(out: &mut dyn std::io::Write, report: &RulesReport) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = report
        .rules
        .iter()
        .map(|rule| {
            let flag = rule.flag.map_or(String::new(), |flag| {
                serde_json::to_value(flag)
                    .ok()
                    .and_then(|value| value.as_str().map(|text| format!("{text}: ")))
                    .unwrap_or_default()
            });
            vec![
                rule.id.clone(),
                rule.layer.as_str().to_owned(),
                rule.pattern.clone(),
                rule.target.clone(),
                format!(
                    "{flag}{}",
                    rule.note.as_ref().map(Said::to_string).unwrap_or_default()
                ),
            ]
        })
        .collect();
    writeln!(
        out,
        "{}",
        tables::render(&["ID", "LAYER", "PATTERN", "TARGET", "NOTE"], &rows)
    )?;
    writeln!(
        out,
        "\nWhen no rule matches: {}",
        Escaped(match report.fallback.as_str() {
            "as-before" => "open where links opened before Tandem",
            other => other,
        })
    )?;
    if report.unwrap_before_opening {
        writeln!(out, "Wrapped links open as the link inside.")?;
    }
    for problem in &report.problems {
        writeln!(out, "Note: {}", Escaped(&problem.to_string()))?;
    }
    writeln!(out, "Your rules: {}", Escaped(&report.file))
}

pub fn rules_add(out: &mut Output, pattern: &str, target: &str) -> Result<(), Error> {
    let locations = super::locations()?;
    let snapshot = tandem_api::profiles::discover(&locations);
    let rule = routing::add_rule(&locations, pattern, target, &snapshot)?;
    out.show(&rule, |text| {
        writeln!(
            text,
            "Added rule {}: {} → {}",
            Escaped(&rule.id),
            Escaped(&rule.pattern),
            Escaped(&rule.target)
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
    out.show(&shown, |text| {
        writeln!(
            text,
            "Removed rule {} ({})",
            Escaped(&shown.removed),
            Escaped(&shown.pattern)
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
    routing::set_fallback(&locations, fallback, &snapshot)?;
    let shown = FallbackSet {
        fallback: fallback.to_owned(),
    };
    out.show(&shown, |text| {
        writeln!(text, "When no rule matches: {}", Escaped(fallback))
    })
}

#[derive(Serialize)]
struct UnwrapSet {
    unwrap_before_opening: bool,
}

pub fn rules_unwrap(out: &mut Output, on: bool) -> Result<(), Error> {
    routing::set_unwrap_before_opening(&super::locations()?, on)?;
    out.show(
        &UnwrapSet {
            unwrap_before_opening: on,
        },
        |text| {
            if on {
                writeln!(text, "Wrapped links now open as the link inside.")
            } else {
                writeln!(
                    text,
                    "Wrapped links now open as they are, so Microsoft Defender still checks them."
                )
            }
        },
    )
}

pub fn handler_status(out: &mut Output) -> Result<(), Error> {
    let status = routing::handler_status(&super::locations()?);
    out.show(&status, |text| {
        if status.registered {
            writeln!(text, "Tandem opens web links.")?;
        } else if status.replaced_since {
            writeln!(
                text,
                "Tandem was the link handler, but another handler has been chosen since."
            )?;
        } else {
            writeln!(text, "Tandem does not open web links.")?;
        }
        if let Some(program) = &status.program
            && !status.program_exists
        {
            writeln!(
                text,
                "Its desktop entry runs {}, which is gone: run `tandem handler on` again.",
                Escaped(&program.display().to_string())
            )?;
        }
        match &status.previous {
            Some(previous) => writeln!(text, "Before Tandem, links went to {}.", Escaped(previous)),
            None => Ok(()),
        }
    })
}

pub fn handler_on(out: &mut Output) -> Result<(), Error> {
    let done = routing::handler_on(&super::locations()?)?;
    out.show(&done, |text| match &done {
        routing::HandlerOn::Registered => writeln!(
            text,
            "Tandem now opens web links; `tandem handler off` puts the previous handler back."
        ),
        routing::HandlerOn::SettingsOpened { .. } => writeln!(
            text,
            "Choose Tandem as the default web browser in the settings that just opened."
        ),
    })
}

#[derive(Serialize)]
struct HandlerOff {
    unregistered: bool,
}

pub fn handler_off(out: &mut Output) -> Result<(), Error> {
    let unregistered = routing::handler_off(&super::locations()?)?;
    out.show(&HandlerOff { unregistered }, |text| {
        if unregistered {
            writeln!(
                text,
                "Tandem no longer opens web links; the previous handler is back."
            )
        } else {
            writeln!(text, "Tandem was not the link handler.")
        }
    })
}
