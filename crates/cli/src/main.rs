//! `tandem`: Tandem's core on the command line. It links no GUI library, so it
//! starts in milliseconds and runs where no display exists.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tandem_linking::ProfileRef;

mod links;
use tandem_identity::AccountKind as AccountKindOfSignIn;
use tandem_locations::Locations;
use tandem_profiles::{AccountKind, Snapshot};
use tandem_text::{Escaped, TerminalWriter, for_terminal};

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "Link your work and personal browser profiles, and open each link in the right one.",
    long_about = None,
    after_help = "Logs go to stderr; set TANDEM_LOG (e.g. TANDEM_LOG=debug) for more detail."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every browser profile on this machine and who is signed in to each.
    Profiles {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Keep running and print one JSON line per change (profile added,
        /// removed or renamed, sign-in, sign-out, browser installed…).
        #[arg(long, conflicts_with = "json")]
        watch: bool,
    },
    /// Sign in to a Microsoft account in your browser; its tokens go to the
    /// system keyring.
    Signin {
        /// A personal Microsoft account (outlook.com, hotmail.com…).
        #[arg(long, conflicts_with = "work", required_unless_present = "work")]
        personal: bool,
        /// A work or school account.
        #[arg(long)]
        work: bool,
        /// Show a code to enter on another device instead of opening a browser.
        #[arg(long)]
        device_code: bool,
        /// Seconds to wait for the sign-in to finish.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the Microsoft accounts Tandem has signed in (never their tokens).
    Accounts {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Forget an account: delete its tokens from the keyring and its record.
    Signout {
        /// The account's username, or its id (`<object id>.<tenant id>`).
        account: String,
    },
    /// Show what your organization's policy says about linking, and where
    /// each value came from.
    Policy {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Link a personal Microsoft account to a work profile.
    #[command(
        after_help = "The personal account is proven by --signin, or by --personal-profile \
(a profile signed in to it); without either, the one personal account you signed in to \
with `tandem signin --personal` is used."
    )]
    Link {
        /// The work profile, as <browser>:<profile folder> (e.g. edge:Default).
        #[arg(long, value_name = "BROWSER:PROFILE")]
        work: ProfileRef,
        /// The profile signed in to the personal account; personal links open there.
        #[arg(long, value_name = "BROWSER:PROFILE")]
        personal_profile: Option<ProfileRef>,
        /// Sign in to the personal account in your browser now.
        #[arg(long)]
        signin: bool,
        /// Seconds to wait for the sign-in to finish.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// Print the link as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a link. Always allowed, whatever its state or policy.
    Unlink {
        /// The linked work profile; needed only when more than one is linked.
        #[arg(long, value_name = "BROWSER:PROFILE")]
        work: Option<ProfileRef>,
        /// Record that you unlinked before leaving the organization.
        #[arg(long)]
        before_leaving: bool,
    },
    /// Show the links, their state, and what policy allows.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Ask the identity provider whether the linked work accounts still exist.
        #[arg(long)]
        check_accounts: bool,
    },
    /// Show what happened to links, and why.
    History {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export, delete or pause the processing of your personal data.
    Privacy {
        #[command(subcommand)]
        action: PrivacyAction,
    },
    /// Remove everything Tandem left for this user: settings, data, logs,
    /// keyring entries, autostart and link-handler registration.
    Uninstall {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Start Tandem when you sign in, or stop doing so.
    Autostart { state: Switch },
    /// Show every folder Tandem reads or writes on this machine.
    Paths {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PrivacyAction {
    /// Write everything Tandem holds about your personal account to FILE, as
    /// JSON (never tokens). An existing FILE is never replaced without asking.
    Export {
        file: std::path::PathBuf,
        /// Replace FILE if it exists (only a regular file is ever replaced).
        #[arg(long)]
        overwrite: bool,
    },
    /// Delete it, and every link that needs it.
    Delete {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Pause all processing of your personal data until lifted.
    Restrict {
        /// Lift the restriction.
        #[arg(long)]
        lift: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Switch {
    On,
    Off,
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Link(#[from] tandem_linking::LinkError),
    #[error(transparent)]
    Privacy(#[from] tandem_linking::privacy::PrivacyError),
    #[error(transparent)]
    Check(#[from] tandem_linking::accounts::CheckError),
    #[error(transparent)]
    Footprint(#[from] tandem_footprint::FootprintError),
    #[error(transparent)]
    PersonalSignIn(#[from] tandem_linking::signin::PersonalSignInError),
    #[error(
        "say which personal account to link: --signin to sign in now, or --personal-profile \
         <browser>:<profile> (Tandem holds {0} personal sign-ins)"
    )]
    WhichPersonalAccount(usize),
    #[error("this asks for confirmation, and there is no terminal to ask on: add --yes")]
    NeedsYes,
    #[error("{0:?} already exists; choose another name, or add --overwrite to replace it")]
    ExportExists(std::path::PathBuf),
    #[error(
        "Tandem's app is running and would write its files again: choose Quit in its tray menu \
         first, or use \"Remove all Tandem data\" in the app"
    )]
    AppRunning,
    #[error(transparent)]
    Locations(#[from] tandem_locations::LocationError),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot encode the output as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Watch(#[from] tandem_profiles::watch::WatchError),
    #[error(transparent)]
    Vault(#[from] tandem_identity::VaultError),
    #[error(transparent)]
    Config(#[from] tandem_identity::ConfigError),
    #[error(transparent)]
    SignIn(#[from] tandem_identity::SignInError),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Short-lived commands log to stderr only: a file per invocation would be noise.
    let _guard = tandem_logging::init(&tandem_logging::LogOptions {
        default_filter: "warn".into(),
        file: None,
    });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("tandem: {}", Escaped(&error.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    // Text from browser files (profile names, emails) reaches the terminal
    // only escaped, whichever field it is in.
    let mut out = TerminalWriter::new(std::io::stdout().lock());
    match cli.command {
        Command::Profiles { watch: true, .. } => {
            let locations = Locations::from_env()?;
            drop(out);
            watch_profiles(locations)?;
        }
        Command::Profiles { json, .. } => {
            let locations = Locations::from_env()?;
            let snapshot = tandem_profiles::discover(locations.user_roots());
            if json {
                tandem_text::json::to_writer_pretty(&mut out, &snapshot)?;
                writeln!(out)?;
            } else {
                write_profiles_table(&mut out, &snapshot)?;
            }
        }
        Command::Signin {
            personal,
            device_code,
            timeout,
            json,
            ..
        } => {
            let kind = if personal {
                AccountKindOfSignIn::Personal
            } else {
                AccountKindOfSignIn::Work
            };
            let locations = Locations::from_env()?;
            let vault = tandem_identity::Vault::new(&locations);
            let settings = tandem_identity::IdentitySettings::from_env(&locations)?;
            let provider = tandem_identity::Provider::discover(&settings, kind)?;
            let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let signed_in = if device_code {
                provider.sign_in_with_device_code(
                    kind,
                    |prompt| {
                        // The provider's words: escaped like anything from outside.
                        eprintln!(
                            "To sign in, open {} and enter the code {}",
                            Escaped(&prompt.verification_uri),
                            Escaped(&prompt.user_code)
                        );
                    },
                    std::time::Duration::from_secs(timeout),
                    &cancel,
                )?
            } else {
                eprintln!("tandem: opening your browser to sign in…");
                provider.sign_in_with_browser(
                    kind,
                    tandem_identity::open_in_browser,
                    std::time::Duration::from_secs(timeout),
                    &cancel,
                )?
            };
            vault.store(&signed_in.account, &signed_in.tokens)?;
            if let Some(received) = signed_in.redirect_received {
                tracing::debug!(elapsed = ?received.elapsed(), "from the redirect to the tokens in the keyring");
            }
            let account = &signed_in.account;
            if json {
                tandem_text::json::to_writer_pretty(&mut out, account)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Signed in to the {} account {}{}.",
                    account.kind.as_str(),
                    Escaped(account.username.as_deref().unwrap_or(&account.key())),
                    account
                        .name
                        .as_deref()
                        .map(|name| format!(" ({})", Escaped(name)))
                        .unwrap_or_default()
                )?;
            }
        }
        Command::Accounts { json } => {
            let vault = tandem_identity::Vault::new(&Locations::from_env()?);
            let accounts = vault.accounts()?;
            if json {
                tandem_text::json::to_writer_pretty(
                    &mut out,
                    &serde_json::json!({ "accounts": accounts }),
                )?;
                writeln!(out)?;
            } else if accounts.is_empty() {
                writeln!(
                    out,
                    "No accounts. Sign in with `tandem signin --personal` or `--work`."
                )?;
            } else {
                for account in &accounts {
                    writeln!(
                        out,
                        "{:<9} {:<32} {}",
                        account.kind.as_str(),
                        Escaped(account.username.as_deref().unwrap_or("-")).to_string(),
                        Escaped(account.name.as_deref().unwrap_or(""))
                    )?;
                }
            }
        }
        Command::Signout { account } => {
            let vault = tandem_identity::Vault::new(&Locations::from_env()?);
            let found = vault.find(&account)?;
            vault.remove(&found)?;
            writeln!(
                out,
                "Signed out {} ({}).",
                Escaped(found.username.as_deref().unwrap_or(&found.key())),
                found.kind.as_str()
            )?;
        }
        Command::Policy { json } => {
            // Reconciling first means a policy that just turned linking off
            // has already removed the links it forbids when this answers.
            let observed = links::Observed::read()?;
            observed.reconcile(&std::collections::BTreeMap::new())?;
            let policy = observed.policy;
            let global = policy.linking(tandem_policy::Publisher::Tandem);
            let browsers: serde_json::Map<String, serde_json::Value> = [tandem_policy::Publisher::Edge]
                .into_iter()
                .map(|publisher| {
                    let decision = policy.linking(publisher);
                    (
                        serde_json::to_value(publisher)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        serde_json::json!({"linking_allowed": decision.allowed, "reason": decision.reason}),
                    )
                })
                .collect();
            let settings: Vec<serde_json::Value> = policy
                .settings
                .iter()
                .flat_map(|(publisher, settings)| {
                    settings.iter().map(move |(name, setting)| {
                        serde_json::json!({
                            "publisher": publisher,
                            "name": name,
                            "value": setting.value,
                            "level": setting.source.level,
                            "scope": setting.source.scope,
                            "source": setting.source.location,
                        })
                    })
                })
                .collect();
            if json {
                let report = serde_json::json!({
                    "linking_allowed": global.allowed,
                    "policy_reason": global.reason,
                    "browsers": browsers,
                    "settings": settings,
                    "problems": policy.problems,
                });
                tandem_text::json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                match &global.reason {
                    None => writeln!(out, "Linking is allowed by Tandem's policy.")?,
                    Some(reason) => writeln!(out, "Linking is off: {}.", Escaped(reason))?,
                }
                for (browser, decision) in &browsers {
                    if let Some(reason) = decision["reason"].as_str() {
                        writeln!(out, "{browser}: linking is off: {}.", Escaped(reason))?;
                    }
                }
                for setting in &settings {
                    writeln!(
                        out,
                        "{} {} = {} ({}, {})",
                        setting["publisher"].as_str().unwrap_or_default(),
                        Escaped(setting["name"].as_str().unwrap_or_default()),
                        Escaped(&setting["value"].to_string()),
                        setting["level"].as_str().unwrap_or_default(),
                        Escaped(setting["source"].as_str().unwrap_or_default())
                    )?;
                }
                for problem in &policy.problems {
                    writeln!(
                        out,
                        "unreadable: {} {}",
                        Escaped(&problem.source.location),
                        Escaped(&problem.reason)
                    )?;
                }
            }
        }
        Command::Link {
            work,
            personal_profile,
            signin,
            timeout,
            json,
        } => links::link(
            links::LinkArgs {
                work,
                personal_profile,
                signin,
                timeout,
                json,
            },
            &mut out,
        )?,
        Command::Unlink {
            work,
            before_leaving,
        } => links::unlink(work, before_leaving, &mut out)?,
        Command::Status {
            json,
            check_accounts,
        } => links::status(json, check_accounts, &mut out)?,
        Command::History { json } => links::history(json, &mut out)?,
        Command::Privacy { action } => match action {
            PrivacyAction::Export { file, overwrite } => {
                links::privacy_export(&file, overwrite, &mut out)?
            }
            PrivacyAction::Delete { yes } => links::privacy_delete(yes, &mut out)?,
            PrivacyAction::Restrict { lift } => links::privacy_restrict(lift, &mut out)?,
        },
        Command::Uninstall { yes } => links::uninstall(yes, &mut out)?,
        Command::Autostart { state } => {
            let locations = Locations::from_env()?;
            match state {
                Switch::On => {
                    tandem_footprint::autostart::enable(&locations, &links::app_executable())?;
                    writeln!(out, "Tandem will start when you sign in.")?;
                }
                Switch::Off => {
                    tandem_footprint::autostart::disable(&locations)?;
                    writeln!(out, "Tandem will not start when you sign in.")?;
                }
            }
        }
        Command::Paths { json } => {
            let locations = Locations::from_env()?;
            if json {
                tandem_text::json::to_writer_pretty(&mut out, &locations)?;
                writeln!(out)?;
            } else {
                write_paths_table(&mut out, &locations)?;
            }
        }
    }
    Ok(())
}

fn write_paths_table(out: &mut impl Write, locations: &Locations) -> std::io::Result<()> {
    let rows = [
        ("home", locations.home()),
        ("settings", locations.config_dir()),
        ("data", locations.data_dir()),
        ("cache", locations.cache_dir()),
        ("logs", locations.log_dir()),
        ("system root", locations.system_root()),
    ];
    for (label, path) in rows {
        writeln!(out, "{label:<12} {}", Escaped(&path.display().to_string()))?;
    }
    Ok(())
}

/// Prints one JSON line per change until interrupted or stdout closes.
fn watch_profiles(locations: Locations) -> Result<(), CliError> {
    let (sender, events) = std::sync::mpsc::channel();
    let _watcher = tandem_profiles::watch::ProfileWatcher::start(
        locations.user_roots().clone(),
        tandem_profiles::watch::DEFAULT_DEBOUNCE,
        move |event| {
            let _ = sender.send(event);
        },
    )?;
    eprintln!("tandem: watching browser profiles; press Ctrl+C to stop");
    for event in events {
        let mut out = TerminalWriter::new(std::io::stdout().lock());
        tandem_text::json::to_writer(&mut out, &event)?;
        writeln!(out)?;
        out.flush()?;
    }
    Ok(())
}

fn kind_label(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Work => "work",
        AccountKind::Personal => "personal",
        AccountKind::Google => "google",
        AccountKind::None => "-",
        AccountKind::Unknown => "unknown",
    }
}

fn write_profiles_table(out: &mut impl Write, snapshot: &Snapshot) -> std::io::Result<()> {
    if snapshot.profiles.is_empty() {
        return writeln!(out, "No browser profiles found.");
    }
    let rows: Vec<[String; 5]> = snapshot
        .profiles
        .iter()
        .map(|profile| {
            // Escaped before the columns are measured: a line feed or an
            // escape sequence in a name must neither forge a row nor shift one.
            let mut name = for_terminal(&profile.name).into_owned();
            if profile.is_default {
                name.push_str(" *");
            }
            let account = profile
                .account
                .email
                .clone()
                .or_else(|| profile.account.display_name.clone())
                .map(|account| for_terminal(&account).into_owned())
                .unwrap_or_default();
            let note = profile
                .unreadable
                .as_ref()
                .map(|reason| format!("unreadable: {}", for_terminal(reason)))
                .unwrap_or_default();
            [
                profile.browser.to_string(),
                name,
                kind_label(profile.account.kind).to_owned(),
                account,
                note,
            ]
        })
        .collect();
    let headers = ["BROWSER", "PROFILE", "KIND", "ACCOUNT", ""];
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .chain([headers[column].len()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let line = |cells: [&str; 5]| {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate().take(4) {
            let pad = widths[column].saturating_sub(cell.chars().count());
            text.push_str(cell);
            text.push_str(&" ".repeat(pad + 2));
        }
        text.push_str(cells[4]);
        text.trim_end().to_owned()
    };
    writeln!(out, "{}", line(headers))?;
    for row in &rows {
        writeln!(
            out,
            "{}",
            line([&row[0], &row[1], &row[2], &row[3], &row[4]])
        )?;
    }
    writeln!(out, "\n* the profile the browser opens by default")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn table_lists_each_location_once() {
        let locations = Locations::under(std::path::Path::new("/machine"));
        let mut out = Vec::new();
        write_paths_table(&mut out, &locations).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 6);
        assert!(text.contains("logs         /machine/home/user/.local/state/tandem/logs"));
    }
}
