//! Automatic profile switching: the one router the CLI (`tandem route`,
//! `tandem open`), the link handler and the app share.
//!
//! [`LinkRouter`] is the fast path beside [`crate::Tandem`]: it reads the
//! rules, the stored links and the policy (always fresh), never the
//! browsers' files unless a decision needs to know who is signed in where,
//! and never reconciles. Routing a link changes nothing that a reconcile
//! would decide; it only chooses where the link opens.
//!
//! - [`LinkRouter::route`]: the dry run, as `tandem route --json` prints it.
//! - [`LinkRouter::open`]: decides and starts the browser (on Unix the
//!   `tandem` process becomes the browser: nothing is left running), or
//!   hands the link to the app's picker ([`hand_to_app`]).
//! - The rules: [`rules`], [`add_rule`], [`remove_rule`], [`set_fallback`].
//! - The handler registration: [`handler_status`], [`handler_on`],
//!   [`handler_off`].
//! - The picker: [`pick_request`] and [`open_picked`].

mod facts;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tandem_footprint::handler::{self, HandlerStatus, PreviousError};
use tandem_linking::{LinkBook, LinkView};
use tandem_locations::{Locations, Platform};
use tandem_policy::{Level, PolicySet};
use tandem_profiles::launch::{self, LaunchTarget};
use tandem_profiles::{BrowserId, ProfileRef, Snapshot};
pub use tandem_routing::Layer;
use tandem_routing::admin::AdminRules;
use tandem_routing::presets::{self, WorkDomains};
use tandem_routing::{
    Fallback, Outcome, Pattern, Routed, Router, RuleRef, RuleSet, Said, SettingsError,
    SettingsFile, Target, TargetError, Verdict, WebLink,
};

use facts::MachineFacts;
pub(crate) use facts::forget_profile_index;

use crate::Error;

/// The flag the app is started with to ask the person where a link opens.
pub const PICK_FLAG: &str = "--pick-profile";

/// Set, to the link, in the environment of the handler links went to
/// before Tandem: if that handler hands the same link back to `tandem open`
/// (a wrapper script, `env tandem …`, a copy of Tandem under another name),
/// it is a loop, and refused rather than run forever.
pub const HANDED_ON_VAR: &str = "TANDEM_HANDED_ON";

/// A link's route, as `tandem route --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Route {
    /// The link exactly as received.
    pub url: String,
    /// The link inside its wrappers (the link itself when unwrapped).
    pub effective_url: String,
    pub decision: Verdict,
    /// The browser that opens it (a desktop entry id, for a handler Tandem
    /// does not know); `null` to ask.
    pub browser: Option<String>,
    /// That browser as people know it ("Microsoft Edge", the old handler's
    /// name in the menus); `null` to ask.
    pub shown: Option<Said>,
    /// The profile folder; `null` to ask, or where the browser picks (the
    /// handler before Tandem).
    pub profile_dir: Option<String>,
    pub rule: Option<RuleRef>,
    /// Why, in a sentence.
    pub reason: Said,
    /// The command that would run, program first; `null` to ask.
    pub argv: Option<Vec<String>>,
    /// The wrappers peeled off, outermost first.
    pub wrappers: Vec<String>,
}

/// What [`LinkRouter::open`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The browser was started.
    Browser,
    /// The link went to the app's picker.
    Picker,
}

/// How a browser is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// This process becomes the browser (Unix; elsewhere, as `Spawn`).
    Replace,
    /// The browser runs beside this process.
    Spawn,
}

/// The router with everything it reads, for one decision or many.
#[derive(Debug)]
pub struct LinkRouter {
    locations: Locations,
    policy: PolicySet,
    links: Vec<LinkView>,
    router: Router,
}

/// The command a decision runs.
struct Command {
    argv: Vec<OsString>,
    browser: Option<String>,
    /// What it is called where people read it: "Microsoft Edge", the name
    /// the menus give the handler links went to before Tandem.
    shown: Said,
    profile_dir: Option<String>,
    /// Variables set for it.
    env: Vec<(&'static str, String)>,
}

fn refused(refusal: tandem_routing::Refusal) -> Error {
    Error::UrlRefused {
        reason: refusal.said(),
    }
}

impl LinkRouter {
    /// Reads the rules, the stored links and the policy. Never a browser
    /// file, never a lock, never a write.
    pub fn load(locations: &Locations) -> Result<Self, Error> {
        let policy = PolicySet::read(locations);
        let links = LinkBook::new(locations).peek()?;
        Ok(Self::with(locations, policy, links))
    }

    fn with(locations: &Locations, policy: PolicySet, links: Vec<LinkView>) -> Self {
        let user = SettingsFile::new(locations.config_dir()).load();
        let tenants: Vec<WorkDomains> = links
            .iter()
            .filter(|link| tandem_linking::linking_decision(&policy, link.work.browser).allowed())
            .map(|link| WorkDomains::from_emails(link.work_account.email.as_deref()))
            .collect();
        let set = RuleSet::assemble(
            AdminRules::read(&policy, Level::Managed),
            user,
            AdminRules::read(&policy, Level::Recommended),
            presets::rules(&tenants),
        );
        Self {
            locations: locations.clone(),
            policy,
            links,
            router: Router::new(set),
        }
    }

    pub fn router(&self) -> &Router {
        &self.router
    }

    fn decide(
        &self,
        url: &str,
        snapshot: Option<&Snapshot>,
    ) -> Result<(Routed, Option<Command>, Said), Error> {
        let facts = MachineFacts::new(&self.locations, &self.policy, &self.links, snapshot);
        let routed = tandem_routing::route(&self.router, url, &facts).map_err(refused)?;
        let mut reason = routed.decision.reason.clone();
        let command = match &routed.decision.outcome {
            Outcome::Ask => None,
            Outcome::Open(target) => {
                match launch::plan_for(target, &self.locations, Some(&routed.open)) {
                    Ok(plan) => Some(Command {
                        argv: std::iter::once(plan.program.into_os_string())
                            .chain(plan.args)
                            .collect(),
                        browser: Some(target.browser.to_string()),
                        shown: Said::verbatim(target.browser.spec().name),
                        profile_dir: Some(target.profile_dir.clone()),
                        env: Vec::new(),
                    }),
                    // The folder went between the decision and now: ask, never
                    // let the browser create a new profile.
                    Err(launch::LaunchError::ProfileMissing { .. }) => {
                        reason = Said::new("route.reason.profile_gone_now").with("reason", reason);
                        None
                    }
                    // Its browser was uninstalled (its profiles stay behind):
                    // the link is not lost, the person chooses another.
                    Err(launch::LaunchError::BrowserNotFound { browser, .. }) => {
                        reason = Said::new("route.reason.browser_not_installed")
                            .with("reason", reason)
                            .with("browser", browser.spec().name);
                        None
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            Outcome::AsBefore => match as_before(&self.locations, &routed.open)? {
                Some(command) => Some(command),
                None => {
                    reason = Said::new("route.reason.no_handler_before");
                    None
                }
            },
        };
        Ok((routed, command, reason))
    }

    /// Where `url` would open, and why. Launches nothing.
    pub fn route(&self, url: &str) -> Result<Route, Error> {
        self.route_with(url, None)
    }

    /// [`LinkRouter::route`] with the app's live reading of the profiles.
    pub fn route_with(&self, url: &str, snapshot: Option<&Snapshot>) -> Result<Route, Error> {
        let (routed, command, reason) = self.decide(url, snapshot)?;
        Ok(Route {
            url: url.to_owned(),
            effective_url: routed.unwrapped.effective().original().to_owned(),
            decision: if command.is_some() {
                Verdict::Open
            } else {
                Verdict::Ask
            },
            browser: command.as_ref().and_then(|c| c.browser.clone()),
            shown: command.as_ref().map(|c| c.shown.clone()),
            profile_dir: command.as_ref().and_then(|c| c.profile_dir.clone()),
            rule: routed.decision.rule.clone(),
            reason,
            argv: command.map(|command| {
                command
                    .argv
                    .iter()
                    .map(|arg| arg.to_string_lossy().into_owned())
                    .collect()
            }),
            wrappers: routed
                .unwrapped
                .wrappers
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
        })
    }

    /// Decides and opens `url`: starts the browser, or hands the link to the
    /// app's picker. With [`Start::Replace`] on Unix this returns only on
    /// failure.
    pub fn open(&self, url: &str, start: Start) -> Result<Opened, Error> {
        if std::env::var_os(HANDED_ON_VAR).is_some_and(|handed| handed == url) {
            // The link came back from the handler Tandem handed it to.
            let handler = match handler::handler_before_tandem(&self.locations) {
                Ok(Some(previous)) => shown_handler(&previous),
                _ => Said::new("launch.another_program"),
            };
            return Err(Error::HandlerLoop { handler });
        }
        let opened = self.open_unless_ask(url, start, None)?;
        if opened == Opened::Picker {
            hand_to_app(url)?;
        }
        Ok(opened)
    }

    /// Decides and starts the browser; `Opened::Picker` when the person
    /// must be asked, which is left to the caller (the app asks itself).
    pub fn open_unless_ask(
        &self,
        url: &str,
        start: Start,
        snapshot: Option<&Snapshot>,
    ) -> Result<Opened, Error> {
        let (_, command, reason) = self.decide(url, snapshot)?;
        let Some(command) = command else {
            tracing::debug!(%url, %reason, "asking where the link opens");
            return Ok(Opened::Picker);
        };
        tracing::debug!(%url, %reason, "opening the link");
        run(&command, start)?;
        Ok(Opened::Browser)
    }
}

/// Runs `argv`; `Replace` makes this process the browser on Unix, so
/// `XDG_ACTIVATION_TOKEN` and `DESKTOP_STARTUP_ID` reach it unchanged and
/// its window gets the focus the click granted.
fn run(planned: &Command, start: Start) -> Result<(), Error> {
    let Some((program, args)) = planned.argv.split_first() else {
        return Err(Error::internal("an empty command"));
    };
    let failed = |error: std::io::Error| Error::LaunchFailed {
        browser: planned.shown.clone(),
        detail: Said::verbatim(error.to_string()),
    };
    let mut command = std::process::Command::new(program);
    tandem_locations::as_the_person(&mut command);
    command.args(args);
    command.envs(planned.env.iter().map(|(name, value)| (name, value)));
    #[cfg(unix)]
    if start == Start::Replace {
        use std::os::unix::process::CommandExt;
        return Err(failed(command.exec()));
    }
    let _ = start;
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(failed)?;
    // Reaped when it exits (browsers hand over to a running instance).
    let _ = std::thread::Builder::new()
        .name("tandem-link-launch".into())
        .spawn(move || child.wait());
    Ok(())
}

/// The command that opens `link` where it opened before Tandem: the handler
/// Tandem replaced, never Tandem itself.
fn as_before(locations: &Locations, link: &str) -> Result<Option<Command>, Error> {
    let previous = match handler::handler_before_tandem(locations) {
        Ok(Some(previous)) => previous,
        Ok(None) => return Ok(None),
        Err(PreviousError::Loop(handler)) => {
            return Err(Error::HandlerLoop {
                handler: Said::verbatim(handler),
            });
        }
        Err(PreviousError::Entry(error)) => {
            return Err(Error::LaunchFailed {
                browser: Said::new("launch.previous_handler"),
                detail: error.said(),
            });
        }
    };
    let argv = previous
        .command(link)
        .map_err(|error| Error::LaunchFailed {
            browser: shown_handler(&previous),
            detail: error.said(),
        })?;
    if argv
        .first()
        .is_some_and(|program| is_tandem(Path::new(program)))
    {
        return Err(Error::HandlerLoop {
            handler: shown_handler(&previous),
        });
    }
    let browser = BrowserId::of_desktop_id(&previous.desktop_id).map_or_else(
        || previous.desktop_id.clone(),
        |browser| browser.to_string(),
    );
    Ok(Some(Command {
        argv,
        browser: Some(browser),
        shown: shown_handler(&previous),
        profile_dir: None,
        env: vec![(HANDED_ON_VAR, link.to_owned())],
    }))
}

/// A layer of rules as a sentence names it: "built-in", "managed".
fn layer_name(layer: Layer) -> Said {
    Said::new(match layer {
        Layer::Managed => "rules.layer.managed",
        Layer::User => "rules.layer.user",
        Layer::Recommended => "rules.layer.recommended",
        Layer::Preset => "rules.layer.preset",
    })
}

/// The handler links went to before Tandem, as people know it: the name
/// their menus show in each of Tandem's languages (`said.by_language`
/// picks the reader's), else its desktop entry's id.
fn shown_handler(previous: &handler::PreviousHandler) -> Said {
    Said::by_language(|language| {
        previous
            .entry
            .name_in(language.code())
            .unwrap_or(&previous.desktop_id)
            .to_owned()
    })
}

/// Whether `program` is Tandem itself (its command or its app), by name or
/// by being this very executable.
fn is_tandem(program: &Path) -> bool {
    let resolved = if program.is_absolute() {
        Some(program.to_path_buf())
    } else {
        launch::search_path(&program.to_string_lossy())
    };
    let names = ["tandem", "tandem-app", "tandem.exe", "tandem-app.exe"];
    let named = |path: &Path| {
        path.file_name()
            .is_some_and(|name| names.iter().any(|tandem| name == *tandem))
    };
    if named(program) || resolved.as_deref().is_some_and(named) {
        return true;
    }
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match (resolved, std::env::current_exe()) {
        (Some(resolved), Ok(current)) => same(&resolved, &current),
        _ => false,
    }
}

/// Starts the app (or, through its single instance, tells the running one)
/// to ask the person where `url` opens.
pub fn hand_to_app(url: &str) -> Result<(), Error> {
    let app = crate::setup::app_executable();
    let mut command = std::process::Command::new(&app);
    command
        .arg(PICK_FLAG)
        .arg("--")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        // Its own process group: the app outlives this short command.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|error| Error::LaunchFailed {
        browser: Said::new("launch.tandem_app"),
        detail: Said::verbatim(format!("{}: {error}", app.display())),
    })?;
    // A second instance passes the link on and exits at once; the first
    // keeps running. Either way, this process does not wait for it.
    let _ = std::thread::Builder::new()
        .name("tandem-app-handoff".into())
        .spawn(move || child.wait());
    Ok(())
}

/// The link the app was started with (or a second instance passed on) to
/// ask about: the argument after `--pick-profile --`.
pub fn handed_link(args: &[String]) -> Option<String> {
    let at = args.iter().position(|arg| arg == PICK_FLAG)?;
    match (args.get(at + 1).map(String::as_str), args.get(at + 2)) {
        (Some("--"), Some(url)) => Some(url.clone()),
        _ => None,
    }
}

/// A link waiting for the person to choose its profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PickRequest {
    /// As received; what the browser is given (unless the person chose to
    /// open links unwrapped).
    pub url: String,
    /// The link inside its wrappers.
    pub effective_url: String,
    /// The host "remember for this site" writes a rule for: the unwrapped
    /// link's, never the wrapper's.
    pub site: String,
    /// Why Tandem asks.
    pub reason: Said,
}

/// What the picker shows for `url`: the link checked again (anyone can
/// start the app with any argument), its unwrapped site, and why Tandem asks.
pub fn pick_request(
    locations: &Locations,
    url: &str,
    snapshot: Option<&Snapshot>,
) -> Result<PickRequest, Error> {
    let router = LinkRouter::load(locations)?;
    let route = router.route_with(url, snapshot)?;
    let site = WebLink::parse(&route.effective_url)
        .map_err(refused)?
        .site();
    Ok(PickRequest {
        url: route.url,
        effective_url: route.effective_url,
        site,
        reason: route.reason,
    })
}

/// Opens `url` in `profile`, chosen in the picker; with `remember`, a rule
/// of the person's sends the site there from now on. The profile is looked
/// up in Tandem's own reading, never taken from the window.
pub fn open_picked(
    locations: &Locations,
    snapshot: &Snapshot,
    url: &str,
    profile: &ProfileRef,
    remember: bool,
) -> Result<Option<RuleView>, Error> {
    let unwrapped = tandem_routing::unwrap::unwrap(WebLink::parse(url).map_err(refused)?);
    let chosen = snapshot
        .profiles
        .iter()
        .find(|candidate| profile.names(candidate))
        .ok_or_else(|| Error::ProfileNotFound {
            profile: profile.to_string(),
        })?;
    let settings = SettingsFile::new(locations.config_dir());
    let open = if settings.load().unwrap_before_opening {
        unwrapped.effective().original()
    } else {
        unwrapped.original().original()
    };
    let plan = launch::plan(chosen, locations, Some(open))?;
    let remembered = if remember {
        let pattern =
            Pattern::parse(&unwrapped.effective().site()).map_err(|error| Error::RuleInvalid {
                detail: error.said(),
            })?;
        Some(add_parsed_rule(
            locations,
            pattern,
            Target::Profile(profile.clone()),
            Some(chosen),
        )?)
    } else {
        None
    };
    launch::spawn(&plan)?;
    Ok(remembered)
}

/// Why a rule needs the person's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RuleFlag {
    /// Its profile is gone: links it matches are asked about.
    ProfileMissing,
    /// Its profile is now signed in to another account.
    AccountChanged,
    /// Tandem cannot read it; it does not apply.
    Invalid,
    /// An earlier rule with the same pattern always wins.
    Shadowed,
}

/// One rule as `tandem rules list` and the app show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleView {
    pub id: String,
    pub layer: Layer,
    pub pattern: String,
    pub target: String,
    pub flag: Option<RuleFlag>,
    /// Where it comes from, or what its flag means, for people.
    pub note: Option<Said>,
    /// Whether the person can remove it (their own rules only).
    pub removable: bool,
}

/// Every rule, the admin's and the built-in ones included, with the
/// fallback and what keeps rules from applying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RulesReport {
    pub rules: Vec<RuleView>,
    /// `ask`, `as-before` or a profile.
    pub fallback: String,
    pub fallback_flag: Option<RuleFlag>,
    pub unwrap_before_opening: bool,
    /// Why some rules, or all, do not apply.
    pub problems: Vec<Said>,
    /// The person's rules file.
    pub file: String,
}

fn origin_note(origin: &tandem_routing::Origin) -> Said {
    match origin {
        tandem_routing::Origin::Policy { policy, location } => Said::new("rules.origin.policy")
            .with("policy", *policy)
            .with("location", location),
        tandem_routing::Origin::File { line } => {
            Said::new("rules.origin.file").with("line", line.to_string())
        }
        tandem_routing::Origin::Preset { why } => why.clone(),
    }
}

/// Whether `profile` exists as the rule means it, and holds the account it
/// held when the rule was made.
fn drift(
    locations: &Locations,
    snapshot: &Snapshot,
    profile: &ProfileRef,
    account: Option<&str>,
) -> Option<(RuleFlag, Said)> {
    let found = snapshot.profiles.iter().find(|p| profile.names(p));
    let folder_exists = LaunchTarget::locate(profile, locations.user_roots()).is_ok();
    match found {
        None if !folder_exists || !snapshot.may_hide_profiles_of(profile.browser) => Some((
            RuleFlag::ProfileMissing,
            Said::new("rules.flag.profile_gone").with("profile", profile.to_string()),
        )),
        None => None,
        Some(_) if !folder_exists => Some((
            RuleFlag::ProfileMissing,
            Said::new("rules.flag.folder_gone").with("profile", profile.to_string()),
        )),
        Some(found) => {
            let now = fingerprint(found);
            account.filter(|recorded| *recorded != now).map(|_| {
                (
                    RuleFlag::AccountChanged,
                    Said::new("rules.flag.account_changed").with("profile", profile.to_string()),
                )
            })
        }
    }
}

fn fingerprint(profile: &tandem_profiles::Profile) -> String {
    let kind = serde_json::to_value(profile.account.kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    tandem_routing::account_fingerprint(
        &kind,
        profile.account.tenant_id.as_deref(),
        profile.account.email.as_deref(),
    )
}

/// Every rule, in the order they are tried, flagged against `snapshot`.
pub fn rules(locations: &Locations, snapshot: &Snapshot) -> Result<RulesReport, Error> {
    let router = LinkRouter::load(locations)?;
    let set = router.router.rule_set();
    // The first rule of each pattern: a later one with the same pattern is
    // shadowed wherever both match.
    let mut first_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut views: Vec<RuleView> = Vec::new();
    for (index, rule) in set.rules.iter().enumerate() {
        let pattern = rule.pattern.to_string();
        let earlier = first_of.get(&pattern).map(|&at| &set.rules[at]);
        if rule.target != Target::NoPreference {
            first_of.entry(pattern).or_insert(index);
        }
        let mut flag = None;
        let mut note = Some(origin_note(&rule.origin));
        if let Target::Profile(profile) = &rule.target
            && let Some((found, why)) = drift(locations, snapshot, profile, rule.account.as_deref())
        {
            flag = Some(found);
            note = Some(why);
        }
        if flag.is_none()
            && let Some(earlier) = earlier
        {
            flag = Some(RuleFlag::Shadowed);
            note = Some(
                Said::new(match earlier.layer {
                    Layer::Managed => "rules.flag.shadowed_by.managed",
                    Layer::User => "rules.flag.shadowed_by.user",
                    Layer::Recommended => "rules.flag.shadowed_by.recommended",
                    Layer::Preset => "rules.flag.shadowed_by.preset",
                })
                .with("id", &earlier.id),
            );
        }
        views.push(RuleView {
            id: rule.id.clone(),
            layer: rule.layer,
            pattern: rule.pattern.to_string(),
            target: rule.target.to_string(),
            flag,
            note,
            removable: rule.layer == Layer::User,
        });
    }
    for invalid in &set.invalid {
        let at = views
            .iter()
            .rposition(|view| view.layer <= invalid.layer)
            .map_or(0, |at| at + 1);
        views.insert(
            at,
            RuleView {
                id: invalid.id.clone(),
                layer: invalid.layer,
                pattern: invalid.pattern.clone(),
                target: invalid.target.clone(),
                flag: Some(RuleFlag::Invalid),
                note: Some(
                    Said::new("rules.flag.invalid")
                        .with("reason", invalid.reason.clone())
                        .with("origin", origin_note(&invalid.origin)),
                ),
                removable: invalid.layer == Layer::User,
            },
        );
    }
    let fallback_flag = match &set.fallback {
        Fallback::Profile(profile) => {
            drift(locations, snapshot, profile, None).map(|(flag, _)| flag)
        }
        _ => None,
    };
    let mut problems: Vec<Said> = set.blocked().into_iter().collect();
    problems.extend(
        set.recommended_problems
            .iter()
            .map(|problem| Said::new("rules.problem.recommended").with("problem", problem.clone())),
    );
    let settings = SettingsFile::new(locations.config_dir());
    problems.extend(
        settings
            .load()
            .ignored
            .into_iter()
            .map(|ignored| Said::new("rules.problem.ignored").with("problem", ignored)),
    );
    let blocked = set.blocked().is_some();
    Ok(RulesReport {
        rules: views,
        // While rules cannot be read, every undecided link is asked about.
        fallback: if blocked {
            "ask".to_owned()
        } else {
            set.fallback.to_string()
        },
        fallback_flag,
        unwrap_before_opening: set.unwrap_before_opening,
        problems,
        file: settings.path().display().to_string(),
    })
}

fn add_parsed_rule(
    locations: &Locations,
    pattern: Pattern,
    target: Target,
    profile: Option<&tandem_profiles::Profile>,
) -> Result<RuleView, Error> {
    let account = profile.map(fingerprint);
    let rule =
        SettingsFile::new(locations.config_dir()).add(&pattern, &target, account.as_deref())?;
    Ok(RuleView {
        id: rule.id,
        layer: Layer::User,
        pattern: rule.pattern.to_string(),
        target: rule.target.to_string(),
        flag: None,
        note: None,
        removable: true,
    })
}

/// Appends a rule of the person's: `pattern` as `host`, `*.suffix`,
/// `host/path` or `re:<regex>`; `target` as `work`, `personal`, `ask`,
/// `*@domain` or `<browser>:<profile>`. A profile must exist (its account
/// is recorded, to notice when it changes).
pub fn add_rule(
    locations: &Locations,
    pattern: &str,
    target: &str,
    snapshot: &Snapshot,
) -> Result<RuleView, Error> {
    let pattern = Pattern::parse(pattern).map_err(|error| Error::RuleInvalid {
        detail: Said::new("rule.invalid.pattern").with("problem", error.said()),
    })?;
    let target = Target::parse(target).map_err(|error| Error::RuleInvalid {
        detail: Said::new("rule.invalid.target").with("problem", error.said()),
    })?;
    let profile = match &target {
        Target::Profile(profile) => Some(
            snapshot
                .profiles
                .iter()
                .find(|candidate| profile.names(candidate))
                .ok_or_else(|| Error::ProfileNotFound {
                    profile: profile.to_string(),
                })?,
        ),
        _ => None,
    };
    add_parsed_rule(locations, pattern, target, profile)
}

/// Removes the person's rule `id`. The admin's rules and the built-in ones
/// cannot be removed, only overridden where their layer allows.
pub fn remove_rule(locations: &Locations, id: &str) -> Result<String, Error> {
    let router = LinkRouter::load(locations)?;
    let set = router.router.rule_set();
    let layer = set
        .rules
        .iter()
        .map(|rule| (&rule.id, rule.layer))
        .chain(set.invalid.iter().map(|rule| (&rule.id, rule.layer)))
        .find(|(rule, _)| rule.as_str() == id)
        .map(|(_, layer)| layer);
    match layer {
        Some(Layer::User) => {}
        Some(layer) => {
            return Err(Error::RuleNotYours {
                id: id.to_owned(),
                layer: layer.as_str().to_owned(),
                layer_name: layer_name(layer),
            });
        }
        None if set.user_problem.is_some() => {}
        None => return Err(Error::RuleNotFound { id: id.to_owned() }),
    }
    Ok(SettingsFile::new(locations.config_dir()).remove(id)?)
}

/// Where links no rule decides go: `ask`, `as-before`, or a profile;
/// returns it as saved (`default` is saved as `as-before`).
pub fn set_fallback(
    locations: &Locations,
    fallback: &str,
    snapshot: &Snapshot,
) -> Result<String, Error> {
    let fallback = Fallback::parse(fallback).map_err(|error| Error::FallbackInvalid {
        detail: match error {
            TargetError::Profile(tandem_profiles::ProfileRefError::Shape(value)) => {
                Said::new("rule.fallback.unknown").with("value", value)
            }
            other => other.said(),
        },
    })?;
    if let Fallback::Profile(profile) = &fallback
        && !snapshot
            .profiles
            .iter()
            .any(|candidate| profile.names(candidate))
    {
        return Err(Error::ProfileNotFound {
            profile: profile.to_string(),
        });
    }
    SettingsFile::new(locations.config_dir()).set_fallback(&fallback)?;
    Ok(fallback.to_string())
}

/// Whether wrapped links open as the link inside (`true`) or as received.
pub fn set_unwrap_before_opening(locations: &Locations, on: bool) -> Result<(), Error> {
    Ok(SettingsFile::new(locations.config_dir()).set_unwrap_before_opening(on)?)
}

/// Tandem's standing as the link handler.
pub fn handler_status(locations: &Locations) -> HandlerStatus {
    handler::status(locations)
}

/// What turning the handler on did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "done", rename_all = "snake_case")]
pub enum HandlerOn {
    /// Tandem is the default handler now.
    Registered,
    /// The platform's settings page was opened, where the person makes
    /// Tandem the default.
    SettingsOpened { page: String },
}

/// Makes Tandem the link handler (Linux), or declares it and opens the
/// platform's settings page where the person chooses it (Windows, macOS).
pub fn handler_on(locations: &Locations) -> Result<HandlerOn, Error> {
    match Platform::current() {
        Platform::Linux => {
            handler::register(locations, &cli_executable()?)?;
            Ok(HandlerOn::Registered)
        }
        Platform::Windows => {
            handler::windows::register(&cli_executable()?)?;
            open_settings(handler::windows::SETTINGS_PAGE)
        }
        Platform::MacOs => open_settings(handler::macos::SETTINGS_PAGE),
    }
}

fn open_settings(page: &str) -> Result<HandlerOn, Error> {
    let opener = match Platform::current() {
        Platform::MacOs => vec!["open", page],
        _ => vec!["explorer.exe", page],
    };
    tandem_locations::as_the_person(&mut std::process::Command::new(opener[0]))
        .args(&opener[1..])
        .spawn()
        .map_err(|error| Error::LaunchFailed {
            browser: Said::new("launch.system_settings"),
            detail: Said::verbatim(error.to_string()),
        })?;
    Ok(HandlerOn::SettingsOpened {
        page: page.to_owned(),
    })
}

/// Stops being the link handler, putting back the handler Tandem replaced.
/// Whether anything was registered.
pub fn handler_off(locations: &Locations) -> Result<bool, Error> {
    match Platform::current() {
        Platform::Windows => Ok(handler::windows::unregister()?),
        _ => Ok(handler::unregister(locations)?),
    }
}

/// The variable that names the `tandem` command (packagers, tests).
pub const CLI_VAR: &str = "TANDEM_CLI";

/// The `tandem` command a handler registration runs: `$TANDEM_CLI`, else
/// this program when it is the command, else the one installed beside the
/// app.
pub fn cli_executable() -> Result<PathBuf, Error> {
    if let Some(cli) = std::env::var_os(CLI_VAR).map(PathBuf::from)
        && cli.is_absolute()
    {
        return Ok(cli);
    }
    let name = if cfg!(windows) {
        "tandem.exe"
    } else {
        "tandem"
    };
    let current = std::env::current_exe().map_err(Error::internal)?;
    if current.file_name().is_some_and(|file| file == name) {
        return Ok(current);
    }
    let beside = current.with_file_name(name);
    if beside.is_file() {
        return Ok(beside);
    }
    Err(Error::CommandMissing {
        path: beside.display().to_string(),
    })
}

impl From<SettingsError> for Error {
    fn from(error: SettingsError) -> Self {
        match error {
            SettingsError::Unreadable { path, reason } => Error::RulesFileUnreadable {
                path: path.display().to_string(),
                detail: reason,
            },
            SettingsError::NoSuchRule(id) => Error::RuleNotFound { id },
            error @ SettingsError::Full { .. } => Error::RuleInvalid {
                detail: Said::verbatim(error.to_string()),
            },
            SettingsError::Files(error) => error.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handed_link_is_the_argument_after_the_flag_and_the_end_of_options() {
        let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            handed_link(&args(&["tandem-app", PICK_FLAG, "--", "https://a.example"])),
            Some("https://a.example".into())
        );
        assert_eq!(
            handed_link(&args(&["tandem-app", PICK_FLAG, "https://a.example"])),
            None
        );
        assert_eq!(handed_link(&args(&["tandem-app", "--background"])), None);
    }

    #[test]
    fn tandem_is_recognised_by_name_and_by_being_this_program() {
        assert!(is_tandem(Path::new("/usr/bin/tandem")));
        assert!(is_tandem(Path::new("tandem-app")));
        assert!(is_tandem(&std::env::current_exe().unwrap()));
        assert!(!is_tandem(Path::new("/usr/bin/firefox")));
    }
}
