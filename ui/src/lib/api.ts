// The UI's only door to Rust: typed wrappers over the app's IPC commands and
// events. Types come from ./bindings.ts, which is generated from the Rust types.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import {
  ERROR_CODES,
  LANGUAGE_CHANGED,
  LINK_WAITING,
  LINKS_CHANGED,
  PROFILES_CHANGED,
  SIGN_IN_PROGRESS,
  type AppInfo,
  type CommandError,
  type HandlerStatus,
  type HistoryEntry,
  type Language,
  type Link,
  type OpenableWindow,
  type PickRequest,
  type Profile,
  type ProfileEvent,
  type ProfileRef,
  type Progress,
  type Route,
  type RulesReport,
  type RuleView,
  type SettingsView,
  type SignedInAccount,
  type Snapshot,
  type Status,
  type WizardChoices,
  type WizardDone,
} from "./bindings";
import { has, placeholders, t } from "./i18n.svelte";

export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (ERROR_CODES as readonly string[]).includes(code)
  );
}

/** Whether the person said no in a confirmation dialog, or cancelled a
 * sign-in: not an error to show. */
export function isDeclined(error: unknown): boolean {
  return isCommandError(error) && (error.code === "declined" || error.code === "sign_in_cancelled");
}

/** What went wrong, as a sentence a person can act on, in their language:
 * worded from the error's code and parameters. */
export function describeError(error: unknown): string {
  if (isCommandError(error)) {
    const key = `error.${error.code}`;
    const params = error as Record<string, unknown>;
    // An error from an older or newer core may lack a parameter the
    // catalogue asks for: then its own (English) message says it whole.
    const complete = placeholders(key).every((name) => params[name] != null);
    return has(key) && complete ? t(key, params) : error.message;
  }
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return t("error.unknown");
}

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

export function listProfiles(): Promise<Snapshot> {
  return invoke<Snapshot>("list_profiles");
}

/** Opens the profile's browser in that profile. */
export function openProfile(profile: Profile): Promise<void> {
  return invoke<void>("open_profile", {
    browser: profile.browser,
    userDataDir: profile.user_data_dir,
    profileDir: profile.profile_dir,
  });
}

/** Calls `handler` with each live change to the browser profiles. */
export function onProfilesChanged(handler: (event: ProfileEvent) => void): Promise<UnlistenFn> {
  return listen<ProfileEvent>(PROFILES_CHANGED, (event) => handler(event.payload));
}

/** The links, their state, and what policy allows, reconciled now. */
export function linkStatus(): Promise<Status> {
  return invoke<Status>("link_status");
}

/** What happened to links, oldest first. */
export function linkHistory(): Promise<HistoryEntry[]> {
  return invoke<HistoryEntry[]>("link_history");
}

/** Links a work profile to the personal account signed in to another profile. */
export function linkProfile(work: ProfileRef, personalProfile: ProfileRef): Promise<Link> {
  return invoke<Link>("link_profile", { work, personalProfile });
}

/** Links a work profile to a personal account the user signs in to in the browser. */
export function linkWithSignIn(work: ProfileRef, personalProfile: ProfileRef | null): Promise<Link> {
  return invoke<Link>("link_with_sign_in", { work, personalProfile });
}

/** Stops the sign-in under way; whether there was one. */
export function cancelSignIn(): Promise<boolean> {
  return invoke<boolean>("cancel_sign_in");
}

/** Calls `handler` as a sign-in under way moves on. */
export function onSignInProgress(handler: (progress: Progress) => void): Promise<UnlistenFn> {
  return listen<Progress>(SIGN_IN_PROGRESS, (event) => handler(event.payload));
}

/** Unlinks (always allowed); the history entry it recorded, or null for a link that was still
 * waiting for its sign-in (never linked, so nothing to record). */
export function unlinkProfile(work: ProfileRef, beforeLeaving: boolean): Promise<HistoryEntry | null> {
  return invoke<HistoryEntry | null>("unlink_profile", { work, beforeLeaving });
}

/** Saves the personal data export and returns the file's path. */
export function exportPersonalData(): Promise<string> {
  return invoke<string>("export_personal_data");
}

export function deletePersonalData(): Promise<Status> {
  return invoke<Status>("delete_personal_data");
}

export function restrictPersonalData(restricted: boolean): Promise<Status> {
  return invoke<Status>("restrict_personal_data", { restricted });
}

/** Removes everything Tandem left for this user; the app quits. */
export function removeAllData(): Promise<void> {
  return invoke<void>("remove_all_data");
}

/** Calls `handler` with the links after each change. */
export function onLinksChanged(handler: (status: Status) => void): Promise<UnlistenFn> {
  return listen<Status>(LINKS_CHANGED, (event) => handler(event.payload));
}

/** Every link rule, the organization's and the built-in ones included. */
export function routingRules(): Promise<RulesReport> {
  return invoke<RulesReport>("routing_rules");
}

/** Adds a rule of the person's: pattern as `host`, `*.suffix`, `host/path` or `re:…`. */
export function addRule(pattern: string, target: string): Promise<RuleView> {
  return invoke<RuleView>("add_rule", { pattern, target });
}

/** Removes a rule of the person's; the pattern it had. */
export function removeRule(id: string): Promise<string> {
  return invoke<string>("remove_rule", { id });
}

/** Where links no rule decides go: `ask`, `as-before`, or a profile. */
export function setFallback(fallback: string): Promise<void> {
  return invoke<void>("set_fallback", { fallback });
}

/** Whether wrapped links (Safe Links) open as the link inside. */
export function setUnwrapBeforeOpening(on: boolean): Promise<void> {
  return invoke<void>("set_unwrap_before_opening", { on });
}

/** Where a link would open, and why; launches nothing. */
export function testRoute(url: string): Promise<Route> {
  return invoke<Route>("test_route", { url });
}

export function handlerStatus(): Promise<HandlerStatus> {
  return invoke<HandlerStatus>("handler_status");
}

/** Makes Tandem the link handler, or puts the previous one back. */
export function setLinkHandler(on: boolean): Promise<HandlerStatus> {
  return invoke<HandlerStatus>("set_link_handler", { on });
}

/** The link the picker asks about, or null when none waits. */
export function waitingLink(): Promise<PickRequest | null> {
  return invoke<PickRequest | null>("waiting_link");
}

/** Opens the waiting link in a profile; with `remember`, its site opens there from now on. */
export function openLinkIn(url: string, profile: ProfileRef, remember: boolean): Promise<RuleView | null> {
  return invoke<RuleView | null>("open_link_in", { url, profile, remember });
}

/** Drops the waiting link without opening it. */
export function dismissLink(url: string): Promise<void> {
  return invoke<void>("dismiss_link", { url });
}

/** Calls `handler` when another link waits in the picker. */
export function onLinkWaiting(handler: () => void): Promise<UnlistenFn> {
  return listen<null>(LINK_WAITING, () => handler());
}

/** The app's settings: the language spoken, the one chosen, autostart. */
export function appSettings(): Promise<SettingsView> {
  return invoke<SettingsView>("app_settings");
}

/** Chooses the language (null: the OS locale's). */
export function chooseLanguage(language: Language | null): Promise<SettingsView> {
  return invoke<SettingsView>("set_language", { language });
}

export function setAutostart(on: boolean): Promise<SettingsView> {
  return invoke<SettingsView>("set_autostart", { on });
}

/** Opens (or brings forward) another of Tandem's windows. */
export function showWindow(window: OpenableWindow): Promise<void> {
  return invoke<void>("show_window", { window });
}

/** Closes this window (only this one). */
export function closeWindow(): Promise<void> {
  return invoke<void>("close_window");
}

/** The picture the browser shows for a profile, as a data: URL, or null. */
export function profilePicture(profile: Profile): Promise<string | null> {
  return invoke<string | null>("profile_picture", {
    browser: profile.browser,
    userDataDir: profile.user_data_dir,
    profileDir: profile.profile_dir,
  });
}

/** Calls `handler` when the person chooses another language. */
export function onLanguageChanged(handler: (language: Language) => void): Promise<UnlistenFn> {
  return listen<Language>(LANGUAGE_CHANGED, (event) => handler(event.payload));
}

/** The wizard's personal sign-in, in the browser. */
export function wizardSignIn(): Promise<SignedInAccount> {
  return invoke<SignedInAccount>("wizard_sign_in");
}

/** Applies what the wizard asked. */
export function wizardFinish(choices: WizardChoices): Promise<WizardDone> {
  return invoke<WizardDone>("wizard_finish", { choices });
}

/** Leaves Tandem as it was before the wizard, and closes it. */
export function wizardCancel(): Promise<void> {
  return invoke<void>("wizard_cancel");
}

/** Skips the wizard: the person sets Tandem up in the switcher. */
export function wizardSkip(): Promise<void> {
  return invoke<void>("wizard_skip");
}
