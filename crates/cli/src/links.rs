//! `tandem link`, `unlink`, `status`, `history`, `privacy`, `uninstall`,
//! `autostart` and `handler`. Every command reads the profiles and policy
//! and reconciles the links first, so its answer is right even when the app
//! is not running.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use tandem_identity::{AccountKind, Vault};
use tandem_linking::{
    HistoryEntry, Link, LinkBook, LinkRequest, PersonalAccount, PersonalProof, ProfileRef, Status,
    UnlinkReason, WorkSignIn, World,
};
use tandem_locations::Locations;
use tandem_policy::PolicySet;
use tandem_profiles::Snapshot;

use tandem_text::Escaped;

use crate::CliError;

/// The machine as it is now.
pub struct Observed {
    pub locations: Locations,
    pub profiles: Snapshot,
    pub policy: PolicySet,
    pub book: LinkBook,
}

impl Observed {
    pub fn read() -> Result<Self, CliError> {
        let locations = Locations::from_env()?;
        let profiles = tandem_profiles::discover(locations.user_roots());
        let policy = PolicySet::read(&locations);
        let book = LinkBook::new(&locations);
        Ok(Self {
            locations,
            profiles,
            policy,
            book,
        })
    }

    pub fn world<'a>(&'a self, sign_ins: &'a BTreeMap<String, WorkSignIn>) -> World<'a> {
        World {
            profiles: &self.profiles,
            policy: &self.policy,
            sign_ins,
            now: tandem_linking::now(),
        }
    }

    /// Reconciles, telling the user on stderr what changed and why.
    pub fn reconcile(&self, sign_ins: &BTreeMap<String, WorkSignIn>) -> Result<Status, CliError> {
        let result = self.book.reconcile(&self.world(sign_ins))?;
        for notice in &result.status.notices {
            eprintln!("tandem: {}", tandem_text::Escaped(notice));
        }
        Ok(result.status)
    }
}

/// A UTC time for people: `2026-11-25 14:03 UTC`.
pub fn human_time(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let seconds = unix % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        seconds / 3600,
        seconds % 3600 / 60
    )
}

pub fn write_status(out: &mut impl Write, status: &Status) -> std::io::Result<()> {
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
fn write_policy(out: &mut impl Write, status: &Status) -> std::io::Result<()> {
    if !status.linking_allowed {
        return writeln!(
            out,
            "Linking is off for every profile: {}.",
            Escaped(
                status
                    .policy_reason
                    .as_deref()
                    .unwrap_or("your organization turned it off")
            )
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
    let allowed: Vec<String> = status
        .browsers
        .iter()
        .filter(|browser| browser.linking_allowed)
        .map(|browser| browser.browser.spec().name.to_owned())
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
            Escaped(browser.reason.as_deref().unwrap_or("policy turned it off"))
        )?;
    }
    Ok(())
}

fn write_link(out: &mut impl Write, link: &Link) -> std::io::Result<()> {
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
        writeln!(out, "    {}", Escaped(reason))?;
    }
    Ok(())
}

pub fn status(json: bool, check_accounts: bool, out: &mut impl Write) -> Result<(), CliError> {
    let observed = Observed::read()?;
    let sign_ins = if check_accounts {
        tandem_linking::accounts::check_linked_work_accounts(&observed.locations)?
    } else {
        BTreeMap::new()
    };
    let status = observed.reconcile(&sign_ins)?;
    if json {
        tandem_text::json::to_writer_pretty(&mut *out, &status)?;
        writeln!(out)?;
    } else {
        write_status(out, &status)?;
    }
    Ok(())
}

pub struct LinkArgs {
    pub work: ProfileRef,
    pub personal_profile: Option<ProfileRef>,
    pub signin: bool,
    pub timeout: u64,
    pub json: bool,
}

pub fn link(args: LinkArgs, out: &mut impl Write) -> Result<(), CliError> {
    let observed = Observed::read()?;
    let none = BTreeMap::new();
    observed.reconcile(&none)?;
    let world = observed.world(&none);
    let vault = Vault::new(&observed.locations);
    let work_email = observed
        .profiles
        .profiles
        .iter()
        .find(|profile| args.work.names(profile))
        .and_then(|profile| profile.account.email.clone());
    // A work account Tandem signed in to lets it ask the provider, later,
    // whether the account still exists.
    let work_account_key = work_email.and_then(|email| {
        vault.accounts().ok()?.into_iter().find_map(|account| {
            (account.kind == AccountKind::Work && account.matches(&email)).then(|| account.key())
        })
    });
    let request = LinkRequest {
        work: args.work.clone(),
        personal_profile: args.personal_profile.clone(),
        work_account_key,
    };
    // Refuse before asking anything of the user (a sign-in, a choice).
    observed.book.check(&world, &request)?;
    let linked = if args.signin {
        let pending = observed.book.begin(&world, &request)?;
        eprintln!("tandem: opening your browser to sign in to your personal account…");
        let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let signed_in = tandem_linking::signin::sign_in_personal(
            &observed.locations,
            std::time::Duration::from_secs(args.timeout),
            &cancel,
        );
        // The sign-in took a while: confirm against the machine as it is now,
        // so a policy that changed meanwhile still wins.
        let now = Observed::read()?;
        match signed_in {
            Ok(personal) => now.book.confirm(&now.world(&none), &pending, personal)?,
            Err(error) => {
                observed.book.abandon(&pending)?;
                return Err(error.into());
            }
        }
    } else if let Some(profile) = &args.personal_profile {
        let personal = LinkBook::personal_account_of(&world, profile)?;
        observed.book.link(&world, &request, personal)?
    } else {
        let personal: Vec<_> = vault
            .accounts()?
            .into_iter()
            .filter(|account| account.kind == AccountKind::Personal)
            .collect();
        let [account] = personal.as_slice() else {
            return Err(CliError::WhichPersonalAccount(personal.len()));
        };
        observed.book.link(
            &world,
            &request,
            PersonalAccount {
                account_key: Some(account.key()),
                email: account.username.clone(),
                name: account.name.clone(),
                proof: PersonalProof::SignIn,
            },
        )?
    };
    if args.json {
        tandem_text::json::to_writer_pretty(&mut *out, &linked)?;
        writeln!(out)?;
    } else {
        writeln!(out, "Linked.")?;
        write_link(out, &linked)?;
    }
    Ok(())
}

pub fn unlink(
    work: Option<ProfileRef>,
    before_leaving: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let observed = Observed::read()?;
    let none = BTreeMap::new();
    observed.reconcile(&none)?;
    let why = if before_leaving {
        UnlinkReason::BeforeLeaving
    } else {
        UnlinkReason::AtRequest
    };
    let unlinked = observed
        .book
        .unlink(&observed.world(&none), work.as_ref(), why)?;
    match unlinked.was {
        tandem_linking::LinkState::Linking => writeln!(
            out,
            "Cancelled the link of {}, which was still waiting for its sign-in; it was never linked.",
            Escaped(&unlinked.work.to_string())
        )?,
        _ => writeln!(out, "Unlinked {}.", Escaped(&unlinked.work.to_string()))?,
    }
    Ok(())
}

pub fn history(json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let observed = Observed::read()?;
    observed.reconcile(&BTreeMap::new())?;
    let entries = observed.book.history()?;
    if json {
        tandem_text::json::to_writer_pretty(&mut *out, &serde_json::json!({ "history": entries }))?;
        writeln!(out)?;
        return Ok(());
    }
    if entries.is_empty() {
        return Ok(writeln!(out, "No link events yet.")?);
    }
    for HistoryEntry {
        time,
        event,
        work,
        reason,
    } in &entries
    {
        let event = serde_json::to_value(event)?;
        writeln!(
            out,
            "{}  {:<26} {}: {}",
            human_time(*time),
            event.as_str().unwrap_or_default(),
            Escaped(&work.to_string()),
            Escaped(reason)
        )?;
    }
    Ok(())
}

/// Asks on the terminal; refuses without one, so scripts must say `--yes`.
fn confirm(question: &str) -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::NeedsYes);
    }
    eprint!("{} [y/N] ", Escaped(question));
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

pub fn privacy_export(file: &Path, overwrite: bool, out: &mut impl Write) -> Result<(), CliError> {
    use tandem_linking::privacy::{Existing, PrivacyError};
    let observed = Observed::read()?;
    observed.reconcile(&BTreeMap::new())?;
    let existing = if overwrite {
        Existing::Replace
    } else {
        Existing::Keep
    };
    match tandem_linking::privacy::export(&observed.locations, file, existing) {
        Ok(()) => {}
        Err(PrivacyError::Export(tandem_files::export::ExportError::Exists(path))) => {
            if !std::io::stdin().is_terminal() {
                return Err(CliError::ExportExists(path));
            }
            if !confirm(&format!("{} already exists. Replace it?", path.display()))? {
                writeln!(out, "Nothing was exported.")?;
                return Ok(());
            }
            tandem_linking::privacy::export(&observed.locations, file, Existing::Replace)?;
        }
        Err(error) => return Err(error.into()),
    }
    writeln!(
        out,
        "Exported your personal data to {}.",
        Escaped(&file.display().to_string())
    )?;
    Ok(())
}

pub fn privacy_delete(yes: bool, out: &mut impl Write) -> Result<(), CliError> {
    let observed = Observed::read()?;
    observed.reconcile(&BTreeMap::new())?;
    if !yes
        && !confirm(
            "Delete your personal account's data from Tandem (its sign-in, and every link that needs it)?",
        )?
    {
        writeln!(out, "Nothing was deleted.")?;
        return Ok(());
    }
    let deleted = tandem_linking::privacy::delete(&observed.locations)?;
    writeln!(
        out,
        "Deleted your personal data: {} personal sign-in(s) and {} link(s).",
        deleted.sign_ins,
        deleted.unlinked.len()
    )?;
    Ok(())
}

pub fn privacy_restrict(lift: bool, out: &mut impl Write) -> Result<(), CliError> {
    let locations = Locations::from_env()?;
    LinkBook::new(&locations).set_restricted(!lift, tandem_linking::now())?;
    if lift {
        writeln!(out, "Tandem processes your personal data again.")?;
    } else {
        writeln!(
            out,
            "Tandem will not process your personal data until you run `tandem privacy restrict --lift`. \
             Your links stay; personal links are not routed meanwhile."
        )?;
    }
    Ok(())
}

pub fn uninstall(yes: bool, out: &mut impl Write) -> Result<(), CliError> {
    let locations = Locations::from_env()?;
    if tandem_footprint::uninstall::app_is_running() {
        return Err(CliError::AppRunning);
    }
    let plan = tandem_footprint::uninstall::plan(&locations);
    if plan.is_empty() {
        writeln!(out, "Tandem left nothing on this machine for this user.")?;
        return Ok(());
    }
    writeln!(out, "This removes:")?;
    for folder in &plan.folders {
        writeln!(out, "  {}", Escaped(&folder.display().to_string()))?;
    }
    for entry in &plan.keyring_entries {
        writeln!(out, "  the keyring entry of the {} account", Escaped(entry))?;
    }
    if let Some(file) = &plan.autostart {
        writeln!(
            out,
            "  {} (start at sign-in)",
            Escaped(&file.display().to_string())
        )?;
    }
    if plan.link_handler {
        writeln!(
            out,
            "  Tandem as the link handler (the previous one is put back)"
        )?;
    }
    out.flush()?;
    if !yes && !confirm("Remove all of this?")? {
        writeln!(out, "Nothing was removed.")?;
        return Ok(());
    }
    tandem_footprint::uninstall::uninstall(&locations)?;
    writeln!(out, "Removed everything Tandem left for this user.")?;
    Ok(())
}

/// The app's executable: beside this one when installed together, else by name.
pub fn app_executable() -> PathBuf {
    let name = if cfg!(windows) {
        "tandem-app.exe"
    } else {
        "tandem-app"
    };
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .filter(|path| path.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}
