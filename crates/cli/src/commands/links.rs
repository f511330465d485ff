//! `tandem link`, `unlink`, `status`, `history`, `policy`: each opens the
//! core's handle, which reconciles the links first.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;
use tandem_api::policy::PolicyReport;
use tandem_api::{Cancel, Error, Proof, Said};
use tandem_linking::{HistoryEntry, Link, LinkState, ProfileRef, Status, UnlinkReason};
use tandem_text::Escaped;

use crate::output::{Output, human_time};
use crate::{LinkArgs, UnlinkArgs};

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
    out.show(&linked, |text| {
        writeln!(text, "Linked.")?;
        write_link(text, &linked)
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
    out.show(&shown, |text| {
        let work = Escaped(&shown.work.to_string()).to_string();
        match shown.was {
            LinkState::Linking => writeln!(
                text,
                "Cancelled the link of {work}, which was still waiting for its sign-in; it was never linked."
            ),
            _ => writeln!(text, "Unlinked {work}."),
        }
    })
}

pub fn status(out: &mut Output, check_accounts: bool) -> Result<(), Error> {
    let mut tandem = super::open(out)?;
    if check_accounts {
        tandem.check_accounts()?;
        for notice in tandem.status().notices.clone() {
            out.notice(&notice.to_string());
        }
    }
    let status = tandem.status().clone();
    out.show(&status, |text| write_status(text, &status))
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
    out.show(&history, |text| {
        if history.history.is_empty() {
            return writeln!(text, "No link events yet.");
        }
        for entry in &history.history {
            let event = serde_json::to_value(entry.event).unwrap_or_default();
            writeln!(
                text,
                "{}  {:<26} {}: {}",
                human_time(entry.time),
                event.as_str().unwrap_or_default(),
                Escaped(&entry.work.to_string()),
                Escaped(&entry.reason.to_string())
            )?;
        }
        Ok(())
    })
}

pub fn policy(out: &mut Output) -> Result<(), Error> {
    // Opening reconciles: a policy that just turned linking off has already
    // removed the links it forbids when this answers.
    let tandem = super::open(out)?;
    let report = tandem.policy();
    out.show(&report, |text| write_policy_report(text, &report))
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
    out.show(&written, |text| {
        for path in &written {
            writeln!(text, "wrote {}", Escaped(path))?;
        }
        Ok(())
    })
}

fn write_policy_report(out: &mut dyn Write, report: &PolicyReport) -> std::io::Result<()> {
    match &report.policy_reason {
        None => writeln!(out, "Linking is allowed by Tandem's policy.")?,
        Some(reason) => writeln!(out, "Linking is off: {}.", Escaped(&reason.to_string()))?,
    }
    for (publisher, policy) in &report.browsers {
        if let Some(reason) = &policy.reason {
            let publisher = serde_json::to_value(publisher).unwrap_or_default();
            writeln!(
                out,
                "{}: linking is off: {}.",
                publisher.as_str().unwrap_or_default(),
                Escaped(&reason.to_string())
            )?;
        }
    }
    for setting in &report.settings {
        let publisher = serde_json::to_value(setting.publisher).unwrap_or_default();
        let level = serde_json::to_value(setting.level).unwrap_or_default();
        writeln!(
            out,
            "{} {} = {} ({}, {})",
            publisher.as_str().unwrap_or_default(),
            Escaped(&setting.name),
            Escaped(&setting.value.to_string()),
            level.as_str().unwrap_or_default(),
            Escaped(&setting.source)
        )?;
        if setting.unknown {
            writeln!(
                out,
                "  Tandem has no policy {}: it has no effect (docs/policy.md lists them)",
                Escaped(&setting.name)
            )?;
        }
    }
    for problem in &report.problems {
        writeln!(
            out,
            "unreadable: {} {}",
            Escaped(&problem.source.location),
            Escaped(&problem.reason.to_string())
        )?;
    }
    Ok(())
}

pub fn write_status(out: &mut dyn Write, status: &Status) -> std::io::Result<()> {
    write_policy(out, status)?;
    if status.personal_data_restricted {
        writeln!(
            out,
            "Processing of your personal data is paused (lift it with `tandem privacy restrict --lift`)."
        )?;
    }
    if status.links.is_empty() {
        return writeln!(
            out,
            "Nothing is linked. Link a work profile with `tandem link --work <browser>:<profile>`."
        );
    }
    for link in &status.links {
        write_link(out, link)?;
    }
    Ok(())
}

/// What policy says, for every browser with profiles: Tandem's switch can be
/// on while a browser's own policy keeps its profiles from linking.
fn write_policy(out: &mut dyn Write, status: &Status) -> std::io::Result<()> {
    if !status.linking_allowed {
        return writeln!(
            out,
            "Linking is off for every profile: {}.",
            Escaped(&status.policy_reason.as_ref().map_or(
                "your organization turned it off".to_owned(),
                Said::to_string
            ))
        );
    }
    let off: Vec<_> = status
        .browsers
        .iter()
        .filter(|browser| !browser.linking_allowed)
        .collect();
    if off.is_empty() {
        return writeln!(out, "Linking is allowed for every profile.");
    }
    let allowed: Vec<&str> = status
        .browsers
        .iter()
        .filter(|browser| browser.linking_allowed)
        .map(|browser| browser.browser.spec().name)
        .collect();
    if allowed.is_empty() {
        writeln!(out, "Linking is off for every browser on this machine:")?;
    } else {
        writeln!(
            out,
            "Linking is allowed for {}, but off for:",
            allowed.join(", ")
        )?;
    }
    for browser in off {
        writeln!(
            out,
            "    {}: {}.",
            browser.browser.spec().name,
            Escaped(
                &browser
                    .reason
                    .as_ref()
                    .map_or("policy turned it off".to_owned(), Said::to_string)
            )
        )?;
    }
    Ok(())
}

fn write_link(out: &mut dyn Write, link: &Link) -> std::io::Result<()> {
    let work_account = link.work_account.email.as_deref().unwrap_or("work account");
    let personal = match &link.personal_account {
        Some(account) => account
            .email
            .clone()
            .or_else(|| account.name.clone())
            .unwrap_or_else(|| "a personal account".into()),
        None => "[personal data paused]".into(),
    };
    writeln!(
        out,
        "{} ({}) ⇄ {}: {} since {}",
        Escaped(&link.work.to_string()),
        Escaped(work_account),
        Escaped(&personal),
        link.state.as_str(),
        human_time(link.since)
    )?;
    if let Some(profile) = &link.personal_profile {
        writeln!(
            out,
            "    personal links open in {}",
            Escaped(&profile.to_string())
        )?;
    }
    if let Some(reason) = &link.reason {
        writeln!(out, "    {}", Escaped(&reason.to_string()))?;
    }
    Ok(())
}
