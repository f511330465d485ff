// Generated from Rust by src-tauri/src/bindings.rs. Do not edit by hand:
// run `make bindings` after changing a type that crosses IPC.

/**
 * Where Tandem keeps its own files, and where the system-wide files it reads live.
 */
export type Locations = { 
/**
 * The user's home folder.
 */
home: string, 
/**
 * Settings the user chose.
 */
config_dir: string, 
/**
 * Data Tandem must keep (links, account index), never secrets.
 */
data_dir: string, 
/**
 * Data Tandem can rebuild at any time.
 */
cache_dir: string, 
/**
 * Rolling log files.
 */
log_dir: string, 
/**
 * The folder every system location is resolved under; `/` on a real machine.
 */
system_root: string, };

/**
 * Stable browser ids, as the CLI's JSON and the UI show them.
 */
export type BrowserId = "edge" | "edge-beta" | "edge-dev" | "edge-canary" | "chrome" | "chrome-beta" | "chrome-dev" | "chrome-canary" | "chromium" | "brave" | "vivaldi" | "opera" | "firefox";

export type AccountKind = "work" | "personal" | "google" | "none" | "unknown";

/**
 * Which evidence decided an account's kind, in the order it is consulted.
 */
export type Evidence = { "source": "tenant_id" } | { "source": "relative_to_aad" } | { "source": "edge_account_type", value: number, } | { "source": "hosted_domain", hosted_domain: string, } | { "source": "google_sign_in" } | { "source": "no_account" } | { "source": "firefox_profile" } | { "source": "undecided" } | { "source": "unreadable" };

export type Account = { kind: AccountKind, email: string | null, display_name: string | null, tenant_id: string | null, 
/**
 * Why `kind` is what it is.
 */
evidence: Evidence, };

export type Profile = { browser: BrowserId, 
/**
 * The folder name inside the user data folder (`Default`, `Profile 1`), or
 * the profile's path for Firefox.
 */
profile_dir: string, 
/**
 * The name the browser shows for this profile.
 */
name: string, account: Account, user_data_dir: string, 
/**
 * When the profile was last active, in Unix seconds.
 */
last_active: number | null, 
/**
 * Whether the browser opens this profile by default.
 */
is_default: boolean, 
/**
 * Whether the profile had a window open when its browser last ran.
 */
in_last_session: boolean, 
/**
 * Why the profile could not be read (fully), if it could not.
 */
unreadable: Said | null, };

/**
 * A browser's user data folder whose profile list could not be read (a
 * damaged `Local State`, say). Its profiles are listed from the folders on
 * disk, if at all, so a profile missing from the snapshot proves nothing.
 */
export type UnreadableSource = { browser: BrowserId, user_data_dir: string, reason: Said, };

/**
 * Every profile found, grouped by browser in catalogue order.
 */
export type Snapshot = { profiles: Array<Profile>, 
/**
 * Where the profile list could not be read.
 */
unreadable: Array<UnreadableSource>, };

/**
 * One thing that changed between two readings.
 */
export type Change = { "change": "browser_installed", browser: BrowserId, } | { "change": "browser_removed", browser: BrowserId, } | { "change": "profile_added", browser: BrowserId, profile_dir: string, } | { "change": "profile_removed", browser: BrowserId, profile_dir: string, } | { "change": "profile_renamed", browser: BrowserId, profile_dir: string, old_name: string, new_name: string, } | { "change": "signed_in", browser: BrowserId, profile_dir: string, } | { "change": "signed_out", browser: BrowserId, profile_dir: string, } | { "change": "account_changed", browser: BrowserId, profile_dir: string, } | { "change": "profile_updated", browser: BrowserId, profile_dir: string, };

export type ProfileEvent = { 
/**
 * Every profile after the change.
 */
snapshot: Snapshot, } & ({ "change": "browser_installed", browser: BrowserId, } | { "change": "browser_removed", browser: BrowserId, } | { "change": "profile_added", browser: BrowserId, profile_dir: string, } | { "change": "profile_removed", browser: BrowserId, profile_dir: string, } | { "change": "profile_renamed", browser: BrowserId, profile_dir: string, old_name: string, new_name: string, } | { "change": "signed_in", browser: BrowserId, profile_dir: string, } | { "change": "signed_out", browser: BrowserId, profile_dir: string, } | { "change": "account_changed", browser: BrowserId, profile_dir: string, } | { "change": "profile_updated", browser: BrowserId, profile_dir: string, });

/**
 * A browser profile, named as the CLI and the UI name it, and written in
 * JSON as one string: `<browser>:<profile_dir>` (`edge:Profile 1`).
 */
export type ProfileRef = string;

/**
 * The random id that joins the work half and the personal half of a link.
 */
export type LinkId = string;

/**
 * The stable key of a signed-in account: `<object id>.<tenant id>`, in
 * lower case, as Microsoft's libraries write a home account id. Emails
 * change; these ids do not.
 */
export type AccountKey = string;

/**
 * The work account of the linked profile, as its browser shows it.
 */
export type WorkAccount = { tenant_id: string | null, email: string | null, };

/**
 * How Tandem knows who the personal account is.
 */
export type PersonalProof = "sign_in" | "profile";

/**
 * The personal Microsoft account of a link. Stored only on the personal side.
 */
export type PersonalAccount = { 
/**
 * `<object id>.<tenant id>` when it comes from a sign-in.
 */
account_key: AccountKey | null, email: string | null, name: string | null, proof: PersonalProof, };

/**
 * Where a link stands. `Unlinked` is never stored: an unlinked profile has no link.
 */
export type LinkState = "unlinked" | "linking" | "linked" | "work-account-unavailable";

/**
 * One link as the UI and `tandem status --json` show it.
 */
export type Link = { 
/**
 * A random id joining the work side and the personal side of the link.
 */
id: LinkId, work: ProfileRef, work_account: WorkAccount, 
/**
 * `None` while processing of personal data is restricted.
 */
personal_account: PersonalAccount | null, personal_profile: ProfileRef | null, state: LinkState, 
/**
 * When the link entered its state (Unix seconds in JSON).
 */
since: number, 
/**
 * Why the link is in its state, when that is not plain "linked".
 */
reason: Said | null, };

/**
 * Whether linking is allowed for one browser's profiles, and why not:
 * Tandem's global switch and the browser's own policy together.
 */
export type BrowserPolicy = { browser: BrowserId, linking_allowed: boolean, reason: Said | null, };

/**
 * Links, policy and notices: what `tandem status` and the app show.
 */
export type Status = { 
/**
 * Tandem's own policy: the global switch.
 */
linking_allowed: boolean, policy_reason: Said | null, 
/**
 * The policy that applies to each browser with profiles on this
 * machine: Edge's own `LinkedAccountEnabled` can turn linking off for
 * Edge profiles while Tandem's switch is on.
 */
browsers: Array<BrowserPolicy>, links: Array<Link>, 
/**
 * Whether processing of personal data is paused.
 */
personal_data_restricted: boolean, 
/**
 * Things the user should know: damaged files recovered, links removed
 * by this reconciliation.
 */
notices: Array<Said>, };

/**
 * What happened to a link, for the history.
 */
export type HistoryEvent = "linked" | "unlinked-by-user" | "unlinked-by-policy" | "account-gone" | "work-account-unavailable" | "restored" | "personal-data-deleted";

/**
 * One line of the append-only history. It names the work profile and never
 * the personal account, so it is work-side data.
 */
export type HistoryEntry = { 
/**
 * Unix seconds in JSON.
 */
time: number, event: HistoryEvent, work: ProfileRef, reason: Said, };

/**
 * What the switcher shows about Tandem itself.
 */
export type AppInfo = { name: string, version: string, locations: Locations, };

/**
 * Where a long-running step is, for a front end to show.
 */
export type Progress = { "step": "opening_browser" } | { "step": "waiting_for_sign_in", timeout_seconds: number, } | { "step": "enter_code", uri: string, code: string, } | { "step": "finishing" };

export type ApiError = { "code": "locations_unavailable", detail: Said, } | { "code": "profile_not_found", profile: string, } | { "code": "not_a_work_profile", profile: string, has: Said, } | { "code": "not_a_personal_profile", profile: string, has: Said, } | { "code": "already_linked", profile: string, } | { "code": "not_linked", profile: string, } | { "code": "nothing_linked" } | { "code": "which_link", linked: Array<string>, } | { "code": "link_changed", profile: string, } | { "code": "policy_forbids", reason: Said, 
/**
 * The file or registry key whose policy forbids it.
 */
set_by: string, } | { "code": "personal_data_restricted" } | { "code": "which_personal_account", count: number, } | { "code": "state_unavailable", detail: Said, } | { "code": "state_too_new", path: string, } | { "code": "busy", path: string, } | { "code": "no_client_id", settings: string, } | { "code": "sign_in_failed", detail: string, } | { "code": "sign_in_cancelled" } | { "code": "sign_in_timed_out", seconds: number, } | { "code": "sign_in_declined" } | { "code": "wrong_account_kind", wanted: string, got: string, detail: Said, } | { "code": "keyring_unavailable", detail: Said, } | { "code": "account_not_found", query: string, } | { "code": "account_ambiguous", query: string, } | { "code": "file_exists", path: string, } | { "code": "folder_exists", path: string, } | { "code": "not_a_regular_file", path: string, kind: Said, } | { "code": "write_failed", path: string, detail: string, } | { "code": "browser_not_found", browser: string, } | { "code": "profile_folder_missing", browser: string, profile: string, } | { "code": "not_a_web_link" } | { "code": "launch_failed", browser: Said, detail: Said, } | { "code": "unsupported", what: Said, } | { "code": "not_tandems", path: string, } | { "code": "remove_failed", detail: string, } | { "code": "not_a_folder", path: string, kind: Said, } | { "code": "desktop_file_failed", detail: Said, } | { "code": "app_running" } | { "code": "tray_running" } | { "code": "running_unknown", path: string, detail: string, } | { "code": "tray_still_running" } | { "code": "needs_confirmation" } | { "code": "overwrite_needed", path: string, } | { "code": "declined" } | { "code": "not_ready" } | { "code": "url_refused", reason: Said, } | { "code": "rule_invalid", detail: Said, } | { "code": "fallback_invalid", detail: Said, } | { "code": "rule_not_found", id: string, } | { "code": "rule_not_yours", id: string, layer: string, layer_name: Said, } | { "code": "rules_file_unreadable", path: string, detail: Said, } | { "code": "handler_loop", handler: Said, } | { "code": "command_missing", path: string, } | { "code": "output_failed", detail: string, } | { "code": "internal", detail: string, };

/**
 * The layers, in the order they are consulted; the first rule that
 * matches decides (Edge's "No preference" passes to the next layer).
 */
export type Layer = "managed" | "user" | "recommended" | "preset";

/**
 * The decision as the picker and `tandem route` show it.
 */
export type Verdict = "open" | "ask";

/**
 * Which rule decided, as `tandem route` shows it.
 */
export type RuleRef = { layer: Layer, id: string, pattern: string, };

/**
 * A link's route, as `tandem route --json` prints it.
 */
export type Route = { 
/**
 * The link exactly as received.
 */
url: string, 
/**
 * The link inside its wrappers (the link itself when unwrapped).
 */
effective_url: string, decision: Verdict, 
/**
 * The browser that opens it (a desktop entry id, for a handler Tandem
 * does not know); `null` to ask.
 */
browser: string | null, 
/**
 * That browser as people know it ("Microsoft Edge", the old handler's
 * name in the menus); `null` to ask.
 */
shown: Said | null, 
/**
 * The profile folder; `null` to ask, or where the browser picks (the
 * handler before Tandem).
 */
profile_dir: string | null, rule: RuleRef | null, 
/**
 * Why, in a sentence.
 */
reason: Said, 
/**
 * The command that would run, program first; `null` to ask.
 */
argv: Array<string> | null, 
/**
 * The wrappers peeled off, outermost first.
 */
wrappers: Array<string>, };

/**
 * Why a rule needs the person's attention.
 */
export type RuleFlag = "profile_missing" | "account_changed" | "invalid" | "shadowed";

/**
 * One rule as `tandem rules list` and the app show it.
 */
export type RuleView = { id: string, layer: Layer, pattern: string, target: string, flag: RuleFlag | null, 
/**
 * Where it comes from, or what its flag means, for people.
 */
note: Said | null, 
/**
 * Whether the person can remove it (their own rules only).
 */
removable: boolean, };

/**
 * Every rule, the admin's and the built-in ones included, with the
 * fallback and what keeps rules from applying.
 */
export type RulesReport = { rules: Array<RuleView>, 
/**
 * `ask`, `as-before` or a profile.
 */
fallback: string, fallback_flag: RuleFlag | null, unwrap_before_opening: boolean, 
/**
 * Why some rules, or all, do not apply.
 */
problems: Array<Said>, 
/**
 * The person's rules file.
 */
file: string, };

/**
 * A link waiting for the person to choose its profile.
 */
export type PickRequest = { 
/**
 * As received; what the browser is given (unless the person chose to
 * open links unwrapped).
 */
url: string, 
/**
 * The link inside its wrappers.
 */
effective_url: string, 
/**
 * The host "remember for this site" writes a rule for: the unwrapped
 * link's, never the wrapper's.
 */
site: string, 
/**
 * Why Tandem asks.
 */
reason: Said, };

/**
 * Where Tandem stands as the link handler.
 */
export type HandlerStatus = { 
/**
 * Tandem is the default for http and https links.
 */
registered: boolean, 
/**
 * The desktop entry Tandem wrote, if it is there.
 */
desktop_entry: string | null, 
/**
 * The program that entry runs, and whether it is still there.
 */
program: string | null, program_exists: boolean, 
/**
 * The handler links went to before Tandem (a desktop entry id).
 */
previous: string | null, 
/**
 * Tandem's record says it registered, but the defaults now name
 * another handler: the person (or another program) changed them.
 */
replaced_since: boolean, };

export type Language = "en" | "nl";

/**
 * A sentence for people, kept as its catalogue key and parameters rather
 * than as text: the core does not know which language the window that
 * shows it speaks, and a window can switch language while it is open. A
 * parameter is plain text (a name, a path, a pattern) or a sentence of its
 * own. `Display` gives the English, for logs and the English CLI. It is
 * written as `{key, params, text}`: `text` is the English, for scripts
 * (`tandem --json`) and people reading a file; readers ignore it.
 */
export type Said = { key: string, params: { [key in string]: Part }, };

/**
 * One parameter of a [`Said`].
 */
export type Part = string | Said;

/**
 * The app's settings as the window shows them.
 */
export type SettingsView = { 
/**
 * The language Tandem speaks now.
 */
language: Language, 
/**
 * The person's choice; `null` follows the OS locale.
 */
chosen_language: Language | null, onboarded: boolean, 
/**
 * Whether Tandem starts at sign-in.
 */
autostart: boolean, };

/**
 * The windows one window may open.
 */
export type OpenableWindow = "switcher" | "settings" | "wizard";

/**
 * The personal account the wizard signed in to.
 */
export type SignedInAccount = { key: AccountKey, email: string | null, name: string | null, };

/**
 * How the personal account is proven.
 */
export type PersonalChoice = { "kind": "profile", profile: ProfileRef, } | { "kind": "signed_in", key: AccountKey, };

/**
 * Everything the wizard asked.
 */
export type WizardChoices = { work: ProfileRef, personal: PersonalChoice, 
/**
 * Make Tandem the link handler.
 */
link_handler: boolean, 
/**
 * Start Tandem at sign-in.
 */
autostart: boolean, };

/**
 * What the wizard set up.
 */
export type WizardDone = { link: Link, link_handler: boolean, autostart: boolean, };

/** What a failed command returns: the error's code and parameters, and a message. */
export type CommandError = ApiError & { message: string };

/** Every error code a command can return. */
export type ErrorCode = ApiError["code"];
export const ERROR_CODES: readonly ErrorCode[] = ["locations_unavailable", "profile_not_found", "not_a_work_profile", "not_a_personal_profile", "already_linked", "not_linked", "nothing_linked", "which_link", "link_changed", "policy_forbids", "personal_data_restricted", "which_personal_account", "state_unavailable", "state_too_new", "busy", "no_client_id", "sign_in_failed", "sign_in_cancelled", "sign_in_timed_out", "sign_in_declined", "wrong_account_kind", "keyring_unavailable", "account_not_found", "account_ambiguous", "file_exists", "folder_exists", "not_a_regular_file", "write_failed", "browser_not_found", "profile_folder_missing", "not_a_web_link", "launch_failed", "unsupported", "not_tandems", "remove_failed", "not_a_folder", "desktop_file_failed", "app_running", "tray_running", "running_unknown", "tray_still_running", "needs_confirmation", "overwrite_needed", "declined", "not_ready", "url_refused", "rule_invalid", "fallback_invalid", "rule_not_found", "rule_not_yours", "rules_file_unreadable", "handler_loop", "command_missing", "output_failed", "internal"];

/** Each browser's name, as the catalogue gives it. */
export const BROWSER_NAMES: Record<BrowserId, string> = {
  "edge": "Microsoft Edge",
  "edge-beta": "Microsoft Edge Beta",
  "edge-dev": "Microsoft Edge Dev",
  "edge-canary": "Microsoft Edge Canary",
  "chrome": "Google Chrome",
  "chrome-beta": "Google Chrome Beta",
  "chrome-dev": "Google Chrome Dev",
  "chrome-canary": "Google Chrome Canary",
  "chromium": "Chromium",
  "brave": "Brave",
  "vivaldi": "Vivaldi",
  "opera": "Opera",
  "firefox": "Firefox",
};

/** The event the switcher listens to for live profile changes. */
export const PROFILES_CHANGED = "profiles-changed";

/** The event the switcher listens to for link changes. */
export const LINKS_CHANGED = "links-changed";

/** The event the switcher listens to while a sign-in is under way. */
export const SIGN_IN_PROGRESS = "sign-in-progress";

/** The event the picker listens to for the next link waiting. */
export const LINK_WAITING = "link-waiting";

/** The event every window listens to when the person chooses a language. */
export const LANGUAGE_CHANGED = "language-changed";
