// The UI's only door to Rust: typed wrappers over the app's IPC commands and
// events. Types come from ./bindings.ts, which is generated from the Rust types.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import {
  ERROR_CODES,
  PROFILES_CHANGED,
  type AppInfo,
  type CommandError,
  type Profile,
  type ProfileEvent,
  type Snapshot,
} from "./bindings";

export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (ERROR_CODES as readonly string[]).includes(code)
  );
}

/** What went wrong, as a sentence a person can act on. */
export function describeError(error: unknown): string {
  if (isCommandError(error)) return error.message;
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "Something went wrong inside Tandem. The log folder has the details.";
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
