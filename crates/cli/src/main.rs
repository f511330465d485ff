//! `tandem`: Tandem's core on the command line. It links no GUI library, so it
//! starts in milliseconds and runs where no display exists.
//!
//! Every command only translates: arguments in, one call to the core's API
//! layer (`tandem-api`), the result printed as text or `--json`, or the
//! error as `{"error": {"code", "message", …}}`.
//!
//! Exit statuses: 0 done (also when you answered "no" to a question);
//! 1 the action failed (the message, or the JSON error, says why);
//! 2 the command line was not understood.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tandem_linking::ProfileRef;

mod commands;
mod output;
mod tables;

use output::Output;

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "Link your work and personal browser profiles, and open each link in the right one.",
    long_about = None,
    after_help = "Logs go to stderr; set TANDEM_LOG (e.g. TANDEM_LOG=debug) for more detail.\n\
Exit statuses: 0 done, 1 the action failed, 2 the command line was not understood."
)]
struct Cli {
    /// Print JSON instead of text (errors too, as {"error": {"code", "message"}}).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every browser profile on this machine and who is signed in to each.
    Profiles(ProfilesArgs),
    /// Sign in to a Microsoft account in your browser; its tokens go to the
    /// system keyring.
    Signin(SigninArgs),
    /// List the Microsoft accounts Tandem has signed in (never their tokens).
    Accounts,
    /// Forget an account: delete its tokens from the keyring and its record.
    Signout {
        /// The account's username, or its id (`<object id>.<tenant id>`).
        account: String,
    },
    /// Show what your organization's policy says about linking, and where
    /// each value came from.
    Policy(PolicyArgs),
    /// Link a personal Microsoft account to a work profile.
    #[command(
        after_help = "The personal account is proven by --signin, or by --personal-profile \
(a profile signed in to it); without either, the one personal account you signed in to \
with `tandem signin --personal` is used."
    )]
    Link(LinkArgs),
    /// Remove a link. Always allowed, whatever its state or policy.
    Unlink(UnlinkArgs),
    /// Show the links, their state, and what policy allows.
    Status {
        /// Ask the identity provider whether the linked work accounts still exist.
        #[arg(long)]
        check_accounts: bool,
    },
    /// Show what happened to links, and why.
    History,
    /// Export, delete or pause the processing of your personal data.
    Privacy {
        #[command(subcommand)]
        action: PrivacyAction,
    },
    /// Remove everything Tandem left for this user: settings, data, logs,
    /// keyring entries, autostart and link-handler registration.
    Uninstall(Confirmation),
    /// Start Tandem when you sign in, or stop doing so.
    Autostart { state: Switch },
    /// Show where a link would open, and why, without opening it.
    Route(LinkArg),
    /// Open a link in the profile it belongs to (what the link handler runs).
    #[command(
        after_help = "Put the link after --, as in `tandem open -- https://example.com`. \
Failures are also shown as a desktop notification, since a link handler's \
output is seen by nobody."
    )]
    Open(LinkArg),
    /// The rules that choose the profile a link opens in.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Make Tandem the system's handler of web links, or put the previous
    /// one back.
    Handler { action: HandlerAction },
    /// Show every folder Tandem reads or writes on this machine.
    Paths,
    /// Print the shell completions of `tandem`.
    #[command(
        after_help = "For example: tandem completions bash > ~/.local/share/bash-completion/completions/tandem"
    )]
    Completions { shell: CompletionShell },
    /// Print the manual page of `tandem` (roff), as the packages install it.
    #[command(hide = true)]
    Manual,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
#[group(multiple = false)]
struct PolicyArgs {
    /// Print the JSON Schema of a Tandem policy file instead.
    #[arg(long)]
    schema: bool,
    /// Write the admin templates (ADMX/ADML, macOS profile and manifest,
    /// Linux examples, reference) into this new folder instead.
    #[arg(long, value_name = "FOLDER")]
    templates: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct ProfilesArgs {
    /// Keep running and print one JSON line per change (profile added,
    /// removed or renamed, sign-in, sign-out, browser installed…).
    #[arg(long)]
    watch: bool,
}

#[derive(Debug, Args)]
#[group(id = "kind", required = true, multiple = false)]
struct AccountKindArgs {
    /// A personal Microsoft account (outlook.com, hotmail.com…).
    #[arg(long, group = "kind")]
    personal: bool,
    /// A work or school account.
    #[arg(long, group = "kind")]
    work: bool,
}

#[derive(Debug, Args)]
struct TimeoutArgs {
    /// Seconds to wait for the sign-in to finish.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    timeout: u64,
}

#[derive(Debug, Args)]
struct SigninArgs {
    #[command(flatten)]
    kind: AccountKindArgs,
    /// Show a code to enter on another device instead of opening a browser.
    #[arg(long)]
    device_code: bool,
    #[command(flatten)]
    timeout: TimeoutArgs,
}

#[derive(Debug, Args)]
struct LinkArgs {
    /// The work profile, as <browser>:<profile folder> (e.g. edge:Default).
    #[arg(long, value_name = "BROWSER:PROFILE")]
    work: ProfileRef,
    /// The profile signed in to the personal account; personal links open there.
    #[arg(long, value_name = "BROWSER:PROFILE")]
    personal_profile: Option<ProfileRef>,
    /// Sign in to the personal account in your browser now.
    #[arg(long)]
    signin: bool,
    #[command(flatten)]
    timeout: TimeoutArgs,
}

#[derive(Debug, Args)]
struct UnlinkArgs {
    /// The linked work profile; needed only when more than one is linked.
    #[arg(long, value_name = "BROWSER:PROFILE")]
    work: Option<ProfileRef>,
    /// Record that you unlinked before leaving the organization.
    #[arg(long)]
    before_leaving: bool,
}

#[derive(Debug, Args)]
struct Confirmation {
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
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
    Delete(Confirmation),
    /// Pause all processing of your personal data until lifted.
    Restrict {
        /// Lift the restriction.
        #[arg(long)]
        lift: bool,
    },
}

#[derive(Debug, Args)]
struct LinkArg {
    /// The link (http or https).
    #[arg(value_name = "URL")]
    url: std::ffi::OsString,
}

#[derive(Debug, Subcommand)]
enum RulesAction {
    /// List every rule, your organization's and the built-in ones included.
    List,
    /// Add a rule of yours, tried after your organization's managed rules
    /// and before its recommended and the built-in ones.
    #[command(after_help = "PATTERN: example.com, *.example.com (subdomains only), \
example.com/docs (a path prefix), example.com:8443, or re:<regex> over the whole link.
TARGET: work, personal, ask, *@<domain>, or a profile as <browser>:<profile folder> \
(e.g. edge:Default).")]
    Add { pattern: String, target: String },
    /// Remove a rule of yours by its id (`tandem rules list` shows them).
    Remove { id: String },
    /// Show where a link would open, in words (as `tandem route`).
    Test(LinkArg),
    /// Where links open when no rule matches: ask, as-before (where they
    /// opened before Tandem), or a profile (<browser>:<profile folder>).
    Fallback { fallback: String },
    /// Open wrapped links (Outlook, Teams Safe Links) as the link inside
    /// (on), or as they are, so that Microsoft Defender still checks them
    /// (off, the default).
    Unwrap { state: Switch },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum HandlerAction {
    On,
    Off,
    Status,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Switch {
    On,
    Off,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return command_line_not_understood(&error),
    };
    // Short-lived commands log to stderr only: a file per invocation would be noise.
    let _guard = tandem_logging::init(&tandem_logging::LogOptions {
        default_filter: "warn".into(),
        file: None,
    });
    let mut out = Output::new(cli.json);
    let done = run(cli.command, &mut out);
    out.finish(done)
}

/// Prints clap's answer (help, version, or what was not understood) with
/// every unsafe character of what was typed escaped: clap repeats the
/// values it refuses verbatim, and a value can hold escape sequences.
fn command_line_not_understood(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let text = error
        .render()
        .to_string()
        .split('\n')
        .map(|line| tandem_text::Escaped(line).to_string())
        .collect::<Vec<_>>()
        .join("\n");
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        if output::to_stdout(&text) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    } else {
        output::to_stderr(&text);
        ExitCode::from(2)
    }
}

/// Completions from the CLI's own definition, so they never drift from it.
fn completions(shell: CompletionShell) -> Vec<u8> {
    use clap::CommandFactory;
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tandem", &mut script);
    script
}

/// The manual page from the CLI's own definition.
fn print_manual() -> Result<(), tandem_api::Error> {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(tandem_api::Error::internal)?;
    print_raw(&page)
}

/// Generated text on stdout as it is (it is no data from outside).
fn print_raw(bytes: &[u8]) -> Result<(), tandem_api::Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        // A reader that stopped early (`| head`) wanted no more.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|error| tandem_api::Error::OutputFailed {
            detail: error.to_string(),
        }),
    }
}

fn run(command: Command, out: &mut Output) -> Result<(), tandem_api::Error> {
    use commands::{accounts, links, privacy, profiles, routing, setup};
    match command {
        Command::Profiles(args) => profiles::list(out, args.watch),
        Command::Signin(args) => accounts::sign_in(out, &args),
        Command::Accounts => accounts::list(out),
        Command::Signout { account } => accounts::sign_out(out, &account),
        Command::Policy(args) => match (args.schema, args.templates) {
            (true, _) => links::policy_schema(out),
            (false, Some(folder)) => links::policy_templates(out, &folder),
            (false, None) => links::policy(out),
        },
        Command::Completions { shell } => print_raw(&completions(shell)),
        Command::Manual => print_manual(),
        Command::Link(args) => links::link(out, args),
        Command::Unlink(args) => links::unlink(out, args),
        Command::Status { check_accounts } => links::status(out, check_accounts),
        Command::History => links::history(out),
        Command::Privacy { action } => privacy::run(out, action),
        Command::Uninstall(confirmation) => setup::uninstall(out, confirmation.yes),
        Command::Autostart { state } => setup::autostart(out, matches!(state, Switch::On)),
        Command::Paths => setup::paths(out),
        Command::Route(link) => routing::route(out, &link.url),
        Command::Open(link) => routing::open(out, &link.url),
        Command::Rules { action } => match action {
            RulesAction::List => routing::rules_list(out),
            RulesAction::Add { pattern, target } => routing::rules_add(out, &pattern, &target),
            RulesAction::Remove { id } => routing::rules_remove(out, &id),
            RulesAction::Test(link) => routing::route(out, &link.url),
            RulesAction::Fallback { fallback } => routing::rules_fallback(out, &fallback),
            RulesAction::Unwrap { state } => {
                routing::rules_unwrap(out, matches!(state, Switch::On))
            }
        },
        Command::Handler { action } => match action {
            HandlerAction::On => routing::handler_on(out),
            HandlerAction::Off => routing::handler_off(out),
            HandlerAction::Status => routing::handler_status(out),
        },
    }
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
    fn a_sign_in_needs_exactly_one_kind_and_a_link_one_proof() {
        assert!(Cli::try_parse_from(["tandem", "signin"]).is_err());
        assert!(Cli::try_parse_from(["tandem", "signin", "--personal", "--work"]).is_err());
        assert!(Cli::try_parse_from(["tandem", "signin", "--work", "--json"]).is_ok());
        assert!(
            Cli::try_parse_from([
                "tandem",
                "link",
                "--work",
                "edge:Default",
                "--signin",
                "--personal-profile",
                "edge:Profile 1"
            ])
            .is_ok(),
            "a sign-in may still name where personal links open"
        );
    }
}
