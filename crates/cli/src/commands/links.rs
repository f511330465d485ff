//! `tandem link`, `unlink`, `status`, `history`, `policy`: each opens the
//! core's handle, which reconciles the links first.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;
use tandem_api::policy::PolicyReport;
use tandem_api::{Cancel, Error, Proof, Said};
use tandem_i18n::Language;
use tandem_linking::{HistoryEntry, Link, LinkState, ProfileRef, Status, UnlinkReason};
use tandem_policy::Level;
use tandem_text::Escaped;

use crate::output::{Output, human_time, say, tell};
use crate::{LinkArgs, UnlinkArgs, tables};

pub fn link(out: &mut Output, args: LinkArgs) -> Result<(), Error> {
    let mut tandem = super::open(out)?;
    let proof = match (args.signin, args.personal_profile) {
        (true, personal_profile) => Proof::SignIn {
            personal_profile,
            timeout: Duration::from_secs(args.timeout.timeout),
        },
        (false, Some(profile)) => Proof::Profile(profile),
        (false, None) => Proof::EarlierSignIn,
    };
    let linked = tandem.link(
        &args.work,
        proof,
        &super::show_progress(out),
        &Cancel::new(),
    )?;
    let language = out.language();
    out.show(&linked, |text| {
        writeln!(text, "{}", language.text("cli.linked"))?;
        write_link(text, &linked, language)
    })
}

#[derive(Serialize)]
struct Unlinked {
    work: ProfileRef,
    /// The state the link was in.
    was: LinkState,
    /// What the history recorded: nothing for a link still waiting for its
    /// sign-in, which was never linked.
    recorded: Option<HistoryEntry>,
}

pub fn unlink(out: &mut Output, args: UnlinkArgs) -> Result<(), Error> {
    let mut tandem = super::open(out)?;
    let why = if args.before_leaving {
        UnlinkReason::BeforeLeaving
    } else {
        UnlinkReason::AtRequest
    };
    let unlinked = tandem.unlink(args.work.as_ref(), why)?;
    let shown = Unlinked {
        work: unlinked.work,
        was: unlinked.was,
        recorded: unlinked.entry,
    };
    let language = out.language();
    out.show(&shown, |text| {
        let key = match shown.was {
            LinkState::Linking => "cli.link_cancelled",
            _ => "cli.unlinked",
        };
        let work = shown.work.to_string();
        tell(text, language, key, &[("work", &work)])
    })
}

pub fn status(out: &mut Output, check_accounts: bool) -> Result<(), Error> {
    let mut tandem = super::open(out)?;
    if check_accounts {
        tandem.check_accounts()?;
        for notice in tandem.status().notices.clone() {
            out.notice(&notice.in_language(out.language()));
        }
    }
    let status = tandem.status().clone();
    let language = out.language();
    out.show(&status, |text| write_status(text, &status, language))
}

#[derive(Serialize)]
struct History {
    history: Vec<HistoryEntry>,
}

pub fn history(out: &mut Output) -> Result<(), Error> {
    let tandem = super::open(out)?;
    let history = History {
        history: tandem.history()?,
    };
    let language = out.language();
    out.show(&history, |text| {
        if history.history.is_empty() {
            return writeln!(text, "{}", language.text("cli.history.none"));
        }
        let rows: Vec<Vec<String>> = history
            .history
            .iter()
            .map(|entry| {
                let event = serde_json::to_value(entry.event).unwrap_or_default();
                let event = event.as_str().unwrap_or_default();
                vec![
                    human_time(entry.time),
                    Said::new(&format!("history_event.{event}")).in_language(language),
                    entry.work.to_string(),
                    entry.reason.in_language(language),
                ]
            })
            .collect();
        let headers = [
            "cli.column.time",
            "cli.column.event",
            "cli.column.profile",
            "cli.column.reason",
        ]
        .map(|column| language.text(column));
        writeln!(text, "{}", tables::render(&headers, &rows))
    })
}

pub fn policy(out: &mut Output) -> Result<(), Error> {
    // Opening reconciles: a policy that just turned linking off has already
    // removed the links it forbids when this answers.
    let tandem = super::open(out)?;
    let report = tandem.policy();
    let language = out.language();
    out.show(&report, |text| write_policy_report(text, &report, language))
}

pub fn policy_schema(out: &mut Output) -> Result<(), Error> {
    let schema = tandem_api::policy::schema();
    // The schema is JSON either way: it is what admins' tools read.
    out.show(&schema, |text| {
        writeln!(
            text,
            "{}",
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        )
    })
}

pub fn policy_templates(out: &mut Output, folder: &std::path::Path) -> Result<(), Error> {
    let written = tandem_api::policy::write_templates(folder)?;
    let language = out.language();
    out.show(&written, |text| {
        for path in &written {
            tell(text, language, "cli.wrote", &[("path", path)])?;
        }
        Ok(())
    })
}

fn write_policy_report(
    out: &mut dyn Write,
    report: &PolicyReport,
    language: Language,
) -> std::io::Result<()> {
    match &report.policy_reason {
        None => writeln!(out, "{}", language.text("cli.policy.allowed"))?,
        Some(reason) => tell(
            out,
            language,
            "cli.policy.off",
            &[("reason", &reason.in_language(language))],
        )?,
    }
    for (publisher, policy) in &report.browsers {
        if let Some(reason) = &policy.reason {
            tell(
                out,
                language,
                "cli.policy.browser_off",
                &[
                    ("browser", publisher.name()),
                    ("reason", &reason.in_language(language)),
                ],
            )?;
        }
    }
    for setting in &report.settings {
        let level = language.text(match setting.level {
            Level::Managed => "cli.level.managed",
            Level::Recommended => "cli.level.recommended",
        });
        writeln!(
            out,
            "{}: {} = {} ({level}, {})",
            setting.publisher.name(),
            Escaped(&setting.name),
            Escaped(&setting.value.to_string()),
            Escaped(&setting.source)
        )?;
        if setting.unknown {
            writeln!(
                out,
                "  {}",
                say(
                    language,
                    "cli.policy.unknown_setting",
                    &[("name", &setting.name)]
                )
            )?;
        }
    }
    for problem in &report.problems {
        tell(
            out,
            language,
            "cli.policy.unreadable",
            &[
                ("source", &problem.source.location),
                ("reason", &problem.reason.in_language(language)),
            ],
        )?;
    }
    Ok(())
}

pub fn write_status(
    out: &mut dyn Write,
    status: &Status,
    language: Language,
) -> std::io::Result<()> {
    write_policy(out, status, language)?;
    if status.personal_data_restricted {
        writeln!(out, "{}", language.text("cli.status.paused"))?;
    }
    if status.links.is_empty() {
        return writeln!(out, "{}", language.text("cli.status.nothing_linked"));
    }
    for link in &status.links {
        write_link(out, link, language)?;
    }
    Ok(())
}

/// What policy says, for every browser with profiles: Tandem's switch can be
/// on while a browser's own policy keeps its profiles from linking.
fn write_policy(out: &mut dyn Write, status: &Status, language: Language) -> std::io::Result<()> {
    let reason = |reason: Option<&Said>, otherwise: &str| {
        reason.map_or_else(
            || language.text(otherwise).to_owned(),
            |reason| reason.in_language(language),
        )
    };
    if !status.linking_allowed {
        let why = reason(
            status.policy_reason.as_ref(),
            "cli.status.off_by_organization",
        );
        return tell(
            out,
            language,
            "cli.status.off_everywhere",
            &[("reason", &why)],
        );
    }
    let off: Vec<_> = status
        .browsers
        .iter()
        .filter(|browser| !browser.linking_allowed)
        .collect();
    if off.is_empty() {
        return writeln!(out, "{}", language.text("cli.status.allowed_everywhere"));
    }
    let allowed: Vec<&str> = status
        .browsers
        .iter()
        .filter(|browser| browser.linking_allowed)
        .map(|browser| browser.browser.spec().name)
        .collect();
    if allowed.is_empty() {
        writeln!(out, "{}", language.text("cli.status.off_for_every_browser"))?;
    } else {
        tell(
            out,
            language,
            "cli.status.allowed_but_off",
            &[("browsers", &allowed.join(", "))],
        )?;
    }
    for browser in off {
        let why = reason(browser.reason.as_ref(), "cli.status.off_by_policy");
        writeln!(
            out,
            "    {}: {}.",
            browser.browser.spec().name,
            Escaped(&why)
        )?;
    }
    Ok(())
}

fn write_link(out: &mut dyn Write, link: &Link, language: Language) -> std::io::Result<()> {
    let work_account = link
        .work_account
        .email
        .as_deref()
        .unwrap_or_else(|| language.text("cli.link.work_account"));
    let personal = match &link.personal_account {
        Some(account) => account
            .email
            .clone()
            .or_else(|| account.name.clone())
            .unwrap_or_else(|| language.text("cli.link.a_personal_account").into()),
        None => language.text("links.personal_paused").into(),
    };
    let state = match link.state {
        LinkState::Linked => "cli.state.linked",
        LinkState::Linking => "cli.state.linking",
        LinkState::Unlinked => "cli.state.unlinked",
        LinkState::WorkAccountUnavailable => "cli.state.work_account_unavailable",
    };
    tell(
        out,
        language,
        "cli.link.line",
        &[
            ("work", &link.work.to_string()),
            ("work_account", work_account),
            ("personal", &personal),
            ("state", language.text(state)),
            ("since", &human_time(link.since)),
        ],
    )?;
    if let Some(profile) = &link.personal_profile {
        writeln!(
            out,
            "    {}",
            say(
                language,
                "cli.link.personal_profile",
                &[("profile", &profile.to_string())]
            )
        )?;
    }
    if let Some(reason) = &link.reason {
        writeln!(out, "    {}", Escaped(&reason.in_language(language)))?;
    }
    Ok(())
}
